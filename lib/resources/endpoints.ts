/** Endpoints: create (caller-chosen id, 409 turned into "use the existing one" on request), get, list,
 *  delete, wait for the dedicated DNS, deploy and undeploy models. */
import { fieldRef, messageParts, VertexOperationError, VertexValidationError } from '../errors';
import type { CallOptions } from '../http';
import { waitForOperation, type WaitOptions } from '../operations';
import {
	createEndpointInputSchema,
	deployModelInputSchema,
	endpointSchema,
	isPrivateServiceConnect,
	listEndpointsResponseSchema,
	undeployModelInputSchema,
	type CreateEndpointInput,
	type DeployModelInput,
	type DeployedModel,
	type DeployModelParsed,
	type Endpoint,
	type UndeployModelInput,
	type UpdateTrafficSplitInput,
	updateTrafficSplitInputSchema,
} from '../schemas/endpoint';
import { operationSchema, type Operation } from '../schemas/operation';
import { parseInput } from '../schemas/validate';
import { pollUntil } from '../polling';
import { sendJson, withQuery } from '../transport/json';
import { withAdditionalFields } from '../schemas/additionalFields';
import { apiUrl, inApiVersion, type ControlPlane } from './controlPlane';
import { listQuery, type ListOptions } from '../listQuery';
import { assertKeyInLocation, deploymentResourcePoolName, parentName, resourceName } from '../names';
import { createOrUseExisting } from './reuse';
import { trafficSplitForDeploy, trafficSplitForUndeploy } from './traffic';

/** The ids of the models deployed on an endpoint. */
export function deployedModelIds(endpoint: Endpoint): string[] {
	return (endpoint.deployedModels ?? []).map((deployed) => deployed.id).filter((id): id is string => !!id);
}

/** The deployed model with that id on the endpoint (as read, named `endpointName`); refused naming the ones there. */
export function deployedModelOn(endpoint: Endpoint, endpointName: string, deployedModelId: string): DeployedModel {
	const deployed = (endpoint.deployedModels ?? []).find((model) => model.id === deployedModelId);
	if (!deployed) {
		throw new VertexValidationError(
			`Deployed model ${deployedModelId} is not on endpoint ${endpointName} (deployed there: ${deployedModelIds(endpoint).join(', ') || 'none'}).`,
			'deployedModelId',
			{ readsSent: true },
		);
	}
	return deployed;
}

export async function getEndpoint(controlPlane: ControlPlane, idOrName: string, options: CallOptions = {}): Promise<Endpoint> {
	const name = resourceName('endpoints', idOrName, controlPlane);
	return sendJson(controlPlane.sender, { method: 'GET', url: apiUrl(controlPlane, name, 'endpoint'), signal: options.signal }, endpointSchema, 'endpoint');
}

export async function createEndpoint(
	controlPlane: ControlPlane,
	input: CreateEndpointInput,
	options: CallOptions = {},
): Promise<{ operation?: Operation; existing?: Endpoint }> {
	const { endpointId, endpoint: named, ifExists, apiVersion, additionalFields } = parseInput(createEndpointInputSchema, input);
	assertKeyInLocation(named.encryptionSpec?.kmsKeyName, controlPlane, 'endpoint.encryptionSpec.kmsKeyName');
	const endpoint = withAdditionalFields(named, additionalFields, 'createEndpoint', apiVersion);
	controlPlane = inApiVersion(controlPlane, apiVersion);
	const url = withQuery(apiUrl(controlPlane, `${parentName(controlPlane)}/endpoints`, 'projectId'), { endpointId });
	const { created, existing } = await createOrUseExisting(
		() =>
			sendJson(controlPlane.sender, { method: 'POST', url, body: endpoint, signal: options.signal }, operationSchema, 'create-endpoint operation'),
		(id) => getEndpoint(controlPlane, id, options),
		{ kind: 'Endpoint', id: endpointId, idField: 'endpointId', parent: parentName(controlPlane), ifExists: ifExists ?? 'fail' },
	);
	return { operation: created, existing };
}

