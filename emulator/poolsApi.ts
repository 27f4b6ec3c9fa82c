/**
 * DeploymentResourcePoolService: create and update (operations), get, list, delete, and which deployed
 * models use a pool (:queryDeployedModels). Deployed models use a pool through shared_resources.
 */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { checkDedicatedResources, MUTABLE_REPLICA_FIELDS, type ReplicaPlan } from './deploymentRules';
import type { Deployments } from './deployments';
import { maskedFields } from './fieldMask';
import { ApiError, fieldViolations, notFound, type FieldViolation } from './googleErrors';
import { asRecord } from './httpUtil';
import { listResponse, page } from './listing';
import { completeQuickOperation, finishedDeleteOperation, injectedOperationFailure } from './operationsApi';
import type { PoolRecord } from './resources';
import { checkEncryptionSpec } from './resourceRules';

/**
 * What an update may change. Google documents no list; the emulator takes what MutateDeployedModel takes
 * for a deployed model of its own (replica counts, autoscaling metrics, container logging), since a
 * deployed model on a pool has its replicas changed here. The machines and the key stay as created.
 */
const UPDATABLE_FIELDS = { ...MUTABLE_REPLICA_FIELDS, disable_container_logging: 'disableContainerLogging', disableContainerLogging: 'disableContainerLogging' } as const;

/** DeploymentResourcePool ids: "[a-z]([a-z0-9-]{0,61}[a-z0-9])?" (CreateDeploymentResourcePoolRequest.deployment_resource_pool_id). */
const POOL_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function createPool(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	// deployment_resource_pool, its dedicated_resources (with machine_spec and min_replica_count) and the id are REQUIRED: checked by the contract.
	const pool = call.body.deploymentResourcePool as Record<string, unknown>;
	const id = call.body.deploymentResourcePoolId as string;
	const violations: FieldViolation[] = [];
	if (!POOL_ID.test(id)) violations.push({ field: 'deployment_resource_pool_id', description: `Invalid id "${id}": 1-63 of [a-z0-9-], starting with a letter and not ending with "-".` });
	checkPoolResources(asRecord(pool.dedicatedResources) ?? {}, call, violations);
	checkEncryptionSpec(pool.encryptionSpec, 'deployment_resource_pool.encryption_spec', ctx.location, violations);
	if (violations.length > 0) throw fieldViolations(violations);
	if (ctx.store.pools.has(id)) throw new ApiError('ALREADY_EXISTS', `DeploymentResourcePool ${ctx.store.poolName(id)} already exists.`);
	const spec = { ...pool };
	delete spec.name;
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

/** A pool's dedicated resources, checked as a deploy's are; scale to zero is a deployed model's, not a shared pool's. */
function checkPoolResources(resources: Record<string, unknown>, call: ApiCall, violations: FieldViolation[]): ReplicaPlan | undefined {
	const plan = checkDedicatedResources(resources, 'deployment_resource_pool.dedicated_resources', call.version, violations);
	const field = 'deployment_resource_pool.dedicated_resources.min_replica_count';
	if (((resources.minReplicaCount as number | undefined) ?? 0) < 1) {
		if (!violations.some((violation) => violation.field === field)) violations.push({ field, description: 'Must be at least 1 for a deployment resource pool.' });
		return undefined;
	}
	return plan;
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

/**
 * PATCH: the fields of UPDATABLE_FIELDS the mask names. An operation: when it finishes, each deployed model on
 * the pool runs the new replica count (as :mutateDeployedModel does for a deployed model of its own).
 */
export function updatePool(ctx: EmulatorContext, call: ApiCall, id: string, deployments: Deployments): Record<string, unknown> {
	const fields = maskedFields(call.query.get('updateMask'), UPDATABLE_FIELDS);
	const pool = requirePool(ctx, id);
	const given = call.body;
	const merged = structuredClone(pool.spec);
	const resources = (merged.dedicatedResources ?? {}) as Record<string, unknown>;
	const givenResources = asRecord(given.dedicatedResources) ?? {};
	for (const field of fields) {
		const [target, key] = field.startsWith('dedicatedResources.') ? [resources, field.slice('dedicatedResources.'.length)] : [merged, field];
		const value = field.startsWith('dedicatedResources.') ? givenResources[key] : given[field];
		if (value === undefined) delete target[key];
		else target[key] = structuredClone(value);
	}
	const violations: FieldViolation[] = [];
	const plan = checkPoolResources(resources, call, violations);
	if (violations.length > 0 || !plan) throw fieldViolations(violations);
	const failure = injectedOperationFailure(ctx, call);
	const op = ctx.operations.create(ctx.store.poolName(id), typeUrl(call.version, 'UpdateDeploymentResourcePoolOperationMetadata'));
	ctx.background(async () => {
		await ctx.pause(ctx.operationStepMs);
		if (op.done) return;
		if (failure) return ctx.operations.fail(op, failure);
		for (const deployed of ctx.store.poolUsers(id)) {
			const scaled = await deployments.rescale(deployed, plan, () => op.done || ctx.closing);
			if (typeof scaled === 'string') return ctx.operations.fail(op, new ApiError('INVALID_ARGUMENT', `Update failed: ${scaled}`));
		}
		pool.spec = merged;
		ctx.operations.succeed(op, { '@type': typeUrl(call.version, 'DeploymentResourcePool'), ...ctx.store.poolJson(pool) });
	});
	return ctx.operations.toJson(op);
}

/** The deployed models on a pool, as references, paged; the totals count them all. */
export function queryDeployedModels(ctx: EmulatorContext, call: ApiCall, id: string): Record<string, unknown> {
	requirePool(ctx, id);
	const users = ctx.store.poolUsers(id);
	const refs = users.map((deployed) => ({ endpoint: ctx.store.endpointName(deployed.endpointId), deployedModelId: deployed.id }));
	return {
		...listResponse('deployedModelRefs', page(refs, call.query)),
		totalDeployedModelCount: users.length,
		totalEndpointCount: new Set(users.map((deployed) => deployed.endpointId)).size,
	};
}

/** Refused while deployed models run on it or deploys onto it are in flight, as for endpoints with deployed models. */
export function deletePool(ctx: EmulatorContext, call: ApiCall, id: string, deploying: (poolName: string) => string[]): Record<string, unknown> {
	requirePool(ctx, id);
	const users = [...ctx.store.poolUsers(id).map((d) => `${ctx.store.endpointName(d.endpointId)}/deployedModels/${d.id}`), ...deploying(ctx.store.poolName(id))];
	if (users.length > 0) {
		throw new ApiError('FAILED_PRECONDITION', `DeploymentResourcePool ${ctx.store.poolName(id)} is used by deployed models (${users.join(', ')}). Undeploy them first.`);
	}
	ctx.store.pools.delete(id);
	return finishedDeleteOperation(ctx, call);
}
