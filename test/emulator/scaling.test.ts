/**
 * Live changes and the preview API: :mutateDeployedModel changes the running model-server processes;
 * v1beta1-only fields (scale to zero, rollout options, Pub/Sub metric labels) are taken under /v1beta1/
 * and refused under /v1/ as unknown fields; a deployment with min_replica_count 0 stops its processes
 * after the idle period and starts one again for the next request.
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, pollOperation, uploadModel, waitForExit, type Answer, type Api } from './helpers';

const MACHINE = { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 };
/** Scale-to-zero periods run at 1/1000 here: the 300 s minimum lasts 0.3 s. */
const TIME_SCALE = 0.001;

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

function violations(answer: Answer): Array<{ field?: string; description: string }> {
	expect(answer.status).toBe(400);
	expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
	return answer.json.error.details[0].fieldViolations;
}

describe('emulator live changes, preview API and scale to zero', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let modelName: string;
	let endpointName: string;
	const processesOf = (deployedModelId: string) => emulator.processes().filter((p) => p.deployedModelId === deployedModelId);
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5, stopGraceMs: 1000, scaleToZeroTimeScale: TIME_SCALE, coldStartMs: 50 });
		api = apiClient(emulator, await accessToken(emulator));
		modelName = (await uploadModel(api, emulator, { modelId: 'scaling-model' })).modelName;
		endpointName = (await createEndpoint(api, emulator, {}, 'scaling-endpoint')).name;
	});
	afterAll(() => emulator.close());

	async function deploy(resources: Record<string, unknown>, version = 'v1', extra: Record<string, unknown> = {}): Promise<string> {
		const started = await api('POST', `/${version}/${endpointName}:deployModel`, { deployedModel: { model: modelName, dedicatedResources: { machineSpec: MACHINE, ...resources }, ...extra }, trafficSplit: { '0': 100 } });
		if (started.status !== 200) throw new Error(`deploy refused: ${started.text}`);
		const { op } = await pollOperation(api, started.json.name);
		if (op.error) throw new Error(`deploy failed: ${JSON.stringify(op.error)}`);
		return op.response.deployedModel.id;
	}

	async function undeploy(id: string): Promise<void> {
		const started = await api('POST', `/v1/${endpointName}:undeployModel`, { deployedModelId: id });
		if (started.status !== 200) throw new Error(`undeploy refused: ${started.text}`);
		await pollOperation(api, started.json.name);
	}

	describe(':mutateDeployedModel', () => {
		it('starts min_replica_count processes, and mutate changes how many run', async () => {
			const id = await deploy({ minReplicaCount: 2, maxReplicaCount: 4 });
			expect(processesOf(id)).toHaveLength(2);
			const mutate = (mask: string, deployedModel: Record<string, unknown>) => api('POST', `/v1/${endpointName}:mutateDeployedModel`, { updateMask: mask, deployedModel: { id, model: modelName, ...deployedModel } });
			const up = await mutate('dedicated_resources.min_replica_count,dedicated_resources.max_replica_count', { dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 3, maxReplicaCount: 5 } });
			expect(up.status).toBe(200);
			expect(up.json.metadata['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.MutateDeployedModelOperationMetadata');
			const { op } = await pollOperation(api, up.json.name);
			expect(op.error).toBeUndefined();
			expect(op.response.deployedModel.dedicatedResources).toMatchObject({ minReplicaCount: 3, maxReplicaCount: 5 });
			expect(processesOf(id)).toHaveLength(3);
			// Round robin over the replicas: three servers answer.
			const pids = new Set<string>();
			for (let i = 0; i < 6; i++) pids.add(JSON.stringify((await api('POST', `/v1/${endpointName}/invoke/echo`, {})).json.headers.host));
			expect(pids.size).toBe(3);

			const down = await mutate('dedicatedResources.minReplicaCount,dedicatedResources.autoscalingMetricSpecs,disable_container_logging', {
				dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 1, autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 100 }] },
				disableContainerLogging: true,
			});
			await pollOperation(api, down.json.name);
			expect(processesOf(id)).toHaveLength(1);
			const got = (await api('GET', `/v1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === id);
			expect(got).toMatchObject({ disableContainerLogging: true, dedicatedResources: { minReplicaCount: 1, maxReplicaCount: 5 }, status: { availableReplicaCount: 1 } });
			expect(got.dedicatedResources.autoscalingMetricSpecs).toEqual([{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 100 }]);

			expect(violations(await mutate('dedicated_resources.machine_spec', { dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 1 } })).map((v) => v.field)).toEqual(['update_mask']);
			expect(violations(await mutate('enable_container_logging', { dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 1 } })).map((v) => v.field)).toEqual(['update_mask']);
			expect(violations(await mutate('dedicated_resources.autoscaling_metric_specs', { dedicatedResources: { machineSpec: MACHINE, autoscalingMetricSpecs: [{ metricName: 'x', target: 1 }] } })).map((v) => v.field)).toEqual(['deployed_model.dedicated_resources.autoscaling_metric_specs[0].metric_name']);
			// v1 has no scale to zero: a mutate's 0 is refused by the method (its REQUIRED check skips the masked resource).
			expect(violations(await mutate('dedicated_resources.min_replica_count', { dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 0 } })).map((v) => v.field)).toEqual(['deployed_model.dedicated_resources.min_replica_count']);
			expect(violations(await mutate('dedicated_resources.min_replica_count', { dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 9 } })).map((v) => v.field)).toEqual(['deployed_model.dedicated_resources.max_replica_count']);
			expect(violations(await api('POST', `/v1/${endpointName}:mutateDeployedModel`, { deployedModel: { id, model: modelName } })).map((v) => v.field)).toEqual(['update_mask']);
			expect((await api('POST', `/v1/${endpointName}:mutateDeployedModel`, { updateMask: 'disable_container_logging', deployedModel: { id: '999', model: modelName } })).status).toBe(404);
			await undeploy(id);
			expect(processesOf(id)).toHaveLength(0);
		});
	});

	describe('v1 and v1beta1', () => {
		const scaleToZero = { minReplicaCount: 0, maxReplicaCount: 1, scaleToZeroSpec: { idleScaledownPeriod: '300s', minScaleupPeriod: '300s' } };

		it.each([
			['scaleToZeroSpec', { deployedModel: { model: 'm', dedicatedResources: { machineSpec: MACHINE, ...scaleToZero } } }, 'scaleToZeroSpec', 'deployed_model.dedicated_resources'],
			['rolloutOptions', { deployedModel: { model: 'm', dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 1 }, rolloutOptions: { maxSurgeReplicas: 1 } } }, 'rolloutOptions', 'deployed_model'],
			['monitoredResourceLabels', { deployedModel: { model: 'm', dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 1, autoscalingMetricSpecs: [{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 5, monitoredResourceLabels: { subscription_id: 's' } }] } } }, 'monitoredResourceLabels', 'deployed_model.dedicated_resources.autoscaling_metric_specs[0]'],
		])('refuses the v1beta1-only field %s under /v1/ as an unknown name', async (_field, body, name, at) => {
			const answer = await api('POST', `/v1/${endpointName}:deployModel`, body);
			expect(answer.status).toBe(400);
			expect(answer.json.error.message).toBe(`Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`);
		});

		it('takes them under /v1beta1/, records them, and a v1 GET leaves them out', async () => {
			const id = await deploy(
				{ ...scaleToZero, autoscalingMetricSpecs: [{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 5, monitoredResourceLabels: { subscription_id: 'jobs' } }] },
				'v1beta1',
			);
			const beta = (await api('GET', `/v1beta1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === id);
			expect(beta.dedicatedResources.scaleToZeroSpec).toEqual({ idleScaledownPeriod: '300s', minScaleupPeriod: '300s' });
			expect(beta.dedicatedResources.autoscalingMetricSpecs[0].monitoredResourceLabels).toEqual({ subscription_id: 'jobs' });
			const v1 = (await api('GET', `/v1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === id);
			expect(v1.dedicatedResources.scaleToZeroSpec).toBeUndefined();
			expect(v1.dedicatedResources.autoscalingMetricSpecs[0]).toEqual({ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 5 });
			await undeploy(id);
		});

		it('takes rollout options instead of resources, as Google\'s client sends them: the resources of the previous deployed model', async () => {
			const previous = await deploy({ minReplicaCount: 1, maxReplicaCount: 2 }, 'v1beta1');
			const started = await api('POST', `/v1beta1/${endpointName}:deployModel`, {
				deployedModel: { model: modelName, rolloutOptions: { maxSurgeReplicas: 1, maxUnavailablePercentage: 10, previousDeployedModel: previous } },
			});
			expect(started.status).toBe(200);
			const { op } = await pollOperation(api, started.json.name);
			expect(op.error).toBeUndefined();
			const id = op.response.deployedModel.id as string;
			const beta = (await api('GET', `/v1beta1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === id);
			expect(beta.rolloutOptions).toEqual({ maxSurgeReplicas: 1, maxUnavailablePercentage: 10, previousDeployedModel: previous, revisionNumber: 1 });
			expect(beta.dedicatedResources).toMatchObject({ machineSpec: MACHINE, minReplicaCount: 1, maxReplicaCount: 2 });
			const v1 = (await api('GET', `/v1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === id);
			expect(v1.rolloutOptions).toBeUndefined();
			const withBoth = await api('POST', `/v1beta1/${endpointName}:deployModel`, {
				deployedModel: { model: modelName, dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 1 }, rolloutOptions: { maxSurgeReplicas: 1, previousDeployedModel: id } },
			});
			expect(violations(withBoth).map((v) => v.field)).toEqual(['deployed_model.rollout_options']);
			const unknownPrevious = await api('POST', `/v1beta1/${endpointName}:deployModel`, { deployedModel: { model: modelName, rolloutOptions: { maxSurgeReplicas: 1, previousDeployedModel: '42' } } });
			expect(violations(unknownPrevious).map((v) => v.field)).toEqual(['deployed_model.rollout_options.previous_deployed_model']);
			// The rollout replaced the previous deployed model (test/emulator/rolling-deployment.test.ts goes further).
			expect((await api('GET', `/v1beta1/${endpointName}`)).json.deployedModels.map((d: { id: string }) => d.id)).not.toContain(previous);
			await undeploy(id);
		});

		it.each([
			['an idle period under 5 minutes', { ...scaleToZero, scaleToZeroSpec: { idleScaledownPeriod: '299s' } }, 'deployed_model.dedicated_resources.scale_to_zero_spec.idle_scaledown_period'],
			['an idle period over 8 hours', { ...scaleToZero, scaleToZeroSpec: { idleScaledownPeriod: '28801s' } }, 'deployed_model.dedicated_resources.scale_to_zero_spec.idle_scaledown_period'],
			['a minimum scale-up period over 8 hours', { ...scaleToZero, scaleToZeroSpec: { minScaleupPeriod: '30000s' } }, 'deployed_model.dedicated_resources.scale_to_zero_spec.min_scaleup_period'],
			['a scale-to-zero spec with min replicas 1', { ...scaleToZero, minReplicaCount: 1 }, 'deployed_model.dedicated_resources.scale_to_zero_spec'],
			['min replicas 0 without max replicas', { machineSpec: MACHINE, minReplicaCount: 0 }, 'deployed_model.dedicated_resources.max_replica_count'],
			['negative min replicas', { ...scaleToZero, minReplicaCount: -1 }, 'deployed_model.dedicated_resources.min_replica_count'],
			['Pub/Sub labels without the subscription', { minReplicaCount: 1, autoscalingMetricSpecs: [{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 5, monitoredResourceLabels: { project_id: 'p' } }] }, 'deployed_model.dedicated_resources.autoscaling_metric_specs[0].monitored_resource_labels'],
			['labels on a metric other than Pub/Sub', { minReplicaCount: 1, autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 5, monitoredResourceLabels: { subscription_id: 's' } }] }, 'deployed_model.dedicated_resources.autoscaling_metric_specs[0].monitored_resource_labels'],
		])('refuses %s under /v1beta1/', async (_what, resources, field) => {
			const answer = await api('POST', `/v1beta1/${endpointName}:deployModel`, { deployedModel: { model: modelName, dedicatedResources: { machineSpec: MACHINE, ...resources } } });
			expect(violations(answer).map((v) => v.field)).toContain(field);
		});

		it('refuses a scale-to-zero period that is not a Duration, and rollout options that set both of a oneof', async () => {
			const badDuration = await api('POST', `/v1beta1/${endpointName}:deployModel`, { deployedModel: { model: modelName, dedicatedResources: { machineSpec: MACHINE, ...scaleToZero, scaleToZeroSpec: { idleScaledownPeriod: 600 } } } });
			expect(violations(badDuration)[0]?.description).toContain("Invalid value at 'deployed_model.dedicated_resources.scale_to_zero_spec.idle_scaledown_period' (type.googleapis.com/google.protobuf.Duration)");
			const bothSurges = await api('POST', `/v1beta1/${endpointName}:deployModel`, { deployedModel: { model: modelName, dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 1 }, rolloutOptions: { maxSurgeReplicas: 1, maxSurgePercentage: 10 } } });
			expect(violations(bothSurges)[0]?.description).toMatch(/oneof field 'max_surge' is already set/);
		});
	});

	describe('scale to zero', () => {
		it('stops the model servers after the idle period, and the next request waits for a cold start', async () => {
			const id = await deploy({ minReplicaCount: 0, maxReplicaCount: 1, scaleToZeroSpec: { idleScaledownPeriod: '300s', minScaleupPeriod: '300s' } }, 'v1beta1');
			const [first] = processesOf(id);
			expect(first?.pid).toBeDefined();
			await until(() => processesOf(id).length === 0, 'the idle scale-down');
			expect(await waitForExit(first?.pid as number)).toBe(true);
			expect((await api('GET', `/v1beta1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === id).status.availableReplicaCount).toBeUndefined();

			const started = Date.now();
			const answer = await api('POST', `/v1beta1/${endpointName}/invoke/echo`, { after: 'zero' });
			expect(answer.status).toBe(200);
			expect(answer.json.body).toContain('zero');
			expect(Date.now() - started).toBeGreaterThanOrEqual(50);
			expect(processesOf(id)).toHaveLength(1);
			// Requests keep it up; silence brings it down again.
			await until(() => processesOf(id).length === 0, 'the second idle scale-down');
			await undeploy(id);
		});

		it('answers 503 UNAVAILABLE while scaled down when told to, and starts a replica for the retry', async () => {
			const strict = await startEmulator({ operationStepMs: 5, stopGraceMs: 1000, scaleToZeroTimeScale: TIME_SCALE, scaleToZeroRequests: 'error' });
			try {
				const strictApi = apiClient(strict, await accessToken(strict));
				const model = (await uploadModel(strictApi, strict, { modelId: 'm' })).modelName;
				const endpoint = (await createEndpoint(strictApi, strict, {}, 'e')).name;
				const started = await strictApi('POST', `/v1beta1/${endpoint}:deployModel`, { deployedModel: { model, dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 0, maxReplicaCount: 1 } }, trafficSplit: { '0': 100 } });
				await pollOperation(strictApi, started.json.name);
				await until(() => strict.processes().length === 0, 'the idle scale-down');
				const refused = await strictApi('POST', `/v1beta1/${endpoint}/invoke/echo`, {});
				expect(refused.status).toBe(503);
				expect(refused.json.error.status).toBe('UNAVAILABLE');
				expect(refused.headers.get('retry-after')).toBe('1');
				await until(() => strict.processes().length === 1, 'the scale-up the refused request started');
				let answer = await strictApi('POST', `/v1beta1/${endpoint}/invoke/echo`, {});
				for (let i = 0; i < 100 && answer.status === 503; i++) {
					await new Promise((resolve) => setTimeout(resolve, 50));
					answer = await strictApi('POST', `/v1beta1/${endpoint}/invoke/echo`, {});
				}
				expect(answer.status).toBe(200);
			} finally {
				await strict.close();
			}
		});
	});
});
