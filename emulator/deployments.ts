/** :deployModel, :undeployModel and :mutateDeployedModel; the model-server replicas each deployment runs, and scale to zero. */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { checkDedicatedResources, MUTABLE_REPLICA_FIELDS, type ReplicaPlan } from './deploymentRules';
import { requireEndpoint, validateTrafficSplit } from './endpointsApi';
import { maskedFields } from './fieldMask';
import { ApiError, fieldViolations, type FieldViolation } from './googleErrors';
import { asRecord } from './httpUtil';
import { newNumericId, parseDuration } from './ids';
import { launchPlan, type ImageSpec } from './images';
import { freePort, startModelServer, waitUntilHealthy } from './modelServers';
import { parseModelName, requireModel } from './modelsApi';
import { cancelOperation, injectedOperationFailure } from './operationsApi';
import { requirePool } from './poolsApi';
import { revisionOf, rolloutTakeover, rolloutTarget, splitAfterRollout } from './rollouts';
import type { OperationRecord } from './operations';
import { usesPrivateServiceConnect, type DeployedModelRecord, type EndpointRecord, type ModelVersionRecord, type Replica } from './resources';

/** Vertex's DeploymentStage values in the order a deploy goes through them. */
const STAGES_BEFORE_SERVER = ['STARTING_DEPLOYMENT', 'PREPARING_MODEL', 'CREATING_SERVING_CLUSTER', 'ADDING_NODES_TO_CLUSTER', 'GETTING_CONTAINER_IMAGE'] as const;
/** MutateDeployedModelRequest.deployed_model: the replica fields, and disable_container_logging (v1) / enable_container_logging (v1beta1). */
const MUTABLE_FIELDS_V1 = { ...MUTABLE_REPLICA_FIELDS, disable_container_logging: 'disableContainerLogging', disableContainerLogging: 'disableContainerLogging' } as const;
const MUTABLE_FIELDS_V1BETA1 = { ...MUTABLE_REPLICA_FIELDS, enable_container_logging: 'enableContainerLogging', enableContainerLogging: 'enableContainerLogging' } as const;
/** Vertex's own default when the container spec sets no deploymentTimeout. */
const DEFAULT_DEPLOYMENT_TIMEOUT_MS = 20 * 60 * 1000;

interface InflightDeploy {
	endpointId: string;
	modelId: string;
	versionId: string;
	/** The deployment resource pool it deploys onto (shared_resources), if any. */
	pool?: string;
	deployedModelId: string;
	op: OperationRecord;
	/** For a rolling deployment: the deployed model it replaces, and its revision. */
	rollout?: { previousId: string; revision: number };
}

export class Deployments {
	private readonly inflight = new Map<string, InflightDeploy>();

	constructor(private readonly ctx: EmulatorContext) {}

	/** Cancels the deploys to this endpoint still in flight; each stops its model server as it sees the flag. */
	cancelFor(endpointId: string): void {
		for (const { endpointId: target, op } of [...this.inflight.values()]) {
			if (target === endpointId && !op.done) cancelOperation(this.ctx, op.name);
		}
	}

	/** The endpoints a deploy of this model (of this version, if given) is still in flight to. */
	endpointsDeploying(modelId: string, versionId?: string): string[] {
		return [...this.inflight.values()]
			.filter((d) => !d.op.done && d.modelId === modelId && (versionId === undefined || d.versionId === versionId))
			.map((d) => d.endpointId);
	}

