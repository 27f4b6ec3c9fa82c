/**
 * The facade the n8n nodes call: one VertexClient per distinct configuration, holding one auth client
 * (and so one token cache) and one authorised transport, with every control-plane call and invoke.
 */
import { createHash } from 'node:crypto';

import {
	createAccessTokenProvider,
	credentialProjectId,
	resolveCredential,
	type AccessTokenProvider,
	type VertexCredential,
} from './auth';
import { fieldRef, messageParts, VertexApiError, VertexTransportError, VertexValidationError } from './errors';
import { assertLocation, controlPlaneBaseUrl, normalizeBaseUrl, PrivateAddressPolicy, TokenHostPolicy } from './hosts';
import type { CallOptions, HttpSender } from './http';
import {
	invokeModelServer,
	isPreparedInvoke,
	prepareInvoke,
	type InvokeInput,
	type InvokeResponse,
	type PreparedInvoke,
} from './invoke';
import {
	cancelOperation,
	getOperation,
	listOperations,
	waitForOperation,
	waitForResult,
	type WaitOptions,
} from './operations';
import type { OperationType } from './operationTypes';
import type { ControlPlane } from './resources/controlPlane';
import type { ListOptions } from './listQuery';
import { dedicatedInvokeBaseUrl } from './resources/dataPlane';
import {
	applyTrafficToDeployed,
	deploy,
	deployModelOrUseExisting,
	findDeployedCopies,
	type DeployedCopies,
	type DeployInput,
	type DeployOptions,
	type DeployOutcome,
	type IfDeployed,
	type TrafficRequest,
} from './resources/deployedCopies';
import {
	createEndpoint,
	deleteEndpoint,
	getEndpoint,
	listEndpoints,
	undeployModel,
	undeployModels,
	updateTrafficSplit,
	waitForDedicatedEndpointDns,
	type DeleteEndpointOptions,
	type WaitForDnsOptions,
} from './resources/endpoints';
import { mutateDeployedModel, updateEndpoint } from './resources/endpointChanges';
import { updateModel, type UpdateModelOutcome } from './resources/modelChanges';
import {
	createDeploymentResourcePool,
	deleteDeploymentResourcePool,
	getDeploymentResourcePool,
	listDeploymentResourcePools,
	poolName,
	queryPoolDeployedModels,
} from './resources/deploymentResourcePools';
import type { CreateDeploymentResourcePoolInput, DeployedModelRef, DeploymentResourcePool } from './schemas/deploymentResourcePool';
import type { MutateDeployedModelInput, UpdateEndpointInput } from './schemas/endpointUpdate';
import type { UpdateModelInput } from './schemas/modelUpdate';
import { deleteModel, deleteModelVersion, getModel, listModels, listModelVersions, uploadModel } from './resources/models';
import { resourceName } from './names';
import type {
	CreateEndpointInput,
	DeployedModel,
	DeployModelInput,
	Endpoint,
	UndeployModelInput,
	UpdateTrafficSplitInput,
} from './schemas/endpoint';
import { PROJECT } from './rules/ids';
import type { Model, UploadModelInput } from './schemas/model';
import type { Operation } from './schemas/operation';
import { isAbortedError } from './transport/abort';
import { quoteForMessage } from './secrets';
import type { RetryPolicy } from './transport/retry';
import {
	checkCaCertificate,
	checkPrivateEndpoint,
	privateEndpointAgent,
	type CheckedPrivateEndpoint,
	type DefaultCaCertificate,
	type PrivateEndpointOptions,
} from './transport/privateEndpoint';
import { VertexTransport } from './transport/transport';

/** What a project id is (a project number is accepted too). */
const PROJECT_ID_RULE = '6-30 of a-z, 0-9 and "-", starting with a letter';

export type { VertexCredential };

