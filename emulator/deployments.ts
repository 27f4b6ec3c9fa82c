/** :deployModel and :undeployModel, and the deploy that starts a real model-server process. */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { requireEndpoint, validateTrafficSplit } from './endpointsApi';
import { ApiError, fieldViolations, type FieldViolation } from './googleErrors';
import { asRecord } from './httpUtil';
import { newNumericId, parseDuration } from './ids';
import { launchPlan } from './images';
import { freePort, startModelServer, waitUntilHealthy, type ModelServerProcess } from './modelServers';
import { parseModelName, requireModel } from './modelsApi';
import { cancelOperation, injectedOperationFailure } from './operationsApi';
import type { OperationRecord } from './operations';
import type { DeployedModelRecord, EndpointRecord, ModelVersionRecord } from './resources';

/** Vertex's DeploymentStage values in the order a deploy goes through them. */
const STAGES_BEFORE_SERVER = ['STARTING_DEPLOYMENT', 'PREPARING_MODEL', 'CREATING_SERVING_CLUSTER', 'ADDING_NODES_TO_CLUSTER', 'GETTING_CONTAINER_IMAGE'] as const;
/** Vertex's own default when the container spec sets no deploymentTimeout. */
const DEFAULT_DEPLOYMENT_TIMEOUT_MS = 20 * 60 * 1000;

interface InflightDeploy {
	endpointId: string;
	modelId: string;
	versionId: string;
	op: OperationRecord;
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