	/** Deploys onto this pool still in flight, as `endpoints/{e}/deployedModels/{id}` names. */
	deployingOnPool(poolName: string): string[] {
		const sameName = (name: string | undefined): boolean => name !== undefined && name.replace(/^projects\/[^/]+\//, '') === poolName.replace(/^projects\/[^/]+\//, '');
		return [...this.inflight.values()]
			.filter((d) => !d.op.done && sameName(d.pool))
			.map((d) => `${this.ctx.store.endpointName(d.endpointId)}/deployedModels/${d.deployedModelId}`);
	}

	/** The revisions of the rolling deployments over this deployed model still in flight. */
	private revisionsInFlightOver(previousId: string): number[] {
		return [...this.inflight.values()].filter((d) => !d.op.done && d.rollout?.previousId === previousId).map((d) => (d.rollout as { revision: number }).revision);
	}

	deploy(call: ApiCall, endpointId: string): Record<string, unknown> {
		const ctx = this.ctx;
		const endpoint = requireEndpoint(ctx, endpointId);
		// deployed_model is REQUIRED, as are machine_spec and min_replica_count of dedicated resources, and the
		// accelerator is an AcceleratorType: the contract check made sure of those.
		const requested = call.body.deployedModel as Record<string, unknown>;
		const violations: FieldViolation[] = [];
		const modelRef = typeof requested.model === 'string' ? parseModelName(ctx, requested.model) : undefined;
		if (!modelRef) violations.push({ field: 'deployed_model.model', description: 'Must be a model resource name in this project and location.' });
		const previous = rolloutTakeover(ctx, endpoint, requested, violations, (previousId) => this.revisionsInFlightOver(previousId));
		// A rollout whose previous deployed model was refused has no resources to check.
		const plan = requested.rolloutOptions !== undefined && !previous ? undefined : this.resourcesOf(call, requested, violations);
		const split = validateTrafficSplit(call.body.trafficSplit, endpoint, { field: 'traffic_split', placeholder: '0' }, violations);
		if (violations.length > 0) throw fieldViolations(violations);
		const ref = modelRef as NonNullable<typeof modelRef>;
		const { model, version } = requireModel(ctx, ref);
		const invokeEnabled = version.containerSpec.invokeRoutePrefix === '/*';
		if (invokeEnabled && endpoint.spec.dedicatedEndpointEnabled !== true && !usesPrivateServiceConnect(endpoint)) {
			throw new ApiError('FAILED_PRECONDITION', 'Models with container_spec.invoke_route_prefix can only be deployed to dedicated endpoints (dedicatedEndpointEnabled: true) or Private Service Connect endpoints.');
		}
		let id = newNumericId();
		// proto3: an empty id is no id.
		if (typeof requested.id === 'string' && requested.id !== '') {
			// DeployedModel.id: a caller's id is 1-10 characters of [0-9]; only server-made ids have 19 digits.
			if (!/^[0-9]{1,10}$/.test(requested.id)) throw fieldViolations([{ field: 'deployed_model.id', description: 'Must be 1-10 characters, each of [0-9].' }]);
			if (endpoint.deployedModels.some((d) => d.id === requested.id)) throw new ApiError('ALREADY_EXISTS', `Deployed model ${requested.id} already exists in ${ctx.store.endpointName(endpoint.id)}.`);
			id = requested.id;
		}
		// Output-only fields (createTime, status...) were dropped by the contract check.
		const spec: Record<string, unknown> = { ...requested };
		// DeployedModel.display_name: "If not provided upon creation, the Model's display_name is used."
		if (typeof spec.displayName !== 'string' || spec.displayName === '') spec.displayName = version.spec.displayName;
		const containerSpec = version.containerSpec;
		const deployed: DeployedModelRecord = {
			id,
			endpointId: endpoint.id,
			modelId: model.id,
			versionId: version.versionId,
			spec,
			createTime: Date.now(),
			invokeEnabled,
			healthRoute: typeof containerSpec.healthRoute === 'string' && containerSpec.healthRoute !== '' ? containerSpec.healthRoute : `/v1/endpoints/${endpoint.id}/deployedModels/${id}`,
			predictRoute: typeof containerSpec.predictRoute === 'string' && containerSpec.predictRoute !== '' ? containerSpec.predictRoute : `/v1/endpoints/${endpoint.id}/deployedModels/${id}:predict`,
			plan: plan as ReplicaPlan,
			replicas: [],
			nextReplica: 0,
			inFlight: 0,
			lastRequestAt: Date.now(),
			scaledUpAt: Date.now(),
		};
		const op = ctx.operations.create(ctx.store.endpointName(endpoint.id), typeUrl(call.version, 'DeployModelOperationMetadata'), { deploymentStage: 'STARTING_DEPLOYMENT' });
		const pool = typeof spec.sharedResources === 'string' ? spec.sharedResources : undefined;
		const rollout = previous ? { previousId: previous.id, revision: revisionOf(deployed) } : undefined;
		this.inflight.set(op.name, { endpointId: endpoint.id, modelId: model.id, versionId: version.versionId, pool, deployedModelId: id, op, rollout });
		const failure = injectedOperationFailure(ctx, call);
		const healthNeverOk = ctx.faults.take('health', call.path, call.method) !== undefined;
		ctx.background(async () => {
			try {
				await this.run(call, op, endpoint, deployed, version, split, failure, healthNeverOk, previous);
			} finally {
				this.inflight.delete(op.name);
			}
		});
		return ctx.operations.toJson(op);
	}

	/**
	 * The resources a DeployedModel asks for: its dedicated resources (checked by deploymentRules), or a
	 * deployment resource pool's (shared_resources, a oneof with them in the proto); for a rollout, those
	 * rolloutTakeover copied from the previous deployed model. Undefined after violations.
	 */
	private resourcesOf(call: ApiCall, requested: Record<string, unknown>, violations: FieldViolation[]): ReplicaPlan | undefined {
		const ctx = this.ctx;
		if (typeof requested.sharedResources === 'string') {
			const match = /^projects\/([^/]+)\/locations\/([^/]+)\/deploymentResourcePools\/([^/]+)$/.exec(requested.sharedResources);
			const sameProject = match && (match[1] === ctx.projectId || match[1] === ctx.projectNumber) && match[2] === ctx.location;
			if (!match || !sameProject) {
				violations.push({ field: 'deployed_model.shared_resources', description: `Must be a deployment resource pool of this project and location: ${ctx.store.parent}/deploymentResourcePools/{pool}.` });
				return undefined;
			}
			const pool = requirePool(ctx, match[3] as string);
			return checkDedicatedResources(pool.spec.dedicatedResources as Record<string, unknown>, 'deployed_model.shared_resources', call.version, violations);
		}
		const resources = asRecord(requested.dedicatedResources);
		if (!resources) {
			violations.push({ field: 'deployed_model.dedicated_resources', description: 'Required field is not set: models with a custom container need dedicated_resources or shared_resources.' });
			return undefined;
		}
		return checkDedicatedResources(resources, 'deployed_model.dedicated_resources', call.version, violations);
	}

	private async run(
		call: ApiCall,
		op: OperationRecord,
		endpoint: EndpointRecord,
		deployed: DeployedModelRecord,
		version: ModelVersionRecord,
		split: Record<string, number> | undefined,
		failure: ApiError | undefined,
		healthNeverOk: boolean,
		previous?: DeployedModelRecord,
	): Promise<void> {
		const ctx = this.ctx;
		const stopped = (): boolean => op.done || ctx.closing;
		const fail = (error: ApiError): void => ctx.operations.fail(op, error, { deploymentStage: 'FAILED_TO_DEPLOY' });
		try {
			for (const stage of STAGES_BEFORE_SERVER) {
				ctx.operations.setMetadata(op, { deploymentStage: stage });
				await ctx.pause(ctx.operationStepMs);
				if (stopped()) return;
			}
			if (failure) return fail(failure);
			const imageUri = String(version.containerSpec.imageUri);
			if (!ctx.images.resolve(imageUri)) {
				return fail(new ApiError('INVALID_ARGUMENT', `Failed to pull image ${imageUri}: the emulator has no mapping for this image URI. Map it with --image ${imageUri}=<command or http://127.0.0.1:PORT>.`));
			}
			ctx.operations.setMetadata(op, { deploymentStage: 'STARTING_MODEL_SERVER' });
			// min_replica_count replicas (one for a scale-to-zero deployment, which starts up and idles down);
			// the deploy succeeds once required_replica_count of them are healthy, the rest join as they come up.
			const wanted = Math.max(deployed.plan.min, 1);
			const outcome = await this.startReplicas(deployed, endpoint, version, wanted, deployed.plan.required, stopped, healthNeverOk);
			if (typeof outcome === 'string') {
				// Replicas that did come up are not kept for a deploy that failed.
				await this.stopReplicas(deployed);
				if (stopped()) return;
				// A rollout that fails leaves the previous deployed model serving, with its traffic, as Google says.
				const rollback = previous ? ` The rolling deployment failed: deployed model ${previous.id} keeps serving.` : '';
				return fail(new ApiError('INVALID_ARGUMENT', `${outcome} Please validate that your container configuration is valid.${rollback}`));
			}
			if (stopped()) return this.stopReplicas(deployed);
			ctx.operations.setMetadata(op, { deploymentStage: 'FINISHING_UP' });
			await ctx.pause(ctx.operationStepMs);
			if (stopped() || ctx.store.endpoints.get(endpoint.id) !== endpoint) {
				await this.stopReplicas(deployed);
				if (!op.done) fail(new ApiError('ABORTED', `The endpoint ${ctx.store.endpointName(endpoint.id)} was deleted during the deployment.`));
				return;
			}
			deployed.scaledUpAt = Date.now();
			deployed.lastRequestAt = Date.now();
			if (previous) {
				const refused = await this.finishRollout(endpoint, previous, deployed, split);
				if (refused) return fail(refused);
			} else endpoint.deployedModels.push(deployed);
			// As DeployModelRequest.traffic_split says: an empty or absent split leaves the endpoint's
			// split as it was, so a deploy without one gets no traffic until the split names it.
			if (!previous && split && Object.keys(split).length > 0) {
				endpoint.trafficSplit = {};
				for (const [key, percent] of Object.entries(split)) endpoint.trafficSplit[key === '0' ? deployed.id : key] = percent;
			}
			ctx.store.touch(endpoint);
			this.scheduleIdleCheck(deployed);
			ctx.operations.succeed(
				op,
				{ '@type': typeUrl(call.version, 'DeployModelResponse'), deployedModel: ctx.store.deployedModelJson(deployed) },
				{ deploymentStage: 'SUCCESSFULLY_DEPLOYED' },
			);
		} catch (error) {
			await this.stopReplicas(deployed);
			fail(new ApiError('INTERNAL', `Deployment failed: ${error instanceof Error ? error.message : String(error)}`));
		} finally {
			if (op.cancelRequested) ctx.operations.setMetadata(op, { deploymentStage: 'DEPLOYMENT_TERMINATED' });
		}
	}

	/**
	 * A rolling deployment whose replicas serve takes the place and traffic of the deployed model it replaces (the
	 * previous one, or a lower revision that replaced it meanwhile), whose replicas then stop. Why not, when that one
	 * was undeployed or a higher revision completed first: the new replicas are then stopped.
	 */
	private async finishRollout(endpoint: EndpointRecord, previous: DeployedModelRecord, deployed: DeployedModelRecord, split: Record<string, number> | undefined): Promise<ApiError | undefined> {
		const target = rolloutTarget(endpoint, previous);
		if (!target || revisionOf(target) > revisionOf(deployed)) {
			await this.stopReplicas(deployed);
			if (!target) return new ApiError('ABORTED', `The rolling deployment's previous deployed model ${previous.id} was undeployed before the rollout completed.`);
			return new ApiError('ABORTED', `A later rolling deployment over ${previous.id} completed first: deployed model ${target.id} (revision ${revisionOf(target)}) is the intended state, not this revision ${revisionOf(deployed)}.`);
		}
		endpoint.deployedModels = endpoint.deployedModels.map((d) => (d === target ? deployed : d));
		// The request's split named the previous deployed model; a later revision replacing an earlier one takes its share.
		endpoint.trafficSplit = splitAfterRollout(endpoint.trafficSplit, target === previous ? split : undefined, target.id, deployed.id);
		target.replacedBy = deployed;
		clearTimeout(target.idleTimer);
		await this.stopReplicas(target);
		this.ctx.log(`deployed model ${deployed.id}: rolled out over deployed model ${target.id}, which is stopped`);
		return undefined;
	}

	/**
	 * Starts `count` replicas at once; resolves when `required` are healthy (the others are added as they
	 * become healthy), or with why not once that can no longer happen. Then the starts still waiting for
	 * health are called off, and it resolves once they have ended, so a failed deploy leaves no process.
	 */
	private startReplicas(
		deployed: DeployedModelRecord,
		endpoint: EndpointRecord,
		version: ModelVersionRecord,
		count: number,
		required: number,
		cancelled: () => boolean,
		healthNeverOk = false,
	): Promise<true | string> {
		return new Promise((resolve) => {
			let healthy = 0;
			let pending = count;
			let succeeded = false;
			let failure: string | undefined;
			const calledOff = (): boolean => failure !== undefined || cancelled();
			for (let i = 0; i < count; i++) {
				const settle = async (): Promise<void> => {
					const result = await this.startReplica(deployed, endpoint, version, calledOff, healthNeverOk);
					pending--;
					if (typeof result === 'string') {
						if (!succeeded && failure === undefined && pending + healthy < required) failure = result;
					} else if (succeeded && !cancelled() && !this.ctx.closing) {
						deployed.replicas.push(result);
					} else if (failure !== undefined || cancelled() || this.ctx.closing) {
						// Came up after the start was called off: the caller does not keep it.
						await this.stopReplica(result);
					} else {
						deployed.replicas.push(result);
						healthy++;
						if (healthy >= required) {
							succeeded = true;
							resolve(true);
						}
					}
					if (failure !== undefined && pending === 0) resolve(failure);
				};
				// close() waits for every start, also those past required_replica_count that nobody awaits.
				this.ctx.background(settle);
			}
		});
	}

	/** One model-server replica, started and healthy, or why it is not. */
	private async startReplica(deployed: DeployedModelRecord, endpoint: EndpointRecord, version: ModelVersionRecord, cancelled: () => boolean, healthNeverOk = false): Promise<Replica | string> {
		const ctx = this.ctx;
		const containerSpec = version.containerSpec;
		const imageUri = String(containerSpec.imageUri);
		const image = ctx.images.resolve(imageUri) as ImageSpec;
		const port = await freePort();
		const plan = launchPlan(image, {
			command: containerSpec.command as string[] | undefined,
			args: containerSpec.args as string[] | undefined,
			env: (containerSpec.env as Array<{ name: string; value: string }> | undefined)?.map((e) => ({ name: e.name, value: String(e.value ?? '') })) ?? [],
			aipEnv: this.aipEnv(endpoint, deployed, version, port),
		});
		let replica: Replica;
		if (plan.kind === 'url') replica = { url: plan.url };
		else {
			const server = startModelServer(plan.argv, plan.env, plan.cwd, `model-server ${deployed.id}`, ctx.log);
			ctx.processes.set(server, deployed.id);
			ctx.log(`deployed model ${deployed.id}: started ${imageUri} as pid ${server.pid} on port ${port}`);
			replica = { url: `http://127.0.0.1:${port}`, process: server };
		}
		const timeoutMs = parseDuration(containerSpec.deploymentTimeout) ?? DEFAULT_DEPLOYMENT_TIMEOUT_MS;
		const health = await waitUntilHealthy({ url: `${replica.url}${deployed.healthRoute}`, timeoutMs, process: replica.process, cancelled, ignoreSuccess: healthNeverOk });
		if (health === 'healthy') return replica;
		const lastLines = replica.process ? replica.process.recentLines.slice(-5).join(' | ') : '';
		await this.stopReplica(replica);
		if (health === 'cancelled') return 'Cancelled.';
		return health === 'exited'
			? `Model server exited before it became healthy${lastLines ? ` (last output: ${lastLines})` : ''}.`
			: `Model server never became ready: health route ${deployed.healthRoute} did not answer 200 within the deployment timeout of ${Math.round(timeoutMs / 1000)}s.`;
	}

	private async stopReplica(replica: Replica): Promise<void> {
		if (!replica.process) return;
		await replica.process.stop(this.ctx.stopGraceMs);
		this.ctx.processes.delete(replica.process);
	}

	/** Stops every replica of a deployed model (undeploy, scale to zero). */
	async stopReplicas(deployed: DeployedModelRecord, keep = 0): Promise<void> {
		const leaving = deployed.replicas.splice(keep);
		await Promise.all(leaving.map((replica) => this.stopReplica(replica)));
	}

	/**
	 * The replica a request goes to, round robin. A deployment scaled to zero is started again (after the
	 * cold-start time): the request waits for it, or with `scaleToZeroRequests: 'error'` gets 503 at once.
	 */
	async replicaFor(deployed: DeployedModelRecord): Promise<Replica> {
		deployed.lastRequestAt = Date.now();
		if (deployed.replicas.length === 0) {
			const coldStart = (deployed.coldStart ??= this.coldStart(deployed));
			if (this.ctx.scaleToZero.requests === 'error') {
				throw new ApiError('UNAVAILABLE', `Deployed model ${deployed.id} is scaled to zero and is starting a replica. Retry the request shortly.`, [], undefined, { 'retry-after': '1' });
			}
			const replica = await coldStart;
			if (!replica) throw new ApiError('UNAVAILABLE', `Deployed model ${deployed.id} could not start a replica from zero.`);
		}
		const replica = deployed.replicas[deployed.nextReplica++ % deployed.replicas.length] as Replica;
		return replica;
	}

	private async coldStart(deployed: DeployedModelRecord): Promise<Replica | undefined> {
		const ctx = this.ctx;
		try {
			const endpoint = ctx.store.endpoints.get(deployed.endpointId);
			const version = ctx.store.models.get(deployed.modelId)?.versions.get(deployed.versionId);
			if (!endpoint || !version) return undefined;
			ctx.log(`deployed model ${deployed.id}: scaling up from zero`);
			await ctx.pause(ctx.scaleToZero.coldStartMs);
			const result = await this.startReplica(deployed, endpoint, version, () => ctx.closing || !endpoint.deployedModels.includes(deployed));
			if (typeof result === 'string') {
				ctx.log(`deployed model ${deployed.id}: scale-up failed: ${result}`);
				return undefined;
			}
			deployed.replicas.push(result);
			deployed.scaledUpAt = Date.now();
			this.scheduleIdleCheck(deployed);
			return result;
		} finally {
			deployed.coldStart = undefined;
		}
	}

	/** A request finished: the idle period counts from now. */
	requestDone(deployed: DeployedModelRecord): void {
		deployed.lastRequestAt = Date.now();
		this.scheduleIdleCheck(deployed);
	}

	/**
	 * Scale to zero: once no request came for idle_scaledown_period and the replicas have been up for
	 * min_scaleup_period (both times the emulator's time scale), every replica is stopped.
	 */
	private scheduleIdleCheck(deployed: DeployedModelRecord): void {
		const periods = deployed.plan.scaleToZero;
		if (!periods || this.ctx.closing) return;
		clearTimeout(deployed.idleTimer);
		const scale = this.ctx.scaleToZero.timeScale;
		const dueAt = Math.max(deployed.lastRequestAt + periods.idleMs * scale, deployed.scaledUpAt + periods.minScaleupMs * scale);
		deployed.idleTimer = setTimeout(() => {
			const endpoint = this.ctx.store.endpoints.get(deployed.endpointId);
			if (this.ctx.closing || !endpoint?.deployedModels.includes(deployed) || deployed.replicas.length === 0) return;
			if (deployed.inFlight > 0 || Date.now() < dueAt) return this.scheduleIdleCheck(deployed);
			this.ctx.log(`deployed model ${deployed.id}: idle, scaling to zero`);
			this.ctx.background(() => this.stopReplicas(deployed));
		}, Math.max(0, dueAt - Date.now()) + 1);
		deployed.idleTimer.unref();
	}

	/**
	 * :mutateDeployedModel: replica counts, autoscaling metrics and container logging of a running
	 * deployed model (the fields MutateDeployedModelRequest.deployed_model lists). The running replicas
	 * follow the new min_replica_count when the operation finishes.
	 */
	mutate(call: ApiCall, endpointId: string): Record<string, unknown> {
		const ctx = this.ctx;
		const endpoint = requireEndpoint(ctx, endpointId);
		const fields = maskedFields(call.body.updateMask, call.version === 'v1' ? MUTABLE_FIELDS_V1 : MUTABLE_FIELDS_V1BETA1);
		const requested = call.body.deployedModel as Record<string, unknown>;
		const id = typeof requested.id === 'string' ? requested.id : '';
		if (id === '') throw fieldViolations([{ field: 'deployed_model.id', description: 'Required field is not set: the id of the deployed model to mutate.' }]);
		const deployed = endpoint.deployedModels.find((d) => d.id === id);
		if (!deployed) throw new ApiError('NOT_FOUND', `Deployed model ${id} not found in ${ctx.store.endpointName(endpoint.id)}.`);
		const resourceFields = [...fields].filter((field) => field.startsWith('dedicatedResources.'));
		if (resourceFields.length > 0 && typeof deployed.spec.sharedResources === 'string') {
			throw new ApiError('FAILED_PRECONDITION', `Deployed model ${id} runs on the deployment resource pool ${deployed.spec.sharedResources}: change the pool's resources instead.`);
		}
		const merged = structuredClone(deployed.spec);
		const current = (merged.dedicatedResources ?? {}) as Record<string, unknown>;
		const given = asRecord(requested.dedicatedResources) ?? {};
		for (const field of resourceFields) {
			const key = field.slice('dedicatedResources.'.length);
			if (given[key] === undefined) delete current[key];
			else current[key] = given[key];
		}
		if (resourceFields.length > 0) merged.dedicatedResources = current;
		for (const field of fields) {
			if (field.startsWith('dedicatedResources.')) continue;
			if (requested[field] === undefined) delete merged[field];
			else merged[field] = requested[field];
		}
		const violations: FieldViolation[] = [];
		const plan = resourceFields.length > 0 ? checkDedicatedResources(current, 'deployed_model.dedicated_resources', call.version, violations) : deployed.plan;
		if (violations.length > 0 || !plan) throw fieldViolations(violations);
		const failure = injectedOperationFailure(ctx, call);
		const op = ctx.operations.create(ctx.store.endpointName(endpoint.id), typeUrl(call.version, 'MutateDeployedModelOperationMetadata'));
		ctx.background(async () => {
			await ctx.pause(ctx.operationStepMs);
			if (op.done) return;
			if (failure) return ctx.operations.fail(op, failure);
			const scaled = await this.rescale(deployed, plan, () => op.done || ctx.closing);
			if (typeof scaled === 'string') return ctx.operations.fail(op, new ApiError('INVALID_ARGUMENT', `Mutation failed: ${scaled}`));
			deployed.spec = merged;
			ctx.store.touch(endpoint);
			ctx.operations.succeed(op, { '@type': typeUrl(call.version, 'MutateDeployedModelResponse'), deployedModel: ctx.store.deployedModelJson(deployed) });
		});
		return ctx.operations.toJson(op);
	}

	/**
	 * Brings a running deployed model to a new plan: replicas are started or stopped to its min_replica_count
	 * (a deployment scaled to zero stays at zero). Resolves with why not when the new replicas fail to start.
	 */
	async rescale(deployed: DeployedModelRecord, plan: ReplicaPlan, cancelled: () => boolean): Promise<true | string> {
		const endpoint = this.ctx.store.endpoints.get(deployed.endpointId);
		const version = this.ctx.store.models.get(deployed.modelId)?.versions.get(deployed.versionId);
		const wanted = deployed.replicas.length === 0 && plan.scaleToZero ? 0 : Math.max(plan.min, 1);
		const missing = wanted - deployed.replicas.length;
		if (missing > 0 && endpoint && version) {
			const started = await this.startReplicas(deployed, endpoint, version, missing, Math.min(missing, plan.required), cancelled);
			if (typeof started === 'string') return started;
		} else if (missing < 0) await this.stopReplicas(deployed, wanted);
		deployed.plan = plan;
		this.scheduleIdleCheck(deployed);
		return true;
	}

	private aipEnv(endpoint: EndpointRecord, deployed: DeployedModelRecord, version: ModelVersionRecord, port: number): Record<string, string> {
		const machine = asRecord(asRecord(deployed.spec.dedicatedResources)?.machineSpec) ?? {};
		const env: Record<string, string> = {
			AIP_HTTP_PORT: String(port),
			AIP_HEALTH_ROUTE: deployed.healthRoute,
			AIP_PREDICT_ROUTE: deployed.predictRoute,
			AIP_MODE: 'PREDICTION',
			AIP_MODE_VERSION: '1.0.0',
			AIP_DEPLOYED_MODEL_ID: deployed.id,
			AIP_ENDPOINT_ID: endpoint.id,
			AIP_PROJECT_NUMBER: this.ctx.projectNumber,
			AIP_MACHINE_TYPE: String(machine.machineType ?? ''),
		};
		if (machine.acceleratorType !== undefined) env.AIP_ACCELERATOR_TYPE = String(machine.acceleratorType);
		if (typeof version.spec.artifactUri === 'string') env.AIP_STORAGE_URI = version.spec.artifactUri;
		return env;
	}

	undeploy(call: ApiCall, endpointId: string): Record<string, unknown> {
		const ctx = this.ctx;
		const endpoint = requireEndpoint(ctx, endpointId);
		// REQUIRED, so set (the contract check made sure of it).
		const deployedModelId = call.body.deployedModelId as string;
		const deployed = endpoint.deployedModels.find((d) => d.id === deployedModelId);
		if (!deployed) throw new ApiError('NOT_FOUND', `Deployed model ${deployedModelId} not found in ${ctx.store.endpointName(endpoint.id)}.`);
		const violations: FieldViolation[] = [];
		const split = validateTrafficSplit(call.body.trafficSplit, endpoint, { field: 'traffic_split', removing: deployedModelId }, violations);
		if (violations.length > 0) throw fieldViolations(violations);
		const remaining = endpoint.deployedModels.filter((d) => d !== deployed);
		if (!split && remaining.length > 0 && (endpoint.trafficSplit[deployedModelId] ?? 0) > 0) {
			throw new ApiError(
				'FAILED_PRECONDITION',
				`Deployed model ${deployedModelId} still has ${endpoint.trafficSplit[deployedModelId]}% of the traffic. Give a traffic_split that moves it to the remaining models.`,
			);
		}
		const failure = injectedOperationFailure(ctx, call);
		const op = ctx.operations.create(ctx.store.endpointName(endpoint.id), typeUrl(call.version, 'UndeployModelOperationMetadata'));
		ctx.background(async () => {
			await ctx.pause(ctx.operationStepMs);
			if (op.done) return;
			if (failure) return ctx.operations.fail(op, failure);
			endpoint.deployedModels = endpoint.deployedModels.filter((d) => d !== deployed);
			if (remaining.length === 0) endpoint.trafficSplit = {};
			else if (split) endpoint.trafficSplit = split;
			else delete endpoint.trafficSplit[deployedModelId];
			ctx.store.touch(endpoint);
			clearTimeout(deployed.idleTimer);
			await this.stopReplicas(deployed);
			ctx.operations.succeed(op, { '@type': typeUrl(call.version, 'UndeployModelResponse') });
		});
		return ctx.operations.toJson(op);
	}
}
