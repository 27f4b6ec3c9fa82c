/**
 * Deploy Model complete, through n8n's engine against the emulator: reservations, required replicas, several
 * autoscaling metrics, fast try-out, a deployment resource pool, scale to zero and rollout options only with "Use
 * Preview API (v1beta1)" (and then every call in v1beta1), CMEK and labels on Create, CMEK on Upload, and Additional
 * Fields (JSON) checked before anything is sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { chain, sourceNode } from '../harness/n8n-engine';
import { TYPE, emulatorWithCredential, expectNothingSent, expectNoSecrets, locator, readResource, resetEmulator, runNodes, type NodeEnv } from './support';

let env: NodeEnv;

beforeAll(async () => {
	env = await emulatorWithCredential();
}, 30_000);
afterAll(async () => {
	await env?.close();
});

const project = () => env.client().endpointName('x').split('/')[1];
const kmsKey = () => `projects/${project()}/locations/${env.emulator.location}/keyRings/ring/cryptoKeys/key`;

/** Upload and Create (ids given), then Deploy with `deploy` parameters. */
function pipeline(ids: { model: string; endpoint: string }, deploy: IDataObject, create: IDataObject = {}, upload: IDataObject = {}) {
	return {
		nodes: [
			sourceNode('Start'),
			{ name: 'Upload', type: TYPE.upload, parameters: { displayName: ids.model, imageUri: env.emulator.builtInImage, modelId: ids.model, ifExists: 'use', ...upload } },
			{ name: 'Create', type: TYPE.create, parameters: { displayName: ids.endpoint, endpointId: ids.endpoint, ifExists: 'use', ...create } },
			{ name: 'Deploy', type: TYPE.deploy, parameters: { machineType: 'n1-standard-4', ...deploy } },
		],
		connections: chain('Start', 'Upload', 'Create', 'Deploy'),
	};
}

/** Only Deploy, on an endpoint and model that need not exist: for refusals, which send nothing. */
async function deployAlone(parameters: IDataObject) {
	await resetEmulator(env);
	const result = await runNodes(env, {
		nodes: [sourceNode('Start'), { name: 'Deploy', type: TYPE.deploy, parameters: { endpoint: locator('ep'), model: locator('m'), machineType: 'n1-standard-4', ...parameters } }],
		connections: chain('Start', 'Deploy'),
	});
	expectNothingSent(env);
	await expectNoSecrets(env, result);
	return result;
}