export interface VertexClientOptions {
	credential: VertexCredential;
	/** Target service account email; the token comes from iamcredentials :generateAccessToken. */
	impersonateServiceAccount?: string;
	/** Defaults to the key's project_id; an error names `projectId` when there is none. */
	projectId?: string;
	/** us-central1, europe-west4, ..., 'global', 'us', 'eu'. */
	location: string;
	/** Custom base for the control AND data plane (Private Service Connect, emulator). */
	apiBaseUrl?: string;
	/** Custom OAuth token URL (emulator). */
	tokenUrl?: string;
	/** Custom iamcredentials base (emulator), for impersonation. */
	iamCredentialsBaseUrl?: string;
	/**
	 * PEM CA certificate(s) of the project's Private Service Connect endpoints, for every invoke through a private
	 * address that names no CA of its own. Checked when the client is made: a private key here is refused, never shown.
	 */
	privateEndpointCaCertificate?: string;
	userAgent?: string;
	/** Retry tuning for idempotent calls (tests shorten the delays). */
	retry?: Partial<RetryPolicy>;
	/** Refresh the token this long before it expires (default 5 minutes). */
	tokenRefreshMarginMs?: number;
}

/** Options of one invoke call. */
export interface InvokeCallOptions extends CallOptions {
	/**
	 * Send the call to a Private Service Connect address (the forwarding rule's IP or a private DNS name) instead of
	 * the endpoint's dedicated DNS or the custom API base. Only this call's data plane goes there; the token goes to
	 * that address and nowhere else, and the control plane stays where it was.
	 */
	privateEndpoint?: PrivateEndpointOptions;
}

const CLIENT_CA_FIELD = 'privateEndpointCaCertificate';
const CLIENT_CA_LABEL = "the credential's CA certificate for private endpoints (privateEndpointCaCertificate)";
const DATA_PLANE_CACHE_MS = 5 * 60_000;
const MAX_PRIVATE_DATA_PLANES = 32;
const DEFAULT_USER_AGENT = 'n8n-nodes-vertex-invoke';

function resolveProjectId(options: VertexClientOptions, fromCredential: string | undefined): string {
	const projectId = options.projectId?.trim() || fromCredential;
	if (!projectId) {
		throw new VertexValidationError(
			messageParts`${fieldRef('projectId')} is required: the credential does not name a project (only a service account key carries project_id). Set the project id.`,
			'projectId',
		);
	}
	if (!PROJECT.pattern.test(projectId)) {
		throw new VertexValidationError(
			messageParts`${fieldRef('projectId')} ${quoteForMessage(projectId)} is not a Google Cloud project id (${PROJECT_ID_RULE}) or project number.`,
			'projectId',
			{ rule: `a Google Cloud project id (${PROJECT_ID_RULE}) or project number` },
		);
	}
	return projectId;
}

export class VertexClient {
	readonly projectId: string;
	readonly location: string;
	private readonly tokens: AccessTokenProvider;
	private readonly transport: VertexTransport;
	private readonly controlPlane: ControlPlane;
	private readonly apiBaseUrl: string | undefined;
	private readonly dataPlaneBases = new Map<string, { baseUrl: string; expiresAt: number }>();
	/** One transport per private address and TLS choice: its host policy lets the token go to that address only. */
	private readonly privateDataPlanes = new Map<string, VertexTransport>();
	private readonly privateEndpointCa: DefaultCaCertificate | undefined;
	private readonly userAgent: string;
	private readonly retry: Partial<RetryPolicy> | undefined;

