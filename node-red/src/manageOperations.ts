/**
 * The Manage node's resources and operations, the same as n8n's Manage node: each names the fields it reads and
 * makes its core calls with them. Ids, limits and checks are the core's; what an operation outputs is the core's
 * output shape of the resource (`msg.payload`: an object, or an array for a list).
 */
import {
	collectPages,
	CREATE_DEPLOYMENT_RESOURCE_POOL,
	DEPLOYED_MODEL_CHANGES,
	deployedModelIds,
	ENDPOINT_CHANGES,
	endpointOutput,
	endpointSummary,
	MODEL_CHANGES,
	modelAtVersion,
	modelOutput,
	MUTATE_DEPLOYED_MODEL,
	NO_RESULT,
	operationFields,
	operationOutput,
	poolOutput,
	resourceId,
	settleOperation,
	type DeploymentResourcePoolInput,
	type VertexClient,
	type WaitOptions,
} from '../../lib';

import type { ReadFields } from './fields';
import { changesOf, type ManageFieldName, type ObjectField } from './manageFields';
import type { NodeDefinition } from './red';

/** One message's run of an operation: its checked fields, the client, the abort signal, and how to wait. */
export interface ManageCall {
	client: VertexClient;
	read: ReadFields;
	signal: AbortSignal;
	/** How to wait for an operation this call starts; undefined when "Wait for Completion" is off. */
	wait: WaitOptions | undefined;
	/** The node's settings that are plain choices (selects), not fields. */
	settings: NodeDefinition;
}

export interface ManageOperation {
	/** The fields it reads (see MANAGE_FIELDS), by the node's settings; each is checked before anything is sent. */
	fields: readonly ManageFieldName[] | ((settings: NodeDefinition) => readonly ManageFieldName[]);
	/** Object fields whose inside the core names (see manageWords). */
	objects?: readonly ObjectField[];
	/** Whether it starts a long-running operation: "Wait for Completion" and its timeout apply. */
	starts?: boolean;
	run(call: ManageCall): Promise<unknown>;
}

const WAITS: readonly ManageFieldName[] = ['wait', 'waitTimeout'];

const text = (read: ReadFields, name: string) => read.values[name] as string;
const optionalText = (read: ReadFields, name: string) => read.values[name] as string | undefined;
/** "Limit": every entry when it is not set. */
const limitOf = (read: ReadFields) => (read.values.limit as number | undefined) ?? Infinity;
const splitOf = (read: ReadFields) => read.values.trafficSplit as Record<string, number> | undefined;

const endpoint: Record<string, ManageOperation> = {
	get: {
		fields: ['endpoint'],
		run: async ({ client, read, signal }) => endpointOutput(await client.getEndpoint(text(read, 'endpoint'), { signal })),
	},
	getAll: {
		fields: ['filter', 'limit'],
		run: async ({ client, read, signal }) =>
			(
				await collectPages(async (pageToken, pageSize) => {
					const page = await client.listEndpoints({ filter: optionalText(read, 'filter'), pageSize, pageToken, signal });
					return { entries: page.endpoints, nextPageToken: page.nextPageToken };
				}, limitOf(read))
			).map(endpointOutput),
	},
	undeployModel: {
		fields: ['endpoint', 'deployedModel', 'trafficSplit', ...WAITS],
		starts: true,
		run: async ({ client, read, signal, wait }) => {
			const input = { endpoint: text(read, 'endpoint'), deployedModelId: text(read, 'deployedModel'), trafficSplit: splitOf(read) };
			const { operation } = await settleOperation(client, NO_RESULT, await client.undeployModel(input, { signal }), wait);
			const after = await client.getEndpoint(input.endpoint, { signal });
			return { ...endpointSummary(after), undeployedModelId: input.deployedModelId, ...operationFields(operation) };
		},
	},
	update: {
		fields: ['endpoint', 'changes'],
		objects: [{ spec: 'changes', keys: ENDPOINT_CHANGES }],
		run: async ({ client, read, signal }) =>
			endpointOutput(await client.updateEndpoint({ ...changesOf(read, ENDPOINT_CHANGES), endpoint: text(read, 'endpoint') }, { signal })),
	},
	updateTrafficSplit: {
		fields: ['endpoint', 'requiredTrafficSplit'],
		run: async ({ client, read, signal }) =>
			endpointOutput(await client.updateTrafficSplit({ endpoint: text(read, 'endpoint'), trafficSplit: splitOf(read) ?? {} }, { signal })),
	},
	delete: {
		fields: ['endpoint', 'undeployModels', ...WAITS],
		starts: true,
		run: async ({ client, read, signal, wait }) => {
			const name = client.endpointName(text(read, 'endpoint'));
			const undeployModels = read.values.undeployModels === true;
			const undeployedModelIds = undeployModels ? deployedModelIds(await client.getEndpoint(name, { signal })) : [];
			// Each undeploy is waited for even when the delete is not: the delete can only start once they are done.
			const started = await client.deleteEndpoint(name, { signal, undeployModels, undeployWait: { timeoutMs: wait?.timeoutMs, onProgress: wait?.onProgress } });
			const { operation, result } = await settleOperation(client, NO_RESULT, started, wait);
			return { endpoint: name, endpointId: resourceId(name), deleted: result !== undefined, undeployedModelIds, ...operationFields(operation) };
		},
	},
};