describe('Deploy Model, complete', () => {
	it('deploys with required replicas, several autoscaling metrics and fast try-out in v1, and Create sets CMEK and labels', async () => {
		const result = await runNodes(
			env,
			pipeline(
				{ model: 'metrics-model', endpoint: 'metrics-endpoint' },
				{
					minReplicaCount: 1,
					maxReplicaCount: 3,
					autoscalingMetrics: {
						metric: [
							{ metric: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc', target: 70 },
							{ metric: 'custom', customMetricName: 'prometheus.googleapis.com/vertex_vllm_num_requests_waiting', target: 8 },
						],
					},
					options: { requiredReplicaCount: 1, fastTryout: true, additionalFields: '{"deployedModel": {"enableAccessLogging": true}}' },
				},
				{ options: { kmsKeyName: kmsKey(), labels: { label: [{ key: 'team', value: 'ml' }] }, additionalFields: '{"description": "from JSON"}' } },
				{ options: { kmsKeyName: kmsKey() } },
			),
		);
		expect(result.error?.message).toBeUndefined();
		const endpoint = await readResource(env, env.client().endpointName('metrics-endpoint'), 'v1');
		expect(endpoint).toMatchObject({ labels: { team: 'ml' }, description: 'from JSON', encryptionSpec: { kmsKeyName: kmsKey() } });
		const [deployed] = endpoint.deployedModels;
		expect(deployed.enableAccessLogging).toBe(true);
		expect(deployed.fasterDeploymentConfig).toEqual({ fastTryoutEnabled: true });
		expect(deployed.dedicatedResources).toMatchObject({
			minReplicaCount: 1,
			maxReplicaCount: 3,
			requiredReplicaCount: 1,
			autoscalingMetricSpecs: [
				{ metricName: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc', target: 70 },
				{ metricName: 'prometheus.googleapis.com/vertex_vllm_num_requests_waiting', target: 8 },
			],
		});
		const model = await readResource(env, env.client().modelName('metrics-model'), 'v1');
		expect(model.encryptionSpec).toEqual({ kmsKeyName: kmsKey() });
	});

	it.each([
		['the default (CPU Utilization)', {}, 'aiplatform.googleapis.com/prediction/online/cpu/utilization'],
		['GPU Duty Cycle', { autoscalingMetric: 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle' }, 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle'],
	])('the Autoscaling Metric option, %s, is sent as Vertex AI names the metric', async (_name, metric, metricName) => {
		const endpointId = `single-metric-${metricName.includes('cpu') ? 'cpu' : 'gpu'}`;
		const result = await runNodes(
			env,
			pipeline({ model: `${endpointId}-model`, endpoint: endpointId }, { acceleratorType: 'NVIDIA_L4', acceleratorCount: 1, machineType: 'g2-standard-8', options: { ...metric, autoscalingTarget: 70 } }),
		);
		expect(result.error?.message).toBeUndefined();
		const [deployed] = (await readResource(env, env.client().endpointName(endpointId), 'v1')).deployedModels;
		expect(deployed.dedicatedResources.autoscalingMetricSpecs).toEqual([{ metricName, target: 70 }]);
	});

	it('scales to zero with the Pub/Sub backlog metric in v1beta1, chosen explicitly', async () => {
		const result = await runNodes(
			env,
			pipeline(
				{ model: 'idle-model', endpoint: 'idle-endpoint' },
				{
					usePreviewApi: true,
					minReplicaCount: 0,
					maxReplicaCount: 2,
					autoscalingMetrics: {
						metric: [{ metric: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 20, subscriptionId: 'requests-sub' }],
					},
					options: { idleScaledownMinutes: 15, minScaleupMinutes: 5 },
				},
			),
		);
		expect(result.error?.message).toBeUndefined();
		const [deployed] = (await readResource(env, env.client().endpointName('idle-endpoint'))).deployedModels;
		// 0 is proto3's default, left out of the JSON answer.
		expect(deployed.dedicatedResources.minReplicaCount ?? 0).toBe(0);
		expect(deployed.dedicatedResources).toMatchObject({
			maxReplicaCount: 2,
			scaleToZeroSpec: { idleScaledownPeriod: '900s', minScaleupPeriod: '300s' },
			autoscalingMetricSpecs: [
				{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 20, monitoredResourceLabels: { subscription_id: 'requests-sub' } },
			],
		});
	});

	it('rolls out a new model over a deployed one: rollout options instead of machines, which come from the previous deployed model', async () => {
		const first = await runNodes(env, pipeline({ model: 'roll-model-a', endpoint: 'roll-endpoint' }, { machineType: 'n1-standard-8', minReplicaCount: 1, maxReplicaCount: 2 }));
		expect(first.error?.message).toBeUndefined();
		const [{ deployedModelId: previous }] = first.lastNodeJson('Deploy') as Array<{ deployedModelId: string }>;
		const result = await runNodes(
			env,
			pipeline(
				{ model: 'roll-model-b', endpoint: 'roll-endpoint' },
				{ usePreviewApi: true, options: { maxSurgePercentage: 20, maxUnavailableReplicas: 0, previousDeployedModel: previous } },
			),
		);
		expect(result.error?.message).toBeUndefined();
		const [{ deployedModelId }] = result.lastNodeJson('Deploy') as Array<{ deployedModelId: string }>;
		const deployed = (await readResource(env, env.client().endpointName('roll-endpoint'))).deployedModels.find((entry: { id: string }) => entry.id === deployedModelId);
		expect(deployed.rolloutOptions).toMatchObject({ maxSurgePercentage: 20, previousDeployedModel: previous });
		// The machines of the deployed model it replaces (Deploy's own Machine Type, n1-standard-4, was not sent).
		expect(deployed.dedicatedResources).toMatchObject({ machineSpec: { machineType: 'n1-standard-8' }, minReplicaCount: 1, maxReplicaCount: 2 });
	});

	it('outputs the rolled-out deployed model with the traffic it took over, and the previous one as undeployed', async () => {
		const ids = { model: 'takeover-model', endpoint: 'takeover-endpoint' };
		const first = await runNodes(env, pipeline(ids, { minReplicaCount: 1, maxReplicaCount: 1 }));
		expect(first.error?.message).toBeUndefined();
		const [{ deployedModelId: previous }] = first.lastNodeJson('Deploy') as Array<{ deployedModelId: string }>;
		// Traffic 0 for the new deployment itself: what it ends with is the share it took over from the previous one.
		const result = await runNodes(env, pipeline(ids, { usePreviewApi: true, ifDeployed: 'add', trafficPercentage: 0, options: { maxSurgeReplicas: 1, previousDeployedModel: previous } }));
		expect(result.error?.message).toBeUndefined();
		const [output] = result.lastNodeJson('Deploy') as Array<Record<string, any>>;
		expect(output.deployedModelId).toMatch(/^[0-9]+$/);
		expect(output.deployedModelId).not.toBe(previous);
		expect(output).toMatchObject({ trafficSplit: { [output.deployedModelId]: 100 }, undeployedModelIds: [previous], reused: false, done: true });
		const endpoint = await readResource(env, env.client().endpointName(ids.endpoint));
		expect(endpoint.deployedModels.map((entry: { id: string }) => entry.id)).toEqual([output.deployedModelId]);
		expect(endpoint.deployedModels[0].rolloutOptions).toMatchObject({ previousDeployedModel: previous, revisionNumber: 1 });
	});

	it('with "Replace It", rolls out over the previous deployed model, then undeploys the other copies of the same version', async () => {
		const ids = { model: 'replace-roll-model', endpoint: 'replace-roll-endpoint' };
		const copyA = await runNodes(env, pipeline(ids, { ifDeployed: 'add' }));
		const [{ deployedModelId: a }] = copyA.lastNodeJson('Deploy') as Array<{ deployedModelId: string }>;
		const copyB = await runNodes(env, pipeline(ids, { ifDeployed: 'add', trafficPercentage: 40 }));
		const [{ deployedModelId: b, trafficSplit: before }] = copyB.lastNodeJson('Deploy') as Array<{ deployedModelId: string; trafficSplit: Record<string, number> }>;
		expect(before).toEqual({ [a]: 60, [b]: 40 });
		const result = await runNodes(env, pipeline(ids, { usePreviewApi: true, ifDeployed: 'replace', trafficPercentage: 0, options: { previousDeployedModel: a, maxUnavailableReplicas: 0 } }));
		expect(result.error?.message).toBeUndefined();
		const [output] = result.lastNodeJson('Deploy') as Array<Record<string, any>>;
		// The rollout replaced A (its 60%); "Replace It" then undeployed B, the new one inheriting its 40%.
		expect(output.undeployedModelIds).toEqual([a, b]);
		expect(output.trafficSplit).toEqual({ [output.deployedModelId]: 100 });
		expect((await readResource(env, env.client().endpointName(ids.endpoint))).deployedModels.map((entry: { id: string }) => entry.id)).toEqual([output.deployedModelId]);
	});

	it.each([
		[{ maxSurgeReplicas: 1, maxSurgePercentage: 10, previousDeployedModel: '123' }, 'Max Surge Percentage'],
		[{ maxUnavailableReplicas: 1, maxUnavailablePercentage: 10, previousDeployedModel: '123' }, 'Max Unavailable Percentage'],
		[{ maxSurgeReplicas: 1 }, 'Previous Deployed Model'],
		[{ maxSurgeReplicas: 1, previousDeployedModel: 'abc' }, 'Previous Deployed Model'],
	])('refuses the rollout options %j before any request, naming %s', async (options, label) => {
		const result = await deployAlone({ usePreviewApi: true, options });
		expect(`${result.error?.message} ${result.error?.description}`).toContain(`"${label}"`);
	});

	it('refuses scale to zero without "Use Preview API (v1beta1)", naming it, before any request', async () => {
		const result = await deployAlone({ minReplicaCount: 0, maxReplicaCount: 1 });
		expect(result.error?.message).toBe(
			`"Min Replicas" 0 (scale to zero) is a preview feature of Vertex AI's v1beta1 API: choose that API explicitly (set "Use Preview API (v1beta1)" to "on").`,
		);
	});

	it('refuses rollout options without the preview API, naming the choice', async () => {
		const result = await deployAlone({ options: { maxSurgeReplicas: 1 } });
		expect(result.error?.message).toContain('is a preview feature of Vertex AI\'s v1beta1 API: choose that API explicitly (set "Use Preview API (v1beta1)" to "on")');
	});

	it('refuses a misspelled additional field, naming the parameter and the closest field, before any request', async () => {
		const result = await deployAlone({ options: { additionalFields: '{"deployedModel": {"dedicatedResources": {"minReplicaCont": 2}}}' } });
		expect(result.error?.message).toContain('"Additional Fields (JSON)": deployedModel.dedicatedResources.minReplicaCont is not a field of DedicatedResources in API v1: did you mean "minReplicaCount"?');
		const wrongType = await deployAlone({ options: { additionalFields: '{"deployedModel": {"disableContainerLogging": "yes"}}' } });
		expect(wrongType.error?.message).toContain('deployedModel.disableContainerLogging must be true or false; it is the string "yes"');
		const preview = await deployAlone({ options: { additionalFields: '{"deployedModel": {"rolloutOptions": {}}}' } });
		expect(preview.error?.message).toContain('it exists in the preview API (v1beta1): choose it with "Use Preview API (v1beta1)"');
	});

	it('refuses a pool given in Additional Fields beside the machines', async () => {
		const result = await deployAlone({ options: { additionalFields: '{"deployedModel": {"sharedResources": "projects/p/locations/us-central1/deploymentResourcePools/x"}}' } });
		expect(result.error?.message).toContain('deployedModel.sharedResources cannot be given with deployedModel.dedicatedResources');
	});

	it('deploys onto a deployment resource pool instead of dedicated machines', async () => {
		const token = await env.client().getAccessToken();
		const parent = `projects/${project()}/locations/${env.emulator.location}`;
		const created = await fetch(`${env.emulator.baseUrl}/v1/${parent}/deploymentResourcePools`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				deploymentResourcePoolId: 'shared-pool',
				deploymentResourcePool: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1 } },
			}),
		});
		expect(created.status).toBe(200);
		const result = await runNodes(env, pipeline({ model: 'pooled-model', endpoint: 'pooled-endpoint' }, { resources: 'pool', deploymentResourcePool: 'shared-pool' }));
		expect(result.error?.message).toBeUndefined();
		const [deployed] = (await readResource(env, env.client().endpointName('pooled-endpoint'), 'v1')).deployedModels;
		expect(deployed.sharedResources).toBe(`${parent}/deploymentResourcePools/shared-pool`);
		expect(deployed.dedicatedResources).toBeUndefined();
	});

	it('refuses an option for dedicated machines beside a pool, naming it, before any request', async () => {
		const result = await deployAlone({ resources: 'pool', deploymentResourcePool: 'shared-pool', options: { gpuPartitionSize: '1g.10gb' } });
		expect(result.error?.message).toBe(
			'"GPU Partition Size" in "Options" describes dedicated machines; a deployment resource pool sets its own machines. Remove the option, or set "Machines" to "Dedicated to This Model".',
		);
	});

	it('sends a specific reservation with the Compute Engine key', async () => {
		const reservation = `projects/${project()}/zones/us-central1-a/reservations/my-h100s`;
		const result = await runNodes(
			env,
			pipeline({ model: 'reserved-model', endpoint: 'reserved-endpoint' }, { options: { reservationAffinity: 'SPECIFIC_RESERVATION', reservationNames: reservation } }),
		);
		expect(result.error?.message).toBeUndefined();
		const [deployed] = (await readResource(env, env.client().endpointName('reserved-endpoint'), 'v1')).deployedModels;
		expect(deployed.dedicatedResources.machineSpec.reservationAffinity).toEqual({
			reservationAffinityType: 'SPECIFIC_RESERVATION',
			key: 'compute.googleapis.com/reservation-name',
			values: [reservation],
		});
	});
});