	constructor(options: VertexClientOptions) {
		this.location = assertLocation(options.location?.trim());
		const credential = resolveCredential(options.credential);
		this.projectId = resolveProjectId(options, credentialProjectId(credential));
		this.apiBaseUrl = options.apiBaseUrl?.trim() ? normalizeBaseUrl(options.apiBaseUrl, 'apiBaseUrl') : undefined;
		const caPem = options.privateEndpointCaCertificate;
		this.privateEndpointCa =
			caPem === undefined || (typeof caPem === 'string' && caPem.trim() === '')
				? undefined
				: { certificates: checkCaCertificate(caPem, CLIENT_CA_FIELD), field: CLIENT_CA_FIELD, label: CLIENT_CA_LABEL };
		this.tokens = createAccessTokenProvider(credential, {
			tokenUrl: options.tokenUrl?.trim() || undefined,
			iamCredentialsBaseUrl: options.iamCredentialsBaseUrl?.trim() || undefined,
			impersonateServiceAccount: options.impersonateServiceAccount?.trim() || undefined,
			eagerRefreshThresholdMillis: options.tokenRefreshMarginMs,
		});
		this.userAgent = options.userAgent?.trim() || DEFAULT_USER_AGENT;
		this.retry = options.retry;
		this.transport = new VertexTransport({
			getAccessToken: (signal) => this.tokens.getAccessToken(signal),
			invalidateAccessToken: (token) => this.tokens.invalidate(token),
			hostPolicy: new TokenHostPolicy([this.apiBaseUrl]),
			userAgent: this.userAgent,
			retry: this.retry,
		});
		this.controlPlane = {
			sender: this.transport,
			baseUrl: controlPlaneBaseUrl(this.location, this.apiBaseUrl),
			projectId: this.projectId,
			location: this.location,
		};
	}

	/** The authorised sender (token attached, host policy, retries) for calls the facade does not cover. */
	get httpSender(): HttpSender {
		return this.transport;
	}

	/** Who the token belongs to, for messages. */
	get credentialDescription(): string {
		return this.tokens.description;
	}

	getAccessToken(signal?: AbortSignal): Promise<string> {
		return this.tokens.getAccessToken(signal);
	}

	/** `projects/{p}/locations/{l}/models/{id}` from an id (optionally `@version`) or a full name. */
	modelName(idOrName: string): string {
		return resourceName('models', idOrName, this.controlPlane, { allowVersion: true });
	}

	endpointName(idOrName: string): string {
		return resourceName('endpoints', idOrName, this.controlPlane);
	}

	// models

	/** Uploads; `input.ifExists` says what a taken `modelId` means ('fail', the default, or 'use' it). */
	uploadModel(input: UploadModelInput, options?: CallOptions): Promise<{ operation?: Operation; existing?: Model }> {
		return uploadModel(this.controlPlane, input, options);
	}

	getModel(idOrName: string, options?: CallOptions): Promise<Model> {
		return getModel(this.controlPlane, idOrName, options);
	}

	listModels(options?: ListOptions): Promise<{ models: Model[]; nextPageToken?: string }> {
		return listModels(this.controlPlane, options);
	}

	listModelVersions(idOrName: string, options?: ListOptions): Promise<{ models: Model[]; nextPageToken?: string }> {
		return listModelVersions(this.controlPlane, idOrName, options);
	}

	/** Refused (before any change) while a version is deployed, naming the endpoints. */
	deleteModel(idOrName: string, options?: CallOptions): Promise<Operation> {
		return deleteModel(this.controlPlane, idOrName, options);
	}

	/** `model@version`; refused while that version is deployed. */
	deleteModelVersion(versionName: string, options?: CallOptions): Promise<Operation> {
		return deleteModelVersion(this.controlPlane, versionName, options);
	}

	/**
	 * Changes the model's display name, description or labels (one PATCH, masked to those) and adds or removes version
	 * aliases on the version `model@version` names (the default version without it), merged by Vertex.
	 */
	updateModel(input: UpdateModelInput, options?: CallOptions): Promise<UpdateModelOutcome> {
		return updateModel(this.controlPlane, input, options);
	}

	// endpoints

	/** Changes exactly the given fields of an endpoint (PATCH, update mask of those fields); gives the endpoint after. */
	updateEndpoint(input: UpdateEndpointInput, options?: CallOptions): Promise<Endpoint> {
		return updateEndpoint(this.controlPlane, input, options);
	}

