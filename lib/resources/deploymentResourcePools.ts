/**
 * Deployment resource pools (deployment_resource_pool_service.proto): create (a long-running operation under a
 * caller-chosen id), get, list, the deployed models using one, and delete. A pool still used by deployed models is
 * refused before the delete, naming them: Vertex refuses it too (FAILED_PRECONDITION), with less to go on.
 */
import { VertexValidationError } from '../errors';
import type { CallOptions } from '../http';
import {
	createDeploymentResourcePoolInputSchema,
	deploymentResourcePoolSchema,
	listDeploymentResourcePoolsResponseSchema,
	queryDeployedModelsResponseSchema,
	type CreateDeploymentResourcePoolInput,
	type DeployedModelRef,
	type DeploymentResourcePool,
} from '../schemas/deploymentResourcePool';
import { withAdditionalFields } from '../schemas/additionalFields';
import { operationSchema, type Operation } from '../schemas/operation';
import { parseInput } from '../schemas/validate';
import { sendJson, withQuery } from '../transport/json';
import { listQuery, type ListOptions } from '../listQuery';
import { parentName, resourceName } from '../names';
import { apiUrl, inApiVersion, type ControlPlane } from './controlPlane';
import { collectPages } from './pages';
import { createOrUseExisting } from './reuse';

/** `projects/{p}/locations/{l}/deploymentResourcePools/{id}` from an id or a full name. */
export function poolName(controlPlane: ControlPlane, idOrName: string): string {
	return resourceName('deploymentResourcePools', idOrName, controlPlane, { field: 'deploymentResourcePool' });
}

/** Starts creating a pool; `input.ifExists` 'use' gives the pool already under that id (`existing`) instead. */
export async function createDeploymentResourcePool(
	controlPlane: ControlPlane,
	input: CreateDeploymentResourcePoolInput,
	options: CallOptions = {},
): Promise<{ operation?: Operation; existing?: DeploymentResourcePool }> {
	const request = parseInput(createDeploymentResourcePoolInputSchema, input);
	const { deploymentResourcePoolId, ifExists, apiVersion } = request;
	const deploymentResourcePool = withAdditionalFields(request.deploymentResourcePool, request.additionalFields, 'createPool', apiVersion);
	controlPlane = inApiVersion(controlPlane, apiVersion);
	const parent = parentName(controlPlane);
	const url = apiUrl(controlPlane, `${parent}/deploymentResourcePools`, 'projectId');
	const { created, existing } = await createOrUseExisting(
		() =>
			sendJson(
				controlPlane.sender,
				{ method: 'POST', url, body: { deploymentResourcePool, deploymentResourcePoolId }, signal: options.signal },
				operationSchema,
				'create-pool operation',
			),
		(id) => getDeploymentResourcePool(controlPlane, id, options),
		{ kind: 'Deployment resource pool', id: deploymentResourcePoolId, idField: 'deploymentResourcePoolId', parent, ifExists },
	);
	return { operation: created, existing };
}

export async function getDeploymentResourcePool(controlPlane: ControlPlane, idOrName: string, options: CallOptions = {}): Promise<DeploymentResourcePool> {
	const name = poolName(controlPlane, idOrName);
	return sendJson(
		controlPlane.sender,
		{ method: 'GET', url: apiUrl(controlPlane, name, 'deploymentResourcePool'), signal: options.signal },
		deploymentResourcePoolSchema,
		'deployment resource pool',
	);
}

/** One page of the location's pools. The list call takes no filter, so none is sent. */
export async function listDeploymentResourcePools(
	controlPlane: ControlPlane,
	options: Omit<ListOptions, 'filter'> = {},
): Promise<{ deploymentResourcePools: DeploymentResourcePool[]; nextPageToken?: string }> {
	const { filter: _filter, ...query } = listQuery(options);
	const url = withQuery(apiUrl(controlPlane, `${parentName(controlPlane)}/deploymentResourcePools`, 'projectId'), query);
	const page = await sendJson(controlPlane.sender, { method: 'GET', url, signal: options.signal }, listDeploymentResourcePoolsResponseSchema, 'deployment resource pool list');
	return { deploymentResourcePools: page.deploymentResourcePools ?? [], ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}

/** Every deployed model using the pool (QueryDeployedModels, all pages). */
export function queryPoolDeployedModels(controlPlane: ControlPlane, idOrName: string, options: CallOptions = {}): Promise<DeployedModelRef[]> {
	const name = poolName(controlPlane, idOrName);
	return collectPages(async (pageToken, pageSize) => {
		const url = withQuery(apiUrl(controlPlane, `${name}:queryDeployedModels`, 'deploymentResourcePool'), listQuery({ pageSize, pageToken }));
		const page = await sendJson(controlPlane.sender, { method: 'GET', url, signal: options.signal }, queryDeployedModelsResponseSchema, 'deployed model list');
		return { entries: page.deployedModelRefs ?? [], nextPageToken: page.nextPageToken };
	});
}

/** Deletes a pool; refused before the delete while deployed models use it, naming them. */
export async function deleteDeploymentResourcePool(controlPlane: ControlPlane, idOrName: string, options: CallOptions = {}): Promise<Operation> {
	const name = poolName(controlPlane, idOrName);
	const users = await queryPoolDeployedModels(controlPlane, name, options);
	if (users.length > 0) {
		const where = users.map((ref) => `${ref.endpoint ?? 'an endpoint'} (deployed model ${ref.deployedModelId ?? '?'})`).join(', ');
		throw new VertexValidationError(
			`Deployment resource pool ${name} is still used by ${users.length} deployed model${users.length === 1 ? '' : 's'}: ${where}. Undeploy them first (Endpoint > Undeploy Model), then delete the pool.`,
			'deploymentResourcePool',
			{ readsSent: true },
		);
	}
	return sendJson(
		controlPlane.sender,
		{ method: 'DELETE', url: apiUrl(controlPlane, name, 'deploymentResourcePool'), signal: options.signal, retry: false },
		operationSchema,
		'delete operation',
	);
}