	deploy(call: ApiCall, endpointId: string): Record<string, unknown> {
		const ctx = this.ctx;
		const endpoint = requireEndpoint(ctx, endpointId);
		// deployed_model is REQUIRED, as are machine_spec and min_replica_count of dedicated resources, and the
		// accelerator is an AcceleratorType: the contract check made sure of those.
		const requested = call.body.deployedModel as Record<string, unknown>;
		const violations: FieldViolation[] = [];
		const modelRef = typeof requested.model === 'string' ? parseModelName(ctx, requested.model) : undefined;
		if (!modelRef) violations.push({ field: 'deployed_model.model', description: 'Must be a model resource name in this project and location.' });
		const resources = asRecord(requested.dedicatedResources);
		const machine = asRecord(resources?.machineSpec);
		if (!resources) violations.push({ field: 'deployed_model.dedicated_resources', description: 'Required field is not set: models with a custom container need dedicated resources.' });
		else {
			if (!machine?.machineType) violations.push({ field: 'deployed_model.dedicated_resources.machine_spec.machine_type', description: 'Required field is not set.' });
			const min = resources.minReplicaCount as number;
			if (min < 1) violations.push({ field: 'deployed_model.dedicated_resources.min_replica_count', description: 'Must be at least 1.' });
			const max = resources.maxReplicaCount as number | undefined;
			if (max !== undefined && max !== 0 && max < min) violations.push({ field: 'deployed_model.dedicated_resources.max_replica_count', description: 'Must be at least min_replica_count.' });
		}
		const split = validateTrafficSplit(call.body.trafficSplit, endpoint, { field: 'traffic_split', placeholder: '0' }, violations);
		if (violations.length > 0) throw fieldViolations(violations);
		const ref = modelRef as NonNullable<typeof modelRef>;
		const { model, version } = requireModel(ctx, ref);
		const invokeEnabled = version.containerSpec.invokeRoutePrefix === '/*';
		if (invokeEnabled && endpoint.spec.dedicatedEndpointEnabled !== true) {
			throw new ApiError('FAILED_PRECONDITION', 'Models with container_spec.invoke_route_prefix can only be deployed to dedicated endpoints (dedicatedEndpointEnabled: true).');
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
			serverUrl: '',
		};
		const op = ctx.operations.create(ctx.store.endpointName(endpoint.id), typeUrl(call.version, 'DeployModelOperationMetadata'), { deploymentStage: 'STARTING_DEPLOYMENT' });
		this.inflight.set(op.name, { endpointId: endpoint.id, modelId: model.id, versionId: version.versionId, op });
		const failure = injectedOperationFailure(ctx, call);
		const healthNeverOk = ctx.faults.take('health', call.path, call.method) !== undefined;
		ctx.background(async () => {
			try {
				await this.run(call, op, endpoint, deployed, version, split, failure, healthNeverOk);
			} finally {
				this.inflight.delete(op.name);
			}
		});
		return ctx.operations.toJson(op);
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
	): Promise<void> {
		const ctx = this.ctx;
		const stopped = (): boolean => op.done || ctx.closing;
		const fail = (error: ApiError): void => ctx.operations.fail(op, error, { deploymentStage: 'FAILED_TO_DEPLOY' });
		let server: ModelServerProcess | undefined;
		const release = async (): Promise<void> => {
			if (!server) return;
			await server.stop(ctx.stopGraceMs);
			ctx.processes.delete(server);
		};
		try {
			for (const stage of STAGES_BEFORE_SERVER) {
				ctx.operations.setMetadata(op, { deploymentStage: stage });
				await ctx.pause(ctx.operationStepMs);
				if (stopped()) return;
			}
			if (failure) return fail(failure);
			const containerSpec = version.containerSpec;
			const imageUri = String(containerSpec.imageUri);
			const image = ctx.images.resolve(imageUri);
			if (!image) {
				return fail(new ApiError('INVALID_ARGUMENT', `Failed to pull image ${imageUri}: the emulator has no mapping for this image URI. Map it with --image ${imageUri}=<command or http://127.0.0.1:PORT>.`));
			}
			ctx.operations.setMetadata(op, { deploymentStage: 'STARTING_MODEL_SERVER' });
			const port = await freePort();
			const plan = launchPlan(image, {
				command: containerSpec.command as string[] | undefined,
				args: containerSpec.args as string[] | undefined,
				env: (containerSpec.env as Array<{ name: string; value: string }> | undefined)?.map((e) => ({ name: e.name, value: String(e.value ?? '') })) ?? [],
				aipEnv: this.aipEnv(endpoint, deployed, version, port),
			});
			if (plan.kind === 'url') deployed.serverUrl = plan.url;
			else {
				deployed.serverUrl = `http://127.0.0.1:${port}`;
				server = startModelServer(plan.argv, plan.env, plan.cwd, `model-server ${deployed.id}`, ctx.log);
				ctx.processes.set(server, deployed.id);
				ctx.log(`deployed model ${deployed.id}: started ${imageUri} as pid ${server.pid} on port ${port}`);
			}
			const timeoutMs = parseDuration(containerSpec.deploymentTimeout) ?? DEFAULT_DEPLOYMENT_TIMEOUT_MS;
			const health = await waitUntilHealthy({
				url: `${deployed.serverUrl}${deployed.healthRoute}`,
				timeoutMs,
				process: server,
				cancelled: stopped,
				ignoreSuccess: healthNeverOk,
			});
			if (health !== 'healthy') {
				const lastLines = server ? server.recentLines.slice(-5).join(' | ') : '';
				await release();
				if (health === 'cancelled') return;
				const why =
					health === 'exited'
						? `Model server exited before it became healthy${lastLines ? ` (last output: ${lastLines})` : ''}.`
						: `Model server never became ready: health route ${deployed.healthRoute} did not answer 200 within the deployment timeout of ${Math.round(timeoutMs / 1000)}s.`;
				return fail(new ApiError('INVALID_ARGUMENT', `${why} Please validate that your container configuration is valid.`));
			}
			ctx.operations.setMetadata(op, { deploymentStage: 'FINISHING_UP' });
			await ctx.pause(ctx.operationStepMs);
			if (stopped() || ctx.store.endpoints.get(endpoint.id) !== endpoint) {
				await release();
				if (!op.done) fail(new ApiError('ABORTED', `The endpoint ${ctx.store.endpointName(endpoint.id)} was deleted during the deployment.`));
				return;
			}
			deployed.process = server;
			endpoint.deployedModels.push(deployed);
			// As DeployModelRequest.traffic_split says: an empty or absent split leaves the endpoint's
			// split as it was, so a deploy without one gets no traffic until the split names it.
			if (split && Object.keys(split).length > 0) {
				endpoint.trafficSplit = {};
				for (const [key, percent] of Object.entries(split)) endpoint.trafficSplit[key === '0' ? deployed.id : key] = percent;
			}
			ctx.store.touch(endpoint);
			ctx.operations.succeed(
				op,
				{ '@type': typeUrl(call.version, 'DeployModelResponse'), deployedModel: ctx.store.deployedModelJson(deployed) },
				{ deploymentStage: 'SUCCESSFULLY_DEPLOYED' },
			);
		} catch (error) {
			await release();
			fail(new ApiError('INTERNAL', `Deployment failed: ${error instanceof Error ? error.message : String(error)}`));
		} finally {
			if (op.cancelRequested) ctx.operations.setMetadata(op, { deploymentStage: 'DEPLOYMENT_TERMINATED' });
		}
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
			if (deployed.process) {
				await deployed.process.stop(ctx.stopGraceMs);
				ctx.processes.delete(deployed.process);
			}
			ctx.operations.succeed(op, { '@type': typeUrl(call.version, 'UndeployModelResponse') });
		});
		return ctx.operations.toJson(op);
	}
}