export async function listEndpoints(
	controlPlane: ControlPlane,
	options: ListOptions = {},
): Promise<{ endpoints: Endpoint[]; nextPageToken?: string }> {
	const url = withQuery(apiUrl(controlPlane, `${parentName(controlPlane)}/endpoints`, 'projectId'), listQuery(options));
	const page = await sendJson(controlPlane.sender, { method: 'GET', url, signal: options.signal }, listEndpointsResponseSchema, 'endpoint list');
	return { endpoints: page.endpoints ?? [], ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}

export interface DeleteEndpointOptions extends CallOptions {
	/** Undeploy every deployed model first (each undeploy waited for with `undeployWait`); else a deployed model is an error. */
	undeployModels?: boolean;
	undeployWait?: Omit<WaitOptions, 'signal'>;
}

/**
 * Deletes an endpoint. One with deployed models is refused before the delete, naming them, unless
 * `undeployModels` is set: then they are undeployed one by one (waiting for each) and the endpoint deleted.
 */
export async function deleteEndpoint(controlPlane: ControlPlane, idOrName: string, options: DeleteEndpointOptions = {}): Promise<Operation> {
	const name = resourceName('endpoints', idOrName, controlPlane);
	const current = await getEndpoint(controlPlane, name, options);
	const deployed = deployedModelIds(current);
	if (deployed.length > 0 && !options.undeployModels) {
		throw new VertexValidationError(
			`Endpoint ${name} still has deployed models (${deployed.join(', ')}): undeploy them first, or turn on "Undeploy Models First".`,
			'undeployModels',
			{ readsSent: true },
		);
	}
	if (deployed.length > 0) {
		await undeployModels(controlPlane, name, deployed, { ...options.undeployWait, signal: options.signal });
	}
	return sendJson(
		controlPlane.sender,
		{ method: 'DELETE', url: apiUrl(controlPlane, name, 'endpoint'), signal: options.signal, retry: false },
		operationSchema,
		'delete operation',
	);
}

export interface WaitForDnsOptions extends CallOptions {
	/** Default 15 minutes. */
	timeoutMs?: number;
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
			{ readsSent: true },
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
			const endpoint = await getEndpoint(controlPlane, name, { signal });
			if (isPrivateServiceConnect(endpoint) && endpoint.dedicatedEndpointEnabled !== true) {
				throw new VertexValidationError(
					`Endpoint ${name} is a Private Service Connect endpoint without a public DNS name: there is no DNS name to wait for. Call it through its private address.`,
					'endpoint',
					{ readsSent: true },
				);
			}
			assertDedicated(endpoint);
			return endpoint;
		},
		(endpoint) => Boolean(endpoint.dedicatedEndpointDns?.trim()),
		{
			timeoutMs,
			signal: options.signal,
			initialDelayMs: options.initialDelayMs ?? 2_000,
			maxDelayMs: options.maxDelayMs ?? 15_000,
			pauseFirst: false,
		},
		{
			timedOut: (lastFailure) =>
				new VertexOperationError(
					lastFailure === undefined
						? `The endpoint still has no DNS name (dedicatedEndpointDns) after ${Math.round(timeoutMs / 1000)} s: Vertex AI is still setting it up. Wait again later.`
						: `The endpoint still has no DNS name (dedicatedEndpointDns) after ${Math.round(timeoutMs / 1000)} s: Vertex AI may still be setting it up. Wait again later. The last read of the endpoint failed: ${lastFailure}`,
					name,
					'timeout',
					undefined,
					`endpoint ${name}`,
				),
			aborted: () =>
				new VertexOperationError("Stopped waiting for the endpoint's DNS name: the run was cancelled.", name, 'aborted', undefined, `endpoint ${name}`),
			failedPrefix: "Stopped waiting for the endpoint's DNS name",
			failedContext: `endpoint ${name}`,
		},
	);
}

/** A deploy's input, checked whole (additional fields included) before any request, and its body but for the split. */
export interface CheckedDeploy {
	input: DeployModelParsed;
	endpointName: string;
	/** The DeployModelRequest body without trafficSplit (which may need the endpoint read first). */
	body: { deployedModel: Record<string, unknown> } & Record<string, unknown>;
}

export function checkDeployModelInput(controlPlane: ControlPlane, input: DeployModelInput): CheckedDeploy {
	const parsed = parseInput(deployModelInputSchema, input);
	const { endpoint, model, deployedModel, apiVersion, additionalFields } = parsed;
	const endpointName = resourceName('endpoints', endpoint, controlPlane);
	const modelName = resourceName('models', model, controlPlane, { allowVersion: true });
	const sharedResources = deployedModel.sharedResources && deploymentResourcePoolName(deployedModel.sharedResources, controlPlane);
	const named = { deployedModel: { ...deployedModel, model: modelName, sharedResources }, trafficSplit: parsed.trafficSplit };
	const body = withAdditionalFields(named, additionalFields, 'deploy', apiVersion);
	return { input: parsed, endpointName, body };
}

