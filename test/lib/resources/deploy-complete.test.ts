/** The whole deploy body (reservations, required replicas, GPU partitions, TPU topology, several autoscaling metrics,
 *  fast try-out, a resource pool), the preview API chosen explicitly and followed by the operation's wait, CMEK and
 *  additional fields on upload and create: against a loopback server, every refusal before any request. */
import type { ServerResponse } from 'node:http';

import { closeSharedAgent, VertexClient, VertexValidationError } from '../support/lib-internals';
import { clientOfFake, FakeGoogle, sendJson, type RecordedRequest } from '../support/fakeGoogle';
import { HOSTILE } from '../rules/ids.corpus';

let fake: FakeGoogle;
let client: VertexClient;
const PARENT = 'projects/my-proj/locations/us-central1';
const OPERATION = 'projects/123456789012/locations/us-central1/operations/42';
const RESERVATION = 'projects/my-proj/zones/us-central1-a/reservations/my-h100s';
const KMS = 'projects/my-proj/locations/us-central1/keyRings/ring/cryptoKeys/key';

const deployDone = (_request: RecordedRequest, response: ServerResponse) =>
	sendJson(response, 200, {
		name: OPERATION,
		done: true,
		response: { '@type': 'type.googleapis.com/google.cloud.aiplatform.v1.DeployModelResponse', deployedModel: { id: '777' } },
	});