	/** Starts changing a deployed model's replicas, autoscaling or container logging; wait with MUTATE_DEPLOYED_MODEL. */
	mutateDeployedModel(input: MutateDeployedModelInput, options?: CallOptions): Promise<Operation> {
		return mutateDeployedModel(this.controlPlane, input, options);
	}

	/** Creates; `input.ifExists` says what a taken `endpointId` means ('fail', the default, or 'use' it). */
	createEndpoint(input: CreateEndpointInput, options?: CallOptions): Promise<{ operation?: Operation; existing?: Endpoint }> {
		return createEndpoint(this.controlPlane, input, options);
	}

	getEndpoint(idOrName: string, options?: CallOptions): Promise<Endpoint> {
		return getEndpoint(this.controlPlane, idOrName, options);
	}

	listEndpoints(options?: ListOptions): Promise<{ endpoints: Endpoint[]; nextPageToken?: string }> {
		return listEndpoints(this.controlPlane, options);
	}

	/** Refused while models are deployed, unless `undeployModels` (then each is undeployed first, waited for). */
	deleteEndpoint(idOrName: string, options?: DeleteEndpointOptions): Promise<Operation> {
		this.dataPlaneBases.delete(this.endpointName(idOrName));
		return deleteEndpoint(this.controlPlane, idOrName, options);
	}

	waitForDedicatedEndpointDns(idOrName: string, options?: WaitForDnsOptions): Promise<Endpoint> {
		return waitForDedicatedEndpointDns(this.controlPlane, idOrName, options);
	}

	/**
	 * Starts a deploy. `input.ifDeployed` 'use' reuses a deployment of the same model version already on the endpoint
	 * (`existing`, with the traffic applied); 'add' (the default) always deploys; 'replace' is `deploy`'s.
	 */
	deployModel(
		input: DeployModelInput & { ifDeployed?: IfDeployed },
		options?: CallOptions,
	): Promise<{ operation?: Operation; existing?: { deployedModel: DeployedModel; endpoint: Endpoint } }> {
		return deployModelOrUseExisting(this.controlPlane, input, options);
	}

	/**
	 * A whole deploy: starts it (or resumes `input.resumeOperation`, or reuses a copy for 'use'), waits for it unless
	 * `options.wait` is false, undeploys the older copies for 'replace' (the split valid throughout), and reads the
	 * endpoint after.
	 */
	deploy(input: DeployInput, options?: DeployOptions): Promise<DeployOutcome> {
		return deploy(this.controlPlane, input, options);
	}

	/** Copies of a model version already deployed on an endpoint (see DeployedCopies for "same model"). */
	findDeployedCopies(endpoint: string, model: string, options?: CallOptions): Promise<DeployedCopies> {
		return findDeployedCopies(this.controlPlane, endpoint, model, options);
	}

	/** Gives an existing deployed model the traffic a deploy would have; the endpoint is changed only if needed. */
	applyTrafficToDeployed(endpoint: Endpoint, deployedModelId: string, traffic: TrafficRequest, options?: CallOptions): Promise<Endpoint> {
		return applyTrafficToDeployed(this.controlPlane, endpoint, deployedModelId, traffic, options);
	}

	/** Without a split, the removed model's traffic goes to the others in proportion. */
	undeployModel(input: UndeployModelInput, options?: CallOptions): Promise<Operation> {
		return undeployModel(this.controlPlane, input, options);
	}

	/** Undeploys each (in order, waiting for each); `heir` takes the traffic nobody else can. */
	undeployModels(endpoint: string, deployedModelIds: string[], options?: WaitOptions & { heir?: string }): Promise<void> {
		return undeployModels(this.controlPlane, endpoint, deployedModelIds, options);
	}

	updateTrafficSplit(input: UpdateTrafficSplitInput, options?: CallOptions): Promise<Endpoint> {
		return updateTrafficSplit(this.controlPlane, input, options);
	}

	// deployment resource pools

