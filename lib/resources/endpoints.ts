/** Endpoints: create (caller-chosen id, 409 turned into "use the existing one" on request), get, list,
 *  delete, wait for the dedicated DNS, deploy and undeploy models. */
import { VertexOperationError, VertexValidationError } from '../errors';
import {
	createEndpointInputSchema,
	deployModelInputSchema,
	endpointSchema,
	listEndpointsResponseSchema,
	undeployModelInputSchema,
	type CreateEndpointInput,
	type DeployModelInput,
	type Endpoint,
	type UndeployModelInput,
} from '../schemas/endpoint';
import { operationSchema, type Operation } from '../schemas/operation';
import { parseInput } from '../schemas/validate';
import { pollUntil } from '../polling';
import { sendJson, withQuery } from '../transport/json';
import { apiUrl, type ControlPlane, type ListOptions } from './controlPlane';
import { listQuery } from './listQuery';
import { parentName, resourceName } from './names';
import { createOrUseExisting } from './reuse';
import { trafficSplitForDeploy, trafficSplitForUndeploy } from './traffic';

export async function getEndpoint(controlPlane: ControlPlane, idOrName: string, signal?: AbortSignal): Promise<Endpoint> {
	const name = resourceName('endpoints', idOrName, controlPlane);
	return sendJson(controlPlane.sender, { method: 'GET', url: apiUrl(controlPlane, name), signal }, endpointSchema, 'endpoint');
}

export async function createEndpoint(
	controlPlane: ControlPlane,
	input: CreateEndpointInput,
	signal?: AbortSignal,
): Promise<{ operation?: Operation; existing?: Endpoint }> {
	const { endpointId, endpoint, ifExists } = parseInput(createEndpointInputSchema, input);
	const url = withQuery(apiUrl(controlPlane, `${parentName(controlPlane)}/endpoints`), { endpointId });
	const { created, existing } = await createOrUseExisting(
		() =>
			sendJson(controlPlane.sender, { method: 'POST', url, body: endpoint, signal }, operationSchema, 'create-endpoint operation'),
		(id) => getEndpoint(controlPlane, id, signal),
		{ kind: 'Endpoint', id: endpointId, idField: 'endpointId', parent: parentName(controlPlane), ifExists: ifExists ?? 'fail' },
	);
	return { operation: created, existing };
}