beforeAll(async () => {
	fake = await FakeGoogle.start();
	fake.route('POST', /\/models:upload$/, (_request, response) => sendJson(response, 200, { name: OPERATION }));
	fake.route('POST', /\/endpoints$/, (_request, response) => sendJson(response, 200, { name: OPERATION }));
	fake.route('GET', /\/endpoints\/[^/:]+$/, (request, response) =>
		sendJson(response, 200, { name: request.path.replace(/^\/v1(beta1)?\//, ''), dedicatedEndpointEnabled: true }),
	);
	fake.route('GET', /\/models\/[^/:]+$/, (request, response) => sendJson(response, 200, { name: request.path.replace(/^\/v1(beta1)?\//, ''), versionId: '1' }));
	fake.route('POST', /:deployModel$/, (_request, response) => sendJson(response, 200, { name: OPERATION }));
	fake.route('GET', /\/operations\/42$/, deployDone);
	client = clientOfFake(fake);
});

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

beforeEach(() => fake.apiRequests.splice(0));

const machines = { machineType: 'a3-highgpu-1g', acceleratorType: 'NVIDIA_H100_80GB' as const, acceleratorCount: 1 };
const deployOf = (deployedModel: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	endpoint: 'ep',
	model: 'm',
	deployedModel,
	trafficPercentage: 100,
	...extra,
});

async function refusal(run: () => Promise<unknown>): Promise<VertexValidationError> {
	const sent = fake.apiRequests.length;
	const error = await run().then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(fake.apiRequests.length).toBe(sent);
	if (!(error instanceof VertexValidationError)) throw new Error(`expected a validation error, got ${String(error)}`);
	return error;
}

function lastBody(path: RegExp): Record<string, any> {
	const found = fake.apiRequests.filter((request) => request.method === 'POST' && path.test(request.path)).pop();
	if (!found) throw new Error(`no POST ${path}`);
	return JSON.parse(found.body);
}

describe('deploy, complete', () => {
	it('sends reservations, required replicas, GPU partitions, several metrics and fast try-out in v1', async () => {
		await client.deployModel(
			deployOf({
				dedicatedResources: {
					machineSpec: {
						...machines,
						gpuPartitionSize: '1g.10gb',
						reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [RESERVATION] },
					},
					minReplicaCount: 2,
					maxReplicaCount: 4,
					requiredReplicaCount: 1,
					autoscalingMetricSpecs: [
						{ metricName: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc', target: 70 },
						{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 600 },
					],
				},
				fasterDeploymentConfig: { fastTryoutEnabled: true },
			}),
		);
		const [request] = fake.apiRequests.filter((r) => r.method === 'POST');
		expect(request.path).toBe(`/v1/${PARENT}/endpoints/ep:deployModel`);
		const body = JSON.parse(request.body);
		expect(body.deployedModel).toEqual({
			model: `${PARENT}/models/m`,
			dedicatedResources: {
				machineSpec: {
					...machines,
					gpuPartitionSize: '1g.10gb',
					reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [RESERVATION] },
				},
				minReplicaCount: 2,
				maxReplicaCount: 4,
				requiredReplicaCount: 1,
				autoscalingMetricSpecs: [
					{ metricName: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc', target: 70 },
					{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 600 },
				],
			},
			fasterDeploymentConfig: { fastTryoutEnabled: true },
		});
	});

	it('deploys to a deployment resource pool by id, sent as its full name', async () => {
		await client.deployModel(deployOf({ sharedResources: 'my-pool' }));
		expect(lastBody(/:deployModel$/).deployedModel).toEqual({ model: `${PARENT}/models/m`, sharedResources: `${PARENT}/deploymentResourcePools/my-pool` });
	});

	it('uses the preview API only when chosen, and waits for the operation in it', async () => {
		const outcome = await client.deploy(
			deployOf(
				{
					dedicatedResources: {
						machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 },
						minReplicaCount: 0,
						maxReplicaCount: 2,
						scaleToZeroSpec: { idleScaledownPeriod: 600, minScaleupPeriod: '300s' },
					},
				},
				{ apiVersion: 'v1beta1', ifDeployed: 'add' },
			),
			{ initialDelayMs: 1 },
		);
		expect(outcome.result?.deployedModelId).toBe('777');
		const paths = fake.apiRequests.map((request) => `${request.method} ${request.path}`);
		expect(paths).toContain(`POST /v1beta1/${PARENT}/endpoints/ep:deployModel`);
		expect(paths).toContain(`GET /v1beta1/${OPERATION}`);
		expect(paths.filter((path) => path.includes(' /v1/'))).toEqual([]);
		expect(lastBody(/:deployModel$/).deployedModel.dedicatedResources.scaleToZeroSpec).toEqual({ idleScaledownPeriod: '600s', minScaleupPeriod: '300s' });
	});

	it("sends rollout options instead of resources, naming the previous deployed model, as Google's client does", async () => {
		await client.deployModel(deployOf({ rolloutOptions: { maxSurgePercentage: 20, previousDeployedModel: '123' } }, { apiVersion: 'v1beta1' }));
		expect(lastBody(/:deployModel$/).deployedModel).toEqual({ model: `${PARENT}/models/m`, rolloutOptions: { maxSurgePercentage: 20, previousDeployedModel: '123' } });
	});

	it.each([
		[{ dedicatedResources: { machineSpec: machines }, rolloutOptions: { maxSurgeReplicas: 1, previousDeployedModel: '123' } }, 'rolloutOptions go instead of dedicatedResources', 'deployedModel.rolloutOptions'],
		[{ sharedResources: 'pool', rolloutOptions: { previousDeployedModel: '123' } }, 'rolloutOptions go instead of sharedResources', 'deployedModel.rolloutOptions'],
		[{ rolloutOptions: { maxSurgeReplicas: 1 } }, 'previousDeployedModel is required with rolloutOptions', 'deployedModel.rolloutOptions.previousDeployedModel'],
	])('refuses rollout options %j that Google\'s client would not send, before any request', async (deployedModel, words, field) => {
		const error = await refusal(() => client.deployModel(deployOf(deployedModel, { apiVersion: 'v1beta1' })));
		expect(error.message).toContain(words);
		expect(error.field).toBe(field);
	});

	it.each([
		[{ dedicatedResources: { machineSpec: machines, minReplicaCount: 0, maxReplicaCount: 1 } }, 'deployedModel.dedicatedResources.minReplicaCount'],
		[{ dedicatedResources: { machineSpec: machines, minReplicaCount: 0, maxReplicaCount: 1, scaleToZeroSpec: {} } }, 'deployedModel.dedicatedResources.minReplicaCount'],
		[{ dedicatedResources: { machineSpec: machines }, rolloutOptions: { maxSurgeReplicas: 1 } }, 'deployedModel.rolloutOptions'],
	])('refuses a preview field in v1, naming the API version choice (%#)', async (deployedModel, field) => {
		const error = await refusal(() => client.deployModel(deployOf(deployedModel)));
		expect(error.field).toBe(field);
		expect(error.message).toContain("is a preview feature of Vertex AI's v1beta1 API: choose that API explicitly (apiVersion: 'v1beta1').");
		expect(error.suggestion).toEqual({ field: 'apiVersion', value: 'v1beta1' });
	});

	it.each([
		[{ sharedResources: 'pool', dedicatedResources: { machineSpec: machines } }, 'sharedResources (a deployment resource pool) cannot be given with dedicatedResources'],
		[{}, 'dedicatedResources is required'],
		[{ sharedResources: 'Pool!' }, 'sharedResources "Pool!" is not a deployment resource pool ID'],
		[{ sharedResources: 'projects/my-proj/locations/europe-west4/deploymentResourcePools/p' }, 'a deployment resource pool serves its own location only'],
		[{ dedicatedResources: { machineSpec: { ...machines, reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION' } } } }, 'SPECIFIC_RESERVATION needs key'],
		[{ dedicatedResources: { machineSpec: { ...machines, reservationAffinity: { reservationAffinityType: 'ANY_RESERVATION', values: [RESERVATION] } } } }, 'they go only with reservationAffinityType SPECIFIC_RESERVATION'],
		[{ dedicatedResources: { machineSpec: { ...machines, reservationAffinity: { reservationAffinityType: 'SOME' } } } }, 'reservationAffinityType "SOME" is not known'],
		[{ dedicatedResources: { machineSpec: { ...machines, reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'k', values: ['../x'] } } } }, "is not a reservation's full name"],
		[{ dedicatedResources: { machineSpec: { ...machines, gpuPartitionSize: 'half' } } }, 'gpuPartitionSize "half" is not a GPU partition size'],
		[{ dedicatedResources: { machineSpec: { ...machines, tpuTopology: '2by2' } } }, 'tpuTopology "2by2" is not a TPU topology'],
		[{ dedicatedResources: { machineSpec: machines, minReplicaCount: 1, maxReplicaCount: 2, requiredReplicaCount: 3 } }, 'requiredReplicaCount (3) cannot be more than'],
		[{ dedicatedResources: { machineSpec: machines, requiredReplicaCount: 0 } }, 'requiredReplicaCount must be >= 1'],
		[{ dedicatedResources: { machineSpec: machines, autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 150 }] } }, 'target must be a percentage between 1 and 100'],
		[{ dedicatedResources: { machineSpec: machines, autoscalingMetricSpecs: [{ metricName: 'cpu' }] } }, 'metricName "cpu" is not a Cloud Monitoring metric type'],
		[
			{ dedicatedResources: { machineSpec: machines, autoscalingMetricSpecs: [{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 10 }] } },
			'monitoredResourceLabels must name the subscription',
		],
		[
			{
				dedicatedResources: {
					machineSpec: machines,
					autoscalingMetricSpecs: [
						{ metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization' },
						{ metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 50 },
					],
				},
			},
			'more than once',
		],
	])('refuses bad resources before any request (%#)', async (deployedModel, words) => {
		expect((await refusal(() => client.deployModel(deployOf(deployedModel)))).message).toContain(words);
	});

	it.each([
		[{ dedicatedResources: { machineSpec: machines, minReplicaCount: 0, maxReplicaCount: 1, scaleToZeroSpec: { idleScaledownPeriod: '60s' } } }, 'idleScaledownPeriod must be a duration'],
		[{ dedicatedResources: { machineSpec: machines, minReplicaCount: 0, maxReplicaCount: 1, scaleToZeroSpec: { minScaleupPeriod: 28_801 } } }, 'between 300 and 28800 seconds'],
		[{ dedicatedResources: { machineSpec: machines, minReplicaCount: 0 } }, 'maxReplicaCount is required (>= 1) when minReplicaCount is 0'],
		[{ dedicatedResources: { machineSpec: machines, minReplicaCount: 1, scaleToZeroSpec: {} } }, 'scaleToZeroSpec only applies with minReplicaCount 0'],
		[{ dedicatedResources: { machineSpec: machines }, rolloutOptions: { maxSurgeReplicas: 1, maxSurgePercentage: 10 } }, 'Give maxSurgeReplicas or maxSurgePercentage, not both'],
		[{ dedicatedResources: { machineSpec: machines }, rolloutOptions: { maxUnavailablePercentage: 101 } }, 'maxUnavailablePercentage must be a whole number between 0 and 100'],
	])('refuses bad preview values before any request (%#)', async (deployedModel, words) => {
		expect((await refusal(() => client.deployModel(deployOf(deployedModel, { apiVersion: 'v1beta1' })))).message).toContain(words);
	});

	it('refuses every hostile pool and reservation name before any request, naming the field', async () => {
		const hostile = [...HOSTILE.filter((value) => value.trim() !== ''), 'my-pool#x', 'my-pool/../x', 'projects/my-proj/locations/us-central1/deploymentResourcePools/../x'];
		for (const value of hostile) {
			// A pool name is trimmed as typed names are (" a" is the pool "a"); every other hostile value is refused.
			if (value.trim() === value) {
				expect((await refusal(() => client.deployModel(deployOf({ sharedResources: value })))).field).toBe('deployedModel.sharedResources');
			}
			const affinity = { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [value] };
			const error = await refusal(() => client.deployModel(deployOf({ dedicatedResources: { machineSpec: { ...machines, reservationAffinity: affinity } } })));
			expect(error.field).toBe('deployedModel.dedicatedResources.machineSpec.reservationAffinity.values[0]');
		}
	});

	it('refuses an unknown API version', async () => {
		expect((await refusal(() => client.deployModel(deployOf({ dedicatedResources: { machineSpec: machines } }, { apiVersion: 'v2' })))).field).toBe('apiVersion');
	});
});

describe('additional fields', () => {
	it('are merged into the deploy body, the named fields winning, and checked in the version used', async () => {
		await client.deployModel(
			deployOf(
				{ dedicatedResources: { machineSpec: machines, minReplicaCount: 1 } },
				{ additionalFields: { deployedModel: { enableAccessLogging: true, dedicatedResources: { minReplicaCount: 9, spot: true } } } },
			),
		);
		const body = lastBody(/:deployModel$/);
		expect(body.deployedModel.enableAccessLogging).toBe(true);
		expect(body.deployedModel.dedicatedResources).toMatchObject({ minReplicaCount: 1, spot: true });
		const error = await refusal(() =>
			client.deployModel(deployOf({ dedicatedResources: { machineSpec: machines } }, { additionalFields: { deployedModel: { dedicatedResources: { initialReplicaCount: 1 } } } })),
		);
		expect(error.message).toContain('initialReplicaCount is not a field of DedicatedResources in API v1; it exists in the preview API (v1beta1)');
		expect(error.field).toBe('additionalFields');
	});

	it('refuses a pool given there beside the named machines, before any request', async () => {
		const error = await refusal(() =>
			client.deployModel(deployOf({ dedicatedResources: { machineSpec: machines } }, { additionalFields: { deployedModel: { sharedResources: `${PARENT}/deploymentResourcePools/p` } } })),
		);
		expect(error.message).toContain('deployedModel.sharedResources cannot be given with deployedModel.dedicatedResources');
	});

	it('reach the upload and create bodies with CMEK and labels', async () => {
		await client.uploadModel({
			model: { displayName: 'm', containerSpec: { imageUri: 'img' }, encryptionSpec: { kmsKeyName: KMS } },
			additionalFields: { model: { versionDescription: 'from JSON', containerSpec: { imageUri: 'ignored' } } },
		});
		expect(lastBody(/models:upload$/).model).toEqual({
			displayName: 'm',
			versionDescription: 'from JSON',
			containerSpec: { imageUri: 'img' },
			encryptionSpec: { kmsKeyName: KMS },
		});
		await client.createEndpoint({
			endpointId: 'e1',
			endpoint: { displayName: 'e', labels: { team: 'ml' }, encryptionSpec: { kmsKeyName: KMS } },
			additionalFields: { description: 'from JSON' },
		});
		expect(lastBody(/\/endpoints$/)).toEqual({
			displayName: 'e',
			description: 'from JSON',
			labels: { team: 'ml' },
			dedicatedEndpointEnabled: true,
			encryptionSpec: { kmsKeyName: KMS },
		});
	});

	it('refuse a misspelled field or a wrong type on upload and create, and a bad KMS key name', async () => {
		expect(
			(await refusal(() => client.uploadModel({ model: { displayName: 'm', containerSpec: { imageUri: 'i' } }, additionalFields: { model: { lables: {} } } }))).message,
		).toContain('model.lables is not a field of Model in API v1: did you mean "labels"?');
		expect((await refusal(() => client.createEndpoint({ endpoint: { displayName: 'e' }, additionalFields: { labels: 'x' } }))).message).toContain(
			'labels must be a JSON object (a map)',
		);
		expect((await refusal(() => client.createEndpoint({ endpoint: { displayName: 'e', encryptionSpec: { kmsKeyName: 'my-key' } } }))).message).toContain(
			'kmsKeyName "my-key" is not a Cloud KMS key name',
		);
		const elsewhere = 'projects/my-proj/locations/europe-west4/keyRings/r/cryptoKeys/k';
		const error = await refusal(() => client.createEndpoint({ endpoint: { displayName: 'e', encryptionSpec: { kmsKeyName: elsewhere } } }));
		expect(error.message).toContain('is a key in "europe-west4": the key must be in the resource\'s location, "us-central1"');
		expect(error.field).toBe('endpoint.encryptionSpec.kmsKeyName');
	});
});