const deployedModel: Record<string, ManageOperation> = {
	update: {
		fields: ['endpoint', 'deployedModel', 'changes', ...WAITS],
		objects: [{ spec: 'changes', keys: DEPLOYED_MODEL_CHANGES }],
		starts: true,
		run: async ({ client, read, signal, wait }) => {
			const input = { ...changesOf(read, DEPLOYED_MODEL_CHANGES), endpoint: text(read, 'endpoint'), deployedModelId: text(read, 'deployedModel') };
			const name = client.endpointName(input.endpoint);
			const { operation, result } = await settleOperation(client, MUTATE_DEPLOYED_MODEL, await client.mutateDeployedModel(input, { signal }), wait);
			return { endpoint: name, endpointId: resourceId(name), deployedModelId: input.deployedModelId, deployedModel: result ?? null, ...operationFields(operation) };
		},
	},
};

const model: Record<string, ManageOperation> = {
	get: {
		fields: ['model'],
		run: async ({ client, read, signal }) => modelOutput(await client.getModel(text(read, 'model'), { signal })),
	},
	getAll: {
		fields: ['filter', 'limit'],
		run: async ({ client, read, signal }) =>
			(
				await collectPages(async (pageToken, pageSize) => {
					const page = await client.listModels({ filter: optionalText(read, 'filter'), pageSize, pageToken, signal });
					return { entries: page.models, nextPageToken: page.nextPageToken };
				}, limitOf(read))
			).map(modelOutput),
	},
	listVersions: {
		fields: ['model', 'limit'],
		run: async ({ client, read, signal }) =>
			(
				await collectPages(async (pageToken, pageSize) => {
					const page = await client.listModelVersions(text(read, 'model'), { pageSize, pageToken, signal });
					return { entries: page.models, nextPageToken: page.nextPageToken };
				}, limitOf(read))
			).map(modelOutput),
	},
	update: {
		fields: ['model', 'changes'],
		objects: [{ spec: 'changes', keys: MODEL_CHANGES }],
		run: async ({ client, read, signal }) => {
			const { model: after, versionAliases } = await client.updateModel({ ...changesOf(read, MODEL_CHANGES), model: text(read, 'model') }, { signal });
			return { ...modelOutput(after), ...(versionAliases ? { versionAliasChange: versionAliases } : {}) };
		},
	},
	delete: {
		fields: ['model', ...WAITS],
		starts: true,
		run: async ({ client, read, signal, wait }) => {
			const name = client.modelName(text(read, 'model'));
			const { operation, result } = await settleOperation(client, NO_RESULT, await client.deleteModel(text(read, 'model'), { signal }), wait);
			return { model: name, modelId: resourceId(name), deleted: result !== undefined, ...operationFields(operation) };
		},
	},
	deleteVersion: {
		fields: ['model', 'version', ...WAITS],
		starts: true,
		run: async ({ client, read, signal, wait }) => {
			const name = client.modelName(text(read, 'model'));
			const started = await client.deleteModelVersion(modelAtVersion(text(read, 'model'), text(read, 'version')), { signal });
			const { operation, result } = await settleOperation(client, NO_RESULT, started, wait);
			return { model: name, modelId: resourceId(name), versionId: text(read, 'version'), deleted: result !== undefined, ...operationFields(operation) };
		},
	},
};