export async function listEndpoints(
	controlPlane: ControlPlane,
	options: ListOptions = {},
	signal?: AbortSignal,
): Promise<{ endpoints: Endpoint[]; nextPageToken?: string }> {
	const url = withQuery(apiUrl(controlPlane, `${parentName(controlPlane)}/endpoints`), listQuery(options));
	const page = await sendJson(controlPlane.sender, { method: 'GET', url, signal }, listEndpointsResponseSchema, 'endpoint list');
	return { endpoints: page.endpoints ?? [], ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}

export async function deleteEndpoint(controlPlane: ControlPlane, idOrName: string, signal?: AbortSignal): Promise<Operation> {
	const name = resourceName('endpoints', idOrName, controlPlane);
	return sendJson(
		controlPlane.sender,
		{ method: 'DELETE', url: apiUrl(controlPlane, name), signal, retry: false },
		operationSchema,
		'delete operation',
	);
}

export interface WaitForDnsOptions {
	/** Default 15 minutes. */
	timeoutMs?: number;
	signal?: AbortSignal;
	/** First pause between reads; default 2 s, growing to 15 s. */
	initialDelayMs?: number;
	maxDelayMs?: number;
}

/** Refuses an endpoint that is not dedicated: invoke (and its DNS) only exist on dedicated endpoints. */
export function assertDedicated(endpoint: Endpoint): void {
	if (endpoint.dedicatedEndpointEnabled !== true) {
		throw new VertexValidationError(
			`Endpoint ${endpoint.name} is not a dedicated endpoint: invoke only works on endpoints created with dedicatedEndpointEnabled: true. Create a dedicated endpoint and deploy the model there.`,
			'endpoint',
		);
	}
}

/** Reads the endpoint until Vertex has set its dedicatedEndpointDns (it can be empty right after creation). */
export async function waitForDedicatedEndpointDns(
	controlPlane: ControlPlane,
	idOrName: string,
	options: WaitForDnsOptions = {},
): Promise<Endpoint> {
	const name = resourceName('endpoints', idOrName, controlPlane);
	const timeoutMs = options.timeoutMs ?? 15 * 60_000;
	return pollUntil(
		async (signal) => {
			const endpoint = await getEndpoint(controlPlane, name, signal);
			assertDedicated(endpoint);
			return endpoint;
		},
		(endpoint) => Boolean(endpoint.dedicatedEndpointDns?.trim()),
		{
			timeoutMs,
			signal: options.signal,
			initialDelayMs: options.initialDelayMs ?? 2_000,
			maxDelayMs: options.maxDelayMs ?? 15_000,
			backoffFactor: 1.5,
			pauseFirst: false,
		},
		{
			timedOut: () =>
				new VertexOperationError(
					`Endpoint ${name} still has no dedicatedEndpointDns after ${Math.round(timeoutMs / 1000)} s; Vertex is still setting it up. Wait again later.`,
					name,
					'timeout',
				),
			aborted: () =>
				new VertexOperationError(`Stopped waiting for the DNS of endpoint ${name}: the run was cancelled.`, name, 'aborted'),
		},
	);
}

export async function deployModel(controlPlane: ControlPlane, input: DeployModelInput, signal?: AbortSignal): Promise<Operation> {
	const { endpoint, model, deployedModel, trafficPercentage, trafficSplit } = parseInput(deployModelInputSchema, input);
	const endpointName = resourceName('endpoints', endpoint, controlPlane);
	const modelName = resourceName('models', model, controlPlane, { allowVersion: true });
	let split = trafficSplit;
	if (!split) {
		const current = await getEndpoint(controlPlane, endpointName, signal);
		const hasModels = (current.deployedModels?.length ?? 0) > 0;
		// Without a percentage: the only model takes everything; a further model starts at 0 (existing traffic untouched).
		split = trafficSplitForDeploy(current.trafficSplit, trafficPercentage ?? (hasModels ? 0 : 100));
	}
	const body = { deployedModel: { ...deployedModel, model: modelName }, trafficSplit: split };
	return sendJson(
		controlPlane.sender,
		{ method: 'POST', url: apiUrl(controlPlane, `${endpointName}:deployModel`), body, signal },
		operationSchema,
		'deploy operation',
	);
}

export async function undeployModel(controlPlane: ControlPlane, input: UndeployModelInput, signal?: AbortSignal): Promise<Operation> {
	const { endpoint, deployedModelId, trafficSplit } = parseInput(undeployModelInputSchema, input);
	const endpointName = resourceName('endpoints', endpoint, controlPlane);
	let split = trafficSplit;
	if (split && (split[deployedModelId] ?? 0) > 0) {
		throw new VertexValidationError(
			`trafficSplit gives ${split[deployedModelId]}% to ${deployedModelId}, the model being undeployed: give it 0 or leave it out.`,
			`trafficSplit.${deployedModelId}`,
		);
	}
	if (!split) {
		const current = await getEndpoint(controlPlane, endpointName, signal);
		const ids = (current.deployedModels ?? []).map((deployed) => deployed.id).filter((id): id is string => !!id);
		split = trafficSplitForUndeploy(current.trafficSplit, ids, deployedModelId);
	}
	const body = { deployedModelId, ...(split ? { trafficSplit: split } : {}) };
	return sendJson(
		controlPlane.sender,
		{ method: 'POST', url: apiUrl(controlPlane, `${endpointName}:undeployModel`), body, signal },
		operationSchema,
		'undeploy operation',
	);
}