	deploymentResourcePoolName(idOrName: string): string {
		return poolName(this.controlPlane, idOrName);
	}

	/** Starts creating a pool (wait with CREATE_DEPLOYMENT_RESOURCE_POOL); 'use' for a taken id gives `existing`. */
	createDeploymentResourcePool(
		input: CreateDeploymentResourcePoolInput,
		options?: CallOptions,
	): Promise<{ operation?: Operation; existing?: DeploymentResourcePool }> {
		return createDeploymentResourcePool(this.controlPlane, input, options);
	}

	getDeploymentResourcePool(idOrName: string, options?: CallOptions): Promise<DeploymentResourcePool> {
		return getDeploymentResourcePool(this.controlPlane, idOrName, options);
	}

	listDeploymentResourcePools(
		options?: Omit<ListOptions, 'filter'>,
	): Promise<{ deploymentResourcePools: DeploymentResourcePool[]; nextPageToken?: string }> {
		return listDeploymentResourcePools(this.controlPlane, options);
	}

	/** The deployed models using a pool (every page). */
	queryPoolDeployedModels(idOrName: string, options?: CallOptions): Promise<DeployedModelRef[]> {
		return queryPoolDeployedModels(this.controlPlane, idOrName, options);
	}

	/** Refused (before any change) while deployed models use the pool, naming them. */
	deleteDeploymentResourcePool(idOrName: string, options?: CallOptions): Promise<Operation> {
		return deleteDeploymentResourcePool(this.controlPlane, idOrName, options);
	}

	// operations

	getOperation(name: string, options?: CallOptions): Promise<Operation> {
		return getOperation(this.controlPlane, name, options);
	}

	/** Operations of a model or endpoint (by id or name: `{ model }` / `{ endpoint }`), one page. */
	listOperations(
		of: { model: string } | { endpoint: string },
		options?: ListOptions,
	): Promise<{ operations: Operation[]; nextPageToken?: string }> {
		const owner = 'model' in of ? resourceName('models', of.model, this.controlPlane) : this.endpointName(of.endpoint);
		return listOperations(this.controlPlane, owner, options);
	}

	cancelOperation(name: string, options?: CallOptions): Promise<void> {
		return cancelOperation(this.controlPlane, name, options);
	}

	waitForOperation(nameOrOperation: string | Operation, options?: WaitOptions): Promise<Operation> {
		return waitForOperation(this.controlPlane, nameOrOperation, options);
	}

	/** Waits, then reads the typed result (UPLOAD_MODEL, CREATE_ENDPOINT, DEPLOY_MODEL, NO_RESULT). */
	waitForResult<Result>(
		type: OperationType<Result>,
		nameOrOperation: string | Operation,
		options?: WaitOptions,
	): Promise<{ operation: Operation; result: Result }> {
		return waitForResult(this.controlPlane, type, nameOrOperation, options);
	}

	// data plane

	/**
	 * Calls a model-server route through the endpoint's invoke API. The base is `options.privateEndpoint`'s address
	 * when given (Private Service Connect), else the custom apiBaseUrl when configured, else
	 * https://{dedicatedEndpointDns} read from the endpoint (cached a few minutes; a Private Service Connect endpoint
	 * is refused there, see dedicatedInvokeBaseUrl). `input` and the private endpoint are checked before anything
	 * happens (a bad path, header, address or certificate sends nothing, not even the endpoint look-up); a prepared
	 * input (prepareInvoke) was checked already and is sent as it is.
	 */
	async invoke(input: InvokeInput | PreparedInvoke, options: InvokeCallOptions = {}): Promise<InvokeResponse> {
		const { signal } = options;
		const endpointName = this.endpointName(input?.endpoint);
		const prepared = isPreparedInvoke(input) ? input : prepareInvoke(input);
		if (options.privateEndpoint !== undefined) {
			const privateEndpoint = checkPrivateEndpoint(options.privateEndpoint, this.privateEndpointCa);
			const target = { baseUrl: privateEndpoint.origin, endpointName };
			return await invokeModelServer(this.privateDataPlane(privateEndpoint), target, prepared, signal);
		}
		const baseUrl = this.apiBaseUrl ?? this.cachedDedicatedBaseUrl(endpointName) ?? (await this.dedicatedBaseUrl(endpointName, signal));
		try {
			return await invokeModelServer(this.transport, { baseUrl, endpointName }, prepared, signal);
		} catch (error) {
			// A stale DNS (endpoint recreated) shows up as an unreachable host or a 404: read it afresh next time.
			// A cancelled call says nothing about the DNS.
			const unreachable = error instanceof VertexTransportError && !isAbortedError(error);
			if (unreachable || (error instanceof VertexApiError && error.httpStatus === 404)) {
				this.dataPlaneBases.delete(endpointName);
			}
			throw error;
		}
	}