export async function deployModel(controlPlane: ControlPlane, input: DeployModelInput, options: CallOptions = {}): Promise<Operation> {
	const { input: parsed, endpointName, body: checkedBody } = checkDeployModelInput(controlPlane, input);
	const { trafficPercentage, trafficSplit, apiVersion } = parsed;
	controlPlane = inApiVersion(controlPlane, apiVersion);
	let split = trafficSplit;
	if (!split) {
		const current = await getEndpoint(controlPlane, endpointName, options);
		const hasModels = (current.deployedModels?.length ?? 0) > 0;
		// Without a percentage: the only model takes everything; a further model starts at 0 (existing traffic untouched).
		split = trafficSplitForDeploy(current.trafficSplit, trafficPercentage ?? (hasModels ? 0 : 100));
	}
	const body = { ...checkedBody, trafficSplit: split };
	return sendJson(
		controlPlane.sender,
		{ method: 'POST', url: apiUrl(controlPlane, `${endpointName}:deployModel`, 'endpoint'), body, signal: options.signal },
		operationSchema,
		'deploy operation',
	);
}

/**
 * Undeploys one deployed model. Without a `trafficSplit` its traffic goes to the others in proportion to
 * their shares; when they all had none, to `heir` (a deployed model id) if given, else it is an error.
 */
export async function undeployModel(
	controlPlane: ControlPlane,
	input: UndeployModelInput & { heir?: string },
	options: CallOptions = {},
): Promise<Operation> {
	const { heir, ...request } = input ?? {};
	const { endpoint, deployedModelId, trafficSplit } = parseInput(undeployModelInputSchema, request);
	const endpointName = resourceName('endpoints', endpoint, controlPlane);
	let split = trafficSplit;
	if (split && (split[deployedModelId] ?? 0) > 0) {
		throw new VertexValidationError(
			messageParts`${fieldRef(`trafficSplit.${deployedModelId}`, 'trafficSplit')} gives ${split[deployedModelId]}% to ${deployedModelId}, the model being undeployed: give it 0 or leave it out.`,
			`trafficSplit.${deployedModelId}`,
		);
	}
	if (!split) {
		const current = await getEndpoint(controlPlane, endpointName, options);
		deployedModelOn(current, endpointName, deployedModelId);
		split = trafficSplitForUndeploy(current.trafficSplit, deployedModelIds(current), deployedModelId, heir);
	}
	const body = { deployedModelId, ...(split ? { trafficSplit: split } : {}) };
	return sendJson(
		controlPlane.sender,
		{ method: 'POST', url: apiUrl(controlPlane, `${endpointName}:undeployModel`, 'endpoint'), body, signal: options.signal },
		operationSchema,
		'undeploy operation',
	);
}

/**
 * Undeploys several deployed models one after another, waiting for each (Vertex runs one deployment
 * change per endpoint at a time). When a removed model carried all the traffic, `heir` takes it (by
 * default the last one listed, itself removed last), so the split stays valid throughout.
 */
export async function undeployModels(
	controlPlane: ControlPlane,
	endpoint: string,
	deployedModelIds: string[],
	options: WaitOptions & { heir?: string } = {},
): Promise<void> {
	const { heir = deployedModelIds[deployedModelIds.length - 1], ...wait } = options;
	for (const [index, deployedModelId] of deployedModelIds.entries()) {
		const operation = await undeployModel(
			controlPlane,
			{ endpoint, deployedModelId, heir: deployedModelId === heir ? undefined : heir },
			{ signal: wait.signal },
		).catch((error: unknown) => Promise.reject(index > 0 && error instanceof VertexValidationError ? error.afterChanges() : error));
		await waitForOperation(controlPlane, operation, wait);
	}
}

/**
 * Sets an endpoint's traffic split (PATCH with updateMask=trafficSplit). Every key must be a model
 * deployed there and the shares must add up to 100; checked before the change is sent.
 */
export async function updateTrafficSplit(
	controlPlane: ControlPlane,
	input: UpdateTrafficSplitInput,
	options: CallOptions = {},
): Promise<Endpoint> {
	const { endpoint, trafficSplit } = parseInput(updateTrafficSplitInputSchema, input);
	const name = resourceName('endpoints', endpoint, controlPlane);
	const ids = deployedModelIds(await getEndpoint(controlPlane, name, options));
	const unknown = Object.keys(trafficSplit).filter((id) => !ids.includes(id));
	if (unknown.length > 0) {
		throw new VertexValidationError(
			messageParts`${fieldRef('trafficSplit')} names ${unknown.join(', ')}, not deployed on endpoint ${name} (deployed there: ${ids.join(', ') || 'none'}).`,
			'trafficSplit',
			{ readsSent: true },
		);
	}
	const url = withQuery(apiUrl(controlPlane, name, 'endpoint'), { updateMask: 'trafficSplit' });
	return sendJson(
		controlPlane.sender,
		{ method: 'PATCH', url, body: { trafficSplit }, signal: options.signal, retry: false },
		endpointSchema,
		'endpoint',
	);
}
