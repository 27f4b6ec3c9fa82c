/** The emulator's models, endpoints and deployment resource pools, and how they render as Vertex JSON. */
import { randomBytes } from 'node:crypto';
import { timestamp } from './ids';
import type { ReplicaPlan } from './deploymentRules';
import type { ModelServerProcess } from './modelServers';

export interface ModelVersionRecord {
	versionId: string;
	/** The Model as uploaded (input fields only). */
	spec: Record<string, unknown>;
	containerSpec: Record<string, unknown>;
	aliases: string[];
	createTime: number;
	updateTime: number;
	/** Changes only when the version changes, so read-modify-write callers can rely on it. */
	etag: string;
}

export interface ModelRecord {
	id: string;
	versions: Map<string, ModelVersionRecord>;
	nextVersion: number;
	createTime: number;
}

export interface DeployedModelRecord {
	id: string;
	endpointId: string;
	modelId: string;
	versionId: string;
	/** The DeployedModel as requested (input fields only). */
	spec: Record<string, unknown>;
	createTime: number;
	invokeEnabled: boolean;
	healthRoute: string;
	predictRoute: string;
	/** What the deployment asks for: replica counts, scale to zero. */
	plan: ReplicaPlan;
	/** The model servers running now, each at its own http://127.0.0.1:PORT (none while scaled to zero). */
	replicas: Replica[];
	/** Round robin over the replicas. */
	nextReplica: number;
	/** Requests being served now; a deployment is not scaled down under them. */
	inFlight: number;
	lastRequestAt: number;
	/** When the last replica came up from zero (ScaleToZeroSpec.min_scaleup_period counts from it). */
	scaledUpAt: number;
	/** A cold start in progress, which requests to a scaled-down deployment wait for. */
	coldStart?: Promise<Replica | undefined>;
	idleTimer?: NodeJS.Timeout;
	/** The deployed model a rolling deployment replaced this one with. */
	replacedBy?: DeployedModelRecord;
}

/** One model-server replica: a process the emulator started, or an image mapped to a URL (no process). */
export interface Replica {
	url: string;
	process?: ModelServerProcess;
}

export interface EndpointRecord {
	id: string;
	spec: Record<string, unknown>;
	createTime: number;
	updateTime: number;
	etag: string;
	dnsReadyAt: number;
	inferenceTimeoutMs: number;
	deployedModels: DeployedModelRecord[];
	trafficSplit: Record<string, number>;
}

/** A DeploymentResourcePool: machines that several deployed models share (DeployedModel.shared_resources). */
export interface PoolRecord {
	id: string;
	/** The DeploymentResourcePool as created (input fields only). */
	spec: Record<string, unknown>;
	createTime: number;
}

/** An endpoint created with Private Service Connect enabled. */
export function usesPrivateServiceConnect(endpoint: EndpointRecord): boolean {
	return (endpoint.spec.privateServiceConnectConfig as Record<string, unknown> | undefined)?.enablePrivateServiceConnect === true;
}

export function newEtag(): string {
	return randomBytes(24).toString('base64url');
}

export class ResourceStore {
	readonly models = new Map<string, ModelRecord>();
	readonly endpoints = new Map<string, EndpointRecord>();
	readonly pools = new Map<string, PoolRecord>();

	constructor(
		readonly projectNumber: string,
		readonly location: string,
		/** Whether a PSC endpoint also has its public dedicated DNS name (see README "Private Service Connect"). */
		readonly pscPublicDedicatedDns = false,
	) {}

	/** Whether this endpoint's data plane answers on its public dedicated DNS name. */
	hasPublicDns(endpoint: EndpointRecord): boolean {
		return endpoint.spec.dedicatedEndpointEnabled === true && (this.pscPublicDedicatedDns || !usesPrivateServiceConnect(endpoint));
	}

	get parent(): string {
		return `projects/${this.projectNumber}/locations/${this.location}`;
	}

	modelName(id: string): string {
		return `${this.parent}/models/${id}`;
	}

	endpointName(id: string): string {
		return `${this.parent}/endpoints/${id}`;
	}

	poolName(id: string): string {
		return `${this.parent}/deploymentResourcePools/${id}`;
	}

	poolJson(pool: PoolRecord): Record<string, unknown> {
		return { ...pool.spec, name: this.poolName(pool.id), createTime: timestamp(pool.createTime) };
	}

