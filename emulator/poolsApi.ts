/** DeploymentResourcePoolService: create (an operation), get, list, delete. Deployed models use a pool through shared_resources. */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { checkDedicatedResources } from './deploymentRules';
import { ApiError, fieldViolations, notFound, type FieldViolation } from './googleErrors';
import { asRecord } from './httpUtil';
import { listResponse, page } from './listing';
import { completeQuickOperation, finishedDeleteOperation } from './operationsApi';
import type { PoolRecord } from './resources';
import { checkEncryptionSpec } from './resourceRules';

/** DeploymentResourcePool ids: "[a-z]([a-z0-9-]{0,61}[a-z0-9])?" (CreateDeploymentResourcePoolRequest.deployment_resource_pool_id). */
const POOL_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function createPool(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	// deployment_resource_pool, its dedicated_resources (with machine_spec and min_replica_count) and the id are REQUIRED: checked by the contract.
	const pool = call.body.deploymentResourcePool as Record<string, unknown>;
	const id = call.body.deploymentResourcePoolId as string;
	const violations: FieldViolation[] = [];
	if (!POOL_ID.test(id)) violations.push({ field: 'deployment_resource_pool_id', description: `Invalid id "${id}": 1-63 of [a-z0-9-], starting with a letter and not ending with "-".` });
	checkDedicatedResources(asRecord(pool.dedicatedResources) ?? {}, 'deployment_resource_pool.dedicated_resources', call.version, violations);
	// Scale to zero is a deployed model's, not a shared pool's.
	if ((pool.dedicatedResources as Record<string, unknown>).minReplicaCount === 0) violations.push({ field: 'deployment_resource_pool.dedicated_resources.min_replica_count', description: 'Must be at least 1 for a deployment resource pool.' });
	checkEncryptionSpec(pool.encryptionSpec, 'deployment_resource_pool.encryption_spec', ctx.location, violations);
	if (violations.length > 0) throw fieldViolations(violations);
	if (ctx.store.pools.has(id)) throw new ApiError('ALREADY_EXISTS', `DeploymentResourcePool ${ctx.store.poolName(id)} already exists.`);
	const { name: _name, ...spec } = pool;
	const record: PoolRecord = { id, spec, createTime: Date.now() };
	ctx.store.pools.set(id, record);
	const op = ctx.operations.create(ctx.store.poolName(id), typeUrl(call.version, 'CreateDeploymentResourcePoolOperationMetadata'));
	completeQuickOperation(
		ctx,
		call,
		op,
		() => ({ '@type': typeUrl(call.version, 'DeploymentResourcePool'), ...ctx.store.poolJson(record) }),
		() => {
			if (ctx.store.pools.get(id) === record) ctx.store.pools.delete(id);
		},
	);
	return ctx.operations.toJson(op);
}

export function requirePool(ctx: EmulatorContext, id: string): PoolRecord {
	const pool = ctx.store.pools.get(id);
	if (!pool) throw notFound('deploymentResourcePool', ctx.store.poolName(id));
	return pool;
}

export function getPool(ctx: EmulatorContext, id: string): Record<string, unknown> {
	return ctx.store.poolJson(requirePool(ctx, id));
}

export function listPools(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	const all = [...ctx.store.pools.values()].map((pool) => ctx.store.poolJson(pool));
	return listResponse('deploymentResourcePools', page(all, call.query));
}

/** Refused while deployed models still run on it, as for endpoints with deployed models. */
export function deletePool(ctx: EmulatorContext, call: ApiCall, id: string): Record<string, unknown> {
	requirePool(ctx, id);
	const users = ctx.store.poolUsers(id);
	if (users.length > 0) {
		throw new ApiError('FAILED_PRECONDITION', `DeploymentResourcePool ${ctx.store.poolName(id)} is used by deployed models (${users.map((d) => `${ctx.store.endpointName(d.endpointId)}/deployedModels/${d.id}`).join(', ')}). Undeploy them first.`);
	}
	ctx.store.pools.delete(id);
	return finishedDeleteOperation(ctx, call);
}