	/**
	 * Checks a private endpoint as an invoke through it would (with this client's CA), sending nothing: for callers that
	 * want a refusal before they start, such as a model object built now and called later.
	 */
	checkPrivateEndpoint(options: PrivateEndpointOptions): void {
		checkPrivateEndpoint(options, this.privateEndpointCa);
	}

	/** The data-plane transport of a private address: its own Agent (the TLS choice) and a policy for that origin only. */
	private privateDataPlane(endpoint: CheckedPrivateEndpoint): VertexTransport {
		const known = this.privateDataPlanes.get(endpoint.key);
		if (known) return known;
		const transport = new VertexTransport({
			getAccessToken: (signal) => this.tokens.getAccessToken(signal),
			invalidateAccessToken: (token) => this.tokens.invalidate(token),
			hostPolicy: new PrivateAddressPolicy(endpoint.origin),
			userAgent: this.userAgent,
			retry: this.retry,
			// Looked up at each request: the Agent may have been closed (closeSharedAgent) or evicted since.
			dispatcher: () => privateEndpointAgent(endpoint),
		});
		this.privateDataPlanes.set(endpoint.key, transport);
		if (this.privateDataPlanes.size > MAX_PRIVATE_DATA_PLANES) this.privateDataPlanes.delete(this.privateDataPlanes.keys().next().value as string);
		return transport;
	}

	private cachedDedicatedBaseUrl(endpointName: string): string | undefined {
		const cached = this.dataPlaneBases.get(endpointName);
		return cached && cached.expiresAt > Date.now() ? cached.baseUrl : undefined;
	}

	private async dedicatedBaseUrl(endpointName: string, signal?: AbortSignal): Promise<string> {
		const cached = this.cachedDedicatedBaseUrl(endpointName);
		if (cached !== undefined) return cached;
		const baseUrl = await dedicatedInvokeBaseUrl(this.controlPlane, endpointName, { signal });
		this.dataPlaneBases.set(endpointName, { baseUrl, expiresAt: Date.now() + DATA_PLANE_CACHE_MS });
		return baseUrl;
	}
}

/** JSON with object keys sorted, so equal options give equal digests whatever their key order. */
function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, item]) => item !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** Clients by SHA-256 digest of their options (the raw secrets are never a key), least recently used first out. */
const clients = new Map<string, VertexClient>();
const MAX_CACHED_CLIENTS = 32;

/**
 * One client per distinct options, so the auth client and its token cache are reused across node
 * executions. Bad options throw VertexValidationError (naming the field) and are not cached.
 */
export function getVertexClient(options: VertexClientOptions): VertexClient {
	const digest = createHash('sha256').update(canonicalJson(options)).digest('hex');
	const cached = clients.get(digest);
	if (cached) {
		clients.delete(digest);
		clients.set(digest, cached);
		return cached;
	}
	const client = new VertexClient(options);
	clients.set(digest, client);
	if (clients.size > MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value as string);
	return client;
}

/** Forgets every cached client (tests; credential rotation). */
export function clearVertexClientCache(): void {
	clients.clear();
}
