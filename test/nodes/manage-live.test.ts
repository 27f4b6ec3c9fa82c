/**
 * Live changes and deployment resource pools in the Vertex AI Manage node, through n8n-core's WorkflowExecute against
 * the emulator: Endpoint > Update, Model > Update, Deployed Model > Update and the Deployment Resource Pool
 * operations, what they leave behind (read back with GET), and their refusals before any request.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DEPLOY_MODEL, UPLOAD_MODEL } from '../../lib';
import { VertexAiManage } from '../../nodes/VertexAiManage/VertexAiManage.node';
import { callListSearch, chain, sourceNode, type TestNode, type WorkflowRunResult } from '../harness/n8n-engine';
import { TYPE, countRequests, credentialTypes, emulatorWithCredential, expectNoSecrets, locator, readResource, requestsCounted, runNodes, type NodeEnv } from './support';

let env: NodeEnv;
const wait = { timeoutMs: 30_000, initialDelayMs: 20, maxDelayMs: 100 };

function manage(parameters: INodeParameters): TestNode {
	return { name: 'Manage', type: TYPE.manage, parameters };
}

async function run(node: TestNode): Promise<WorkflowRunResult> {
	const result = await runNodes(env, { nodes: [sourceNode('Start', [{}]), node], connections: chain('Start', node.name) });
	await expectNoSecrets(env, result);
	return result;
}

async function output(node: TestNode): Promise<IDataObject[]> {
	const result = await run(node);
	expect(result.error?.message).toBeUndefined();
	return result.lastNodeJson('Manage');
}

async function upload(modelId: string, parentModel?: string) {
	const { operation } = await env.client().uploadModel({
		modelId: parentModel ? undefined : modelId,
		parentModel,
		model: { displayName: modelId, containerSpec: { imageUri: env.emulator.builtInImage, invokeRoutePrefix: '/*', healthRoute: '/health' } },
	});
	return (await env.client().waitForResult(UPLOAD_MODEL, operation!, wait)).result;
}

beforeAll(async () => {
	env = await emulatorWithCredential();
	await upload('live-model');
	await upload('live-model', 'live-model');
	const { operation } = await env.client().createEndpoint({ endpointId: 'live-ep', endpoint: { displayName: 'live-ep', labels: { team: 'a' } } });
	await env.client().waitForOperation(operation!, wait);
}, 60_000);

afterAll(async () => {
	await env?.close();
});

describe('Endpoint > Update', () => {
	it('changes only the fields added, and the endpoint shows them', async () => {
		const [endpoint] = await output(
			manage({ resource: 'endpoint', operation: 'update', endpoint: locator('live-ep'), updateFields: { displayName: 'renamed', description: 'serves the live tests' } }),
		);
		expect(endpoint).toMatchObject({ endpointId: 'live-ep', displayName: 'renamed', description: 'serves the live tests', labels: { team: 'a' } });
		const after = await env.client().getEndpoint('live-ep');
		expect(after).toMatchObject({ displayName: 'renamed', description: 'serves the live tests', labels: { team: 'a' } });
	});

	it('sets labels, the inference timeout and request-response logging to BigQuery', async () => {
		await output(
			manage({
				resource: 'endpoint',
				operation: 'update',
				endpoint: locator('live-ep'),
				updateFields: {
					labels: { label: [{ key: 'env', value: 'prod' }] },
					inferenceTimeoutSeconds: 900,
					requestResponseLogging: 'on',
					loggingSamplingRate: 0.5,
					loggingBigQueryUri: 'bq://test-project.logs.requests',
				},
			}),
		);
		const after = await env.client().getEndpoint('live-ep');
		expect(after.labels).toEqual({ env: 'prod' });
		expect(after.displayName).toBe('renamed');
		expect(after.clientConnectionConfig).toEqual({ inferenceTimeout: '900s' });
		expect(after.predictRequestResponseLoggingConfig).toEqual({ enabled: true, samplingRate: 0.5, bigqueryDestination: { outputUri: 'bq://test-project.logs.requests' } });
	});

	it.each([
		[{ requestResponseLogging: 'on', loggingSamplingRate: 1 }, 'Logging BigQuery Destination'],
		[{ requestResponseLogging: 'on', loggingSamplingRate: 0, loggingBigQueryUri: 'bq://test-project' }, 'Logging Sampling Rate'],
		[{ loggingBigQueryUri: 'bq://test-project' }, 'Logging BigQuery Destination'],
		[{ requestResponseLogging: 'on', loggingSamplingRate: 1, loggingBigQueryUri: 'gs://bucket' }, 'Logging BigQuery Destination'],
		[{}, 'Update Fields'],
	])('refuses %j before any request, naming %s', async (updateFields, parameter) => {
		const counter = countRequests(env, 'PATCH', '/v1/projects/*');
		const result = await run(manage({ resource: 'endpoint', operation: 'update', endpoint: locator('live-ep'), updateFields }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.description).toContain(parameter);
		expect(await requestsCounted(env, counter)).toBe(0);
	});
});

describe('Model > Update', () => {
	it("renames the model and relabels it with a mask of those fields", async () => {
		const [model] = await output(
			manage({ resource: 'model', operation: 'update', model: locator('live-model'), updateFields: { displayName: 'Live model', labels: { label: [{ key: 'stage', value: 'beta' }] } } }),
		);
		expect(model).toMatchObject({ modelId: 'live-model', displayName: 'Live model', labels: { stage: 'beta' } });
	});

	it('adds and removes aliases on the version named, keeping the others', async () => {
		const [added] = await output(
			manage({ resource: 'model', operation: 'update', model: locator('live-model@2'), updateFields: { addVersionAliases: ['canary', 'beta'] } }),
		);
		expect(added.versionAliasChange).toMatchObject({ version: expect.stringMatching(/models\/live-model@2$/), added: ['canary', 'beta'], removed: [] });
		const [removed] = await output(
			manage({ resource: 'model', operation: 'update', model: locator('live-model@2'), updateFields: { removeVersionAliases: ['canary', 'never-held'] } }),
		);
		expect(removed.versionAliasChange).toMatchObject({ removed: ['canary'], unchanged: ['never-held'] });
		expect((await env.client().getModel('live-model@2')).versionAliases).toEqual(['beta']);
		expect((await env.client().getModel('live-model@1')).versionAliases).toEqual(['default']);
	});

	it('refuses removing "default" before any request', async () => {
		const counter = countRequests(env, 'POST', '/v1/projects/*');
		const result = await run(manage({ resource: 'model', operation: 'update', model: locator('live-model'), updateFields: { removeVersionAliases: ['default'] } }));
		expect(result.error?.description).toContain('Remove Version Aliases');
		expect(await requestsCounted(env, counter)).toBe(0);
	});
});

describe('Deployed Model > Update', () => {
	let deployedModelId: string;

	beforeAll(async () => {
		const { operation } = await env.client().deployModel({
			endpoint: 'live-ep',
			model: 'live-model',
			deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1, maxReplicaCount: 2 } },
		});
		deployedModelId = (await env.client().waitForResult(DEPLOY_MODEL, operation!, wait)).result.deployedModelId;
	}, 30_000);

	it('refuses Max Replicas below the current Min Replicas before sending the change', async () => {
		const counter = countRequests(env, 'POST', '/v1/projects/*');
		const result = await run(
			manage({ resource: 'deployedModel', operation: 'update', endpoint: locator('live-ep'), deployedModel: locator(deployedModelId), updateFields: { minReplicaCount: 3 } }),
		);
		expect(result.error?.message).toMatch(/its maxReplicaCount is 2/);
		expect(result.error?.description).toContain('Min Replicas');
		expect(await requestsCounted(env, counter)).toBe(0);
	});

	it('changes the replicas and autoscaling of the live deployment and waits for it', async () => {
		const [changed] = await output(
			manage({
				resource: 'deployedModel',
				operation: 'update',
				endpoint: locator('live-ep'),
				deployedModel: locator(deployedModelId),
				updateFields: {
					minReplicaCount: 2,
					maxReplicaCount: 3,
					autoscalingMetrics: { metric: [{ metric: 'aiplatform.googleapis.com/prediction/online/request_count', target: 40 }] },
				},
			}),
		);
		expect(changed).toMatchObject({ endpointId: 'live-ep', deployedModelId, done: true, deployedModel: { dedicatedResources: { minReplicaCount: 2, maxReplicaCount: 3 } } });
		expect(env.emulator.processes().filter((process) => process.deployedModelId === deployedModelId)).toHaveLength(2);
	});
	it('scales a live deployment on the Pub/Sub backlog only through the preview API, chosen explicitly', async () => {
		const pubsub = { metric: [{ metric: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 15, subscriptionId: 'jobs' }] };
		const change = (extra: INodeParameters) =>
			manage({ resource: 'deployedModel', operation: 'update', endpoint: locator('live-ep'), deployedModel: locator(deployedModelId), updateFields: { autoscalingMetrics: pubsub, disableContainerLogging: true }, ...extra });
		const counter = countRequests(env, 'POST', '/v1/projects/*');
		const refused = await run(change({}));
		expect(refused.error?.message).toContain('the Pub/Sub backlog needs Vertex AI\'s preview API (v1beta1): turn on "Use Preview API (v1beta1)"');
		expect(await requestsCounted(env, counter)).toBe(0);
		const [changed] = await output(change({ usePreviewApi: true }));
		expect(changed).toMatchObject({ deployedModelId, done: true });
		const endpoint = (await readResource(env, env.client().endpointName('live-ep'))) as {
			deployedModels: Array<{ id: string; enableContainerLogging?: boolean; dedicatedResources: { autoscalingMetricSpecs: unknown[] } }>;
		};
		const deployed = endpoint.deployedModels.find((entry) => entry.id === deployedModelId);
		expect(deployed?.dedicatedResources.autoscalingMetricSpecs).toEqual([
			{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 15, monitoredResourceLabels: { subscription_id: 'jobs' } },
		]);
		// v1beta1 names container logging the other way round: Disable Container Logging on is enableContainerLogging false.
		expect(deployed?.enableContainerLogging ?? false).toBe(false);
	});
});

describe('Deployment Resource Pool', () => {
	const createPool = (id: string, extra: INodeParameters = {}) =>
		manage({ resource: 'deploymentResourcePool', operation: 'create', deploymentResourcePoolId: id, machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1, minReplicaCount: 1, maxReplicaCount: 2, ...extra });

	it('creates a pool, waits, and shows it on get, list and the list search', async () => {
		const [pool] = await output(createPool('gpu-pool-1', { options: { autoscalingMetrics: { metric: [{ metric: 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle', target: 70 }] } } }));
		expect(pool).toMatchObject({
			deploymentResourcePoolId: 'gpu-pool-1',
			existed: false,
			done: true,
			dedicatedResources: { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 }, minReplicaCount: 1, maxReplicaCount: 2 },
		});
		const [got] = await output(manage({ resource: 'deploymentResourcePool', operation: 'get', deploymentResourcePool: locator('gpu-pool-1') }));
		expect(got).toMatchObject({ deploymentResourcePoolId: 'gpu-pool-1', dedicatedResources: { minReplicaCount: 1, maxReplicaCount: 2 } });
		const listed = await output(manage({ resource: 'deploymentResourcePool', operation: 'getAll', returnAll: true }));
		expect(listed.map((entry) => entry.deploymentResourcePoolId)).toContain('gpu-pool-1');
		const found = await callListSearch(VertexAiManage, 'searchDeploymentResourcePools', env.credentials, { resource: 'deploymentResourcePool', operation: 'get' }, { credentialTypes, path: 'parameters.deploymentResourcePool' });
		expect(found.results).toContainEqual({ name: 'gpu-pool-1 (gpu-pool-1)', value: 'gpu-pool-1' });
	});

	it('creates a pool on specific reservations with required replicas and additional fields, shown on get', async () => {
		const reservation = 'projects/my-project/zones/us-central1-a/reservations/my-l4s';
		const kmsKeyName = `projects/my-project/locations/${env.emulator.location}/keyRings/ring/cryptoKeys/key`;
		const [pool] = await output(
			createPool('reserved-pool', {
				options: {
					reservationAffinity: 'SPECIFIC_RESERVATION',
					reservationNames: reservation,
					requiredReplicaCount: 1,
					// Named parameters win: Min Replicas stays 1 although the additional fields say 2.
					additionalFields: JSON.stringify({ encryptionSpec: { kmsKeyName }, dedicatedResources: { minReplicaCount: 2 } }),
				},
			}),
		);
		expect(pool).toMatchObject({ deploymentResourcePoolId: 'reserved-pool', done: true });
		const [got] = await output(manage({ resource: 'deploymentResourcePool', operation: 'get', deploymentResourcePool: locator('reserved-pool') }));
		expect(got).toMatchObject({
			encryptionSpec: { kmsKeyName },
			dedicatedResources: {
				minReplicaCount: 1,
				requiredReplicaCount: 1,
				machineSpec: {
					reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [reservation] },
				},
			},
		});
		const [other] = await output(createPool('any-reservation-pool', { options: { reservationAffinity: 'NO_RESERVATION' } }));
		expect((other.dedicatedResources as { machineSpec: unknown }).machineSpec).toMatchObject({ reservationAffinity: { reservationAffinityType: 'NO_RESERVATION' } });
	});

	it('creates a pool through the preview API when chosen: the Pub/Sub backlog metric, refused without it naming the switch', async () => {
		const pubsub = { metric: [{ metric: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 10, subscriptionId: 'jobs' }] };
		const refused = await run(createPool('pubsub-pool', { options: { autoscalingMetrics: pubsub } }));
		expect(refused.error?.message).toContain('the Pub/Sub backlog needs Vertex AI\'s preview API (v1beta1): turn on "Use Preview API (v1beta1)" in "Options"');
		const [pool] = await output(createPool('pubsub-pool', { options: { autoscalingMetrics: pubsub, usePreviewApi: true } }));
		expect(pool).toMatchObject({ deploymentResourcePoolId: 'pubsub-pool', done: true });
		const beta = (await readResource(env, env.client().deploymentResourcePoolName('pubsub-pool'))) as {
			dedicatedResources: { autoscalingMetricSpecs: unknown[] };
		};
		expect(beta.dedicatedResources.autoscalingMetricSpecs).toEqual([
			{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 10, monitoredResourceLabels: { subscription_id: 'jobs' } },
		]);
	});

	it('uses the existing pool when asked, and fails naming the option otherwise', async () => {
		const [again] = await output(createPool('gpu-pool-1', { options: { ifExists: 'use' } }));
		expect(again).toMatchObject({ deploymentResourcePoolId: 'gpu-pool-1', existed: true, operationName: null });
		const result = await run(createPool('gpu-pool-1'));
		expect(result.error?.message).toMatch(/already exists/);
	});

	it.each([
		[{ deploymentResourcePoolId: 'Bad_Pool' }, 'Pool ID'],
		[{ minReplicaCount: 3, maxReplicaCount: 2 }, 'Max Replicas'],
		[{ options: { autoscalingMetrics: { metric: [{ metric: 'custom', customMetricName: 'not a metric' }] } } }, 'Metric Name'],
		[{ options: { autoscalingMetrics: { metric: [{ metric: 'pubsub.googleapis.com/subscription/num_undelivered_messages', subscriptionId: 'jobs' }] } } }, 'Autoscaling Metrics'],
		[{ options: { additionalFields: '{"dedicatedResources": {"machineSpec": {"multihostGpuNodeCount": 2}}}' } }, 'Additional Fields (JSON)'],
		[{ options: { reservationNames: 'projects/p/zones/us-central1-a/reservations/r' } }, 'Reservation Names'],
		[{ options: { reservationAffinity: 'SPECIFIC_RESERVATION' } }, 'Reservation Names'],
		[{ options: { requiredReplicaCount: 3 } }, 'Required Replicas'],
		[{ options: { additionalFields: '{"dedicatedResources": {"machineSpec": {"acceleratorTyp": "NVIDIA_L4"}}}' } }, 'Additional Fields (JSON)'],
	])('refuses %j before any request, naming %s', async (extra, parameter) => {
		const counter = countRequests(env, 'POST', '/v1/projects/*');
		const result = await run(createPool('gpu-pool-2', extra));
		expect(result.error?.description).toContain(parameter);
		expect(await requestsCounted(env, counter)).toBe(0);
	});

	it('refuses deleting a pool a deployed model uses, naming it, and sends no delete', async () => {
		const { operation } = await env.client().createEndpoint({ endpointId: 'pool-ep', endpoint: { displayName: 'pool-ep' } });
		await env.client().waitForOperation(operation!, wait);
		const deploy: TestNode = { name: 'Deploy', type: TYPE.deploy, parameters: { endpoint: locator('pool-ep'), model: locator('live-model'), resources: 'pool', deploymentResourcePool: 'gpu-pool-1' } };
		const deployed = await run(deploy);
		expect(deployed.error?.message).toBeUndefined();
		const [{ deployedModelId }] = deployed.lastNodeJson('Deploy') as Array<{ deployedModelId: string }>;
		expect((await env.client().getEndpoint('pool-ep')).deployedModels?.[0]?.sharedResources).toMatch(/\/deploymentResourcePools\/gpu-pool-1$/);

		const deletes = countRequests(env, 'DELETE', '/v1/projects/*');
		const refused = await run(manage({ resource: 'deploymentResourcePool', operation: 'delete', deploymentResourcePool: locator('gpu-pool-1') }));
		expect(refused.error?.message).toMatch(/is still used by 1 deployed model: .*endpoints\/pool-ep \(deployed model \d+\)/);
		expect(refused.error?.message).toContain(deployedModelId);
		expect(refused.error?.message).toContain('Undeploy them first');
		expect(await requestsCounted(env, deletes)).toBe(0);
		await env.client().undeployModels('pool-ep', [deployedModelId], wait);
	}, 60_000);

	it('deletes an unused pool', async () => {
		const [deleted] = await output(manage({ resource: 'deploymentResourcePool', operation: 'delete', deploymentResourcePool: locator('gpu-pool-1') }));
		expect(deleted).toMatchObject({ deploymentResourcePoolId: 'gpu-pool-1', deleted: true, done: true });
		const result = await run(manage({ resource: 'deploymentResourcePool', operation: 'get', deploymentResourcePool: locator('gpu-pool-1') }));
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
	});
});