const deploymentResourcePool: Record<string, ManageOperation> = {
	create: {
		fields: ['poolId', 'poolSettings', ...WAITS],
		objects: [{ spec: 'poolSettings', under: 'deploymentResourcePool' }],
		starts: true,
		run: async ({ client, read, signal, wait, settings }) => {
			const poolId = text(read, 'poolId');
			const started = await client.createDeploymentResourcePool(
				{ deploymentResourcePoolId: poolId, deploymentResourcePool: read.values.poolSettings as DeploymentResourcePoolInput, ifExists: settings.ifExists === 'use' ? 'use' : 'fail' },
				{ signal },
			);
			const { operation, result } = await settleOperation(client, CREATE_DEPLOYMENT_RESOURCE_POOL, started.operation, wait);
			const pool = result ?? started.existing;
			const name = client.deploymentResourcePoolName(poolId);
			return { ...(pool ? poolOutput(pool) : { name, deploymentResourcePoolId: poolId }), existed: started.existing !== undefined, ...operationFields(operation) };
		},
	},
	get: {
		fields: ['pool'],
		run: async ({ client, read, signal }) => poolOutput(await client.getDeploymentResourcePool(text(read, 'pool'), { signal })),
	},
	getAll: {
		fields: ['limit'],
		run: async ({ client, read, signal }) =>
			(
				await collectPages(async (pageToken, pageSize) => {
					const page = await client.listDeploymentResourcePools({ pageSize, pageToken, signal });
					return { entries: page.deploymentResourcePools, nextPageToken: page.nextPageToken };
				}, limitOf(read))
			).map(poolOutput),
	},
	delete: {
		fields: ['pool', ...WAITS],
		starts: true,
		run: async ({ client, read, signal, wait }) => {
			const name = client.deploymentResourcePoolName(text(read, 'pool'));
			const { operation, result } = await settleOperation(client, NO_RESULT, await client.deleteDeploymentResourcePool(name, { signal }), wait);
			return { deploymentResourcePool: name, deploymentResourcePoolId: resourceId(name), deleted: result !== undefined, ...operationFields(operation) };
		},
	},
};

const operation: Record<string, ManageOperation> = {
	get: {
		fields: ['operationName'],
		run: async ({ client, read, signal }) => operationOutput(await client.getOperation(text(read, 'operationName'), { signal })),
	},
	wait: {
		fields: ['operationName', 'waitTimeout'],
		run: async ({ client, read, wait }) => operationOutput(await client.waitForOperation(text(read, 'operationName'), wait)),
	},
	cancel: {
		fields: ['operationName'],
		run: async ({ client, read, signal }) => {
			await client.cancelOperation(text(read, 'operationName'), { signal });
			return { operationName: text(read, 'operationName'), cancelRequested: true };
		},
	},
	getAll: {
		fields: (settings) => [settings.operationsOf === 'model' ? 'model' : 'endpoint', 'onlyRunning', 'limit'],
		run: async ({ client, read, signal, settings }) => {
			const of = settings.operationsOf === 'model' ? { model: text(read, 'model') } : { endpoint: text(read, 'endpoint') };
			const filter = read.values.onlyRunning === true ? 'done=false' : undefined;
			const operations = await collectPages(async (pageToken, pageSize) => {
				const page = await client.listOperations(of, { filter, pageSize, pageToken, signal });
				return { entries: page.operations, nextPageToken: page.nextPageToken };
			}, limitOf(read));
			return operations.map(operationOutput);
		},
	},
};

/** The operations of each resource, by the values of the node's Resource and Operation selects. */
export const MANAGE_RESOURCES: Record<string, Record<string, ManageOperation>> = { endpoint, deployedModel, model, deploymentResourcePool, operation };