	/** The deployed models that run on a pool. */
	poolUsers(poolId: string): DeployedModelRecord[] {
		const name = this.poolName(poolId);
		return [...this.endpoints.values()].flatMap((endpoint) => endpoint.deployedModels.filter((deployed) => typeof deployed.spec.sharedResources === 'string' && deployed.spec.sharedResources.replace(/^projects\/[^/]+\//, '') === name.replace(/^projects\/[^/]+\//, '')));
	}

	dedicatedDns(endpoint: EndpointRecord): string {
		return `${endpoint.id}.${this.location}-${this.projectNumber}.prediction.vertexai.goog`;
	}

	/** The version a `models/{id}` or `models/{id}@{version or alias}` reference means. */
	findVersion(model: ModelRecord, ref: string | undefined): ModelVersionRecord | undefined {
		const wanted = ref ?? 'default';
		const byId = model.versions.get(wanted);
		if (byId) return byId;
		return [...model.versions.values()].find((version) => version.aliases.includes(wanted));
	}

	deploymentsOf(modelId: string, versionId?: string): DeployedModelRecord[] {
		const found: DeployedModelRecord[] = [];
		for (const endpoint of this.endpoints.values()) {
			for (const deployed of endpoint.deployedModels) {
				if (deployed.modelId === modelId && (versionId === undefined || deployed.versionId === versionId)) found.push(deployed);
			}
		}
		return found;
	}

	modelJson(model: ModelRecord, version: ModelVersionRecord): Record<string, unknown> {
		const { containerSpec: _input, ...spec } = version.spec;
		const deployedModels = this.deploymentsOf(model.id, version.versionId).map((deployed) => ({
			endpoint: this.endpointName(deployed.endpointId),
			deployedModelId: deployed.id,
		}));
		const json: Record<string, unknown> = {
			...spec,
			name: this.modelName(model.id),
			versionId: version.versionId,
			versionCreateTime: timestamp(version.createTime),
			versionUpdateTime: timestamp(version.updateTime),
			containerSpec: version.containerSpec,
			supportedDeploymentResourcesTypes: ['DEDICATED_RESOURCES'],
			createTime: timestamp(model.createTime),
			updateTime: timestamp(version.updateTime),
			etag: version.etag,
			modelSourceInfo: { sourceType: 'CUSTOM' },
		};
		// proto3 JSON omits empty repeated fields.
		if (version.aliases.length > 0) json.versionAliases = version.aliases;
		if (deployedModels.length > 0) json.deployedModels = deployedModels;
		return json;
	}

	deployedModelJson(deployed: DeployedModelRecord): Record<string, unknown> {
		const { id: _id, model: _model, ...spec } = deployed.spec;
		return {
			...spec,
			id: deployed.id,
			model: this.modelName(deployed.modelId),
			modelVersionId: deployed.versionId,
			createTime: timestamp(deployed.createTime),
			status: { availableReplicaCount: deployed.replicas.length, lastUpdateTime: timestamp(deployed.scaledUpAt) },
		};
	}

	endpointJson(endpoint: EndpointRecord): Record<string, unknown> {
		const json: Record<string, unknown> = {
			...endpoint.spec,
			name: this.endpointName(endpoint.id),
			etag: endpoint.etag,
			createTime: timestamp(endpoint.createTime),
			updateTime: timestamp(endpoint.updateTime),
		};
		if (endpoint.deployedModels.length > 0) json.deployedModels = endpoint.deployedModels.map((d) => this.deployedModelJson(d));
		if (Object.keys(endpoint.trafficSplit).length > 0) json.trafficSplit = { ...endpoint.trafficSplit };
		if (this.hasPublicDns(endpoint) && Date.now() >= endpoint.dnsReadyAt) json.dedicatedEndpointDns = this.dedicatedDns(endpoint);
		const psc = endpoint.spec.privateServiceConnectConfig as Record<string, unknown> | undefined;
		if (psc?.enablePrivateServiceConnect === true) json.privateServiceConnectConfig = this.pscJson(endpoint, psc);
		return json;
	}

	/**
	 * A PSC endpoint's output-only facts, as Vertex fills them in: the service attachment in Google's tenant
	 * project, and for each automation config the forwarding rule and address made in the consumer's network.
	 */
	private pscJson(endpoint: EndpointRecord, psc: Record<string, unknown>): Record<string, unknown> {
		const automations = (psc.pscAutomationConfigs as Array<Record<string, unknown>> | undefined) ?? [];
		return {
			...psc,
			serviceAttachment: `projects/tenant-${this.projectNumber}/regions/${this.location}/serviceAttachments/gkedpm-${endpoint.id}`,
			pscAutomationConfigs: automations.map((automation, i) => ({
				...automation,
				ipAddress: `10.128.${Math.floor(i / 250)}.${(i % 250) + 2}`,
				forwardingRule: `https://www.googleapis.com/compute/v1/projects/${String(automation.projectId)}/regions/${this.location}/forwardingRules/sca-auto-fr-${endpoint.id}-${i}`,
				state: 'PSC_AUTOMATION_STATE_SUCCESSFUL',
			})),
		};
	}

	touch(endpoint: EndpointRecord): void {
		endpoint.updateTime = Date.now();
		endpoint.etag = newEtag();
	}
}
