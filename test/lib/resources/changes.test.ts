/** Live changes and deployment resource pools through the facade against a loopback server: the request each call
 *  sends (its update mask made of exactly the fields given), the checks made before anything is sent, and the typed
 *  operation results. */
import type { ServerResponse } from 'node:http';

import {
	closeSharedAgent,
	CREATE_DEPLOYMENT_RESOURCE_POOL,
	MUTATE_DEPLOYED_MODEL,
	VertexClient,
	VertexValidationError,
	whatWasSent,
} from '../support/lib-internals';
import { clientOfFake, FakeGoogle, sendJson, type RecordedRequest } from '../support/fakeGoogle';

let fake: FakeGoogle;
let client: VertexClient;
const PARENT = 'projects/my-proj/locations/us-central1';
const OPERATION = { name: 'projects/123456789012/locations/us-central1/operations/42' };

/** The model version the fake answers with, and the pool's users. */
let version: Record<string, unknown>;
let poolUsers: Array<Record<string, string>>;

function requests(method: string, path: RegExp): RecordedRequest[] {
	return fake.apiRequests.filter((request) => request.method === method && path.test(request.path));
}
function bodyOf(request: RecordedRequest): Record<string, unknown> {
	return JSON.parse(request.body) as Record<string, unknown>;
}
function echo(request: RecordedRequest, response: ServerResponse): void {
	sendJson(response, 200, { name: request.path.slice(4).split(':')[0], ...bodyOf(request) });
}

beforeAll(async () => {
	fake = await FakeGoogle.start();
	fake.route('PATCH', /\/endpoints\/[^/:]+$/, echo);
	fake.route('GET', /\/endpoints\/e1$/, (_request, response) =>
		sendJson(response, 200, {
			name: `${PARENT}/endpoints/e1`,
			deployedModels: [
				{ id: '111', dedicatedResources: { machineSpec: { machineType: 'g2-standard-12' }, minReplicaCount: 2, maxReplicaCount: 4 } },
				{ id: '222', sharedResources: `${PARENT}/deploymentResourcePools/pool-a` },
			],
		}),
	);
	fake.route('POST', /:mutateDeployedModel$/, (_request, response) => sendJson(response, 200, OPERATION));
	fake.route('PATCH', /\/models\/[^/:]+$/, echo);
	fake.route('GET', /\/models\/[^/:]+$/, (_request, response) => sendJson(response, 200, version));
	fake.route('POST', /:mergeVersionAliases$/, (request, response) => {
		const changes = (bodyOf(request).versionAliases as string[]) ?? [];
		const held = new Set(version.versionAliases as string[]);
		for (const change of changes) change.startsWith('-') ? held.delete(change.slice(1)) : held.add(change);
		sendJson(response, 200, { ...version, versionAliases: [...held] });
	});
	fake.route('POST', /\/deploymentResourcePools$/, (_request, response) => sendJson(response, 200, OPERATION));
	fake.route('GET', /\/deploymentResourcePools$/, (_request, response) =>
		sendJson(response, 200, { deploymentResourcePools: [{ name: `${PARENT}/deploymentResourcePools/pool-a` }] }),
	);
	fake.route('GET', /:queryDeployedModels$/, (_request, response) => sendJson(response, 200, { deployedModelRefs: poolUsers }));
	fake.route('GET', /\/deploymentResourcePools\/[^/:]+$/, (request, response) => sendJson(response, 200, { name: request.path.slice(4) }));
	fake.route('DELETE', /\/deploymentResourcePools\/[^/:]+$/, (_request, response) => sendJson(response, 200, OPERATION));
	client = clientOfFake(fake);
});

beforeEach(() => {
	fake.apiRequests.length = 0;
	version = { name: `${PARENT}/models/m1@2`, versionId: '2', versionAliases: ['default', 'prod'] };
	poolUsers = [];
});

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

async function refusal(call: Promise<unknown>): Promise<VertexValidationError> {
	const error = await call.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(VertexValidationError);
	return error as VertexValidationError;
}

describe('update endpoint', () => {
	it('sends exactly the fields given, with an update mask of those fields', async () => {
		await client.updateEndpoint({ endpoint: 'e1', displayName: 'renamed', labels: { env: 'prod' } });
		const [patch] = requests('PATCH', /endpoints\/e1$/);
		expect(patch.query.get('updateMask')).toBe('displayName,labels');
		expect(bodyOf(patch)).toEqual({ displayName: 'renamed', labels: { env: 'prod' } });
	});

	it('sends the inference timeout as clientConnectionConfig and request/response logging whole', async () => {
		await client.updateEndpoint({
			endpoint: 'e1',
			inferenceTimeout: 900,
			requestResponseLogging: { enabled: true, samplingRate: 0.25, bigqueryDestination: { outputUri: 'bq://my-proj.logs.requests' } },
		});
		const [patch] = requests('PATCH', /endpoints\/e1$/);
		expect(patch.query.get('updateMask')).toBe('clientConnectionConfig,predictRequestResponseLoggingConfig');
		expect(bodyOf(patch)).toEqual({
			clientConnectionConfig: { inferenceTimeout: '900s' },
			predictRequestResponseLoggingConfig: { enabled: true, samplingRate: 0.25, bigqueryDestination: { outputUri: 'bq://my-proj.logs.requests' } },
		});
	});

	it.each([
		[{ endpoint: 'e1' }, 'input', /Nothing to update/],
		[{ endpoint: 'e1', requestResponseLogging: { enabled: true, samplingRate: 0, bigqueryDestination: { outputUri: 'bq://my-proj' } } }, 'requestResponseLogging.samplingRate', /above 0/],
		[{ endpoint: 'e1', requestResponseLogging: { enabled: true, samplingRate: 1.5, bigqueryDestination: { outputUri: 'bq://my-proj' } } }, 'requestResponseLogging.samplingRate', /at most 1/],
		[{ endpoint: 'e1', requestResponseLogging: { enabled: true, samplingRate: 1 } }, 'requestResponseLogging.bigqueryDestination', /required when/],
		[{ endpoint: 'e1', requestResponseLogging: { enabled: true, samplingRate: 1, bigqueryDestination: { outputUri: 'gs://bucket/x' } } }, 'requestResponseLogging.bigqueryDestination.outputUri', /bq:\/\/project/],
		[{ endpoint: 'e1', inferenceTimeout: '2h' }, 'inferenceTimeout', /between 1 and 3600/],
		[{ endpoint: 'e1', labels: { Env: 'x' } }, 'labels.Env', /Label key/],
	])('refuses %j before sending (%s)', async (input, field, message) => {
		const error = await refusal(client.updateEndpoint(input as never));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(requests('PATCH', /./)).toHaveLength(0);
	});
});

describe('mutate deployed model', () => {
	it('reads the endpoint, then sends the changed dedicated resources and container logging with their mask', async () => {
		const operation = await client.mutateDeployedModel({
			endpoint: 'e1',
			deployedModelId: '111',
			maxReplicaCount: 8,
			autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 40 }],
			disableContainerLogging: true,
		});
		expect(operation.name).toBe(OPERATION.name);
		const [post] = requests('POST', /:mutateDeployedModel$/);
		expect(post.path).toBe(`/v1/${PARENT}/endpoints/e1:mutateDeployedModel`);
		expect(bodyOf(post)).toEqual({
			deployedModel: {
				id: '111',
				dedicatedResources: {
					maxReplicaCount: 8,
					autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 40 }],
				},
				disableContainerLogging: true,
			},
			updateMask: 'dedicatedResources.maxReplicaCount,dedicatedResources.autoscalingMetricSpecs,disableContainerLogging',
		});
	});

	it('in v1beta1 when chosen: the Pub/Sub labels, and container logging by its v1beta1 name (enableContainerLogging)', async () => {
		const pubsub = { metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 5, monitoredResourceLabels: { subscription_id: 'jobs' } };
		const error = await refusal(client.mutateDeployedModel({ endpoint: 'e1', deployedModelId: '111', autoscalingMetricSpecs: [pubsub] }));
		expect(error.field).toBe('autoscalingMetricSpecs[0].monitoredResourceLabels');
		expect(error.suggestion).toEqual({ field: 'apiVersion', value: 'v1beta1' });
		expect(requests('POST', /:mutateDeployedModel$/)).toHaveLength(0);
		await client.mutateDeployedModel({ endpoint: 'e1', deployedModelId: '111', autoscalingMetricSpecs: [pubsub], disableContainerLogging: true, apiVersion: 'v1beta1' });
		const [post] = requests('POST', /:mutateDeployedModel$/);
		expect(post.path).toBe(`/v1beta1/${PARENT}/endpoints/e1:mutateDeployedModel`);
		expect(bodyOf(post)).toEqual({
			deployedModel: { id: '111', dedicatedResources: { autoscalingMetricSpecs: [pubsub] }, enableContainerLogging: false },
			updateMask: 'dedicatedResources.autoscalingMetricSpecs,enableContainerLogging',
		});
	});

	it.each([
		// The last column: whether the endpoint had been read when the change was refused.
		[{ deployedModelId: '111' }, 'input', /Nothing to change/, false],
		[{ deployedModelId: '111', minReplicaCount: 0 }, 'minReplicaCount', />= 1/, false],
		[{ deployedModelId: '111', minReplicaCount: 3, maxReplicaCount: 2 }, 'maxReplicaCount', /must be >= minReplicaCount/, false],
		[{ deployedModelId: '111', minReplicaCount: 5 }, 'minReplicaCount', /its maxReplicaCount is 4/, true],
		[{ deployedModelId: '111', maxReplicaCount: 1 }, 'maxReplicaCount', /its minReplicaCount is 2/, true],
		[{ deployedModelId: '111', requiredReplicaCount: 3 }, 'requiredReplicaCount', /cannot exceed/, true],
		[{ deployedModelId: '999', minReplicaCount: 1 }, 'deployedModelId', /not on endpoint .*111, 222/, true],
		[{ deployedModelId: '222', minReplicaCount: 1 }, 'minReplicaCount', /shared pool .*pool-a/, true],
	])('refuses %j before sending (%s)', async (input, field, message, readsSent) => {
		const error = await refusal(client.mutateDeployedModel({ endpoint: 'e1', ...input }));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(error.readsSent).toBe(readsSent);
		expect(requests('GET', /endpoints\/e1$/)).toHaveLength(readsSent ? 1 : 0);
		expect(requests('POST', /:mutateDeployedModel$/)).toHaveLength(0);
	});

	it('reads the changed deployed model from the finished operation', () => {
		const done = { ...OPERATION, done: true, response: { deployedModel: { id: '111', dedicatedResources: { maxReplicaCount: 8 } } } };
		expect(MUTATE_DEPLOYED_MODEL.resultOf(done)).toMatchObject({ id: '111', dedicatedResources: { maxReplicaCount: 8 } });
	});
});

describe('undeploy several models', () => {
	it('says a refusal of the first changed nothing, and one after an earlier undeploy that something was changed', async () => {
		fake.route('POST', /\/endpoints\/e1:undeployModel$/, (_request, response) => sendJson(response, 200, { ...OPERATION, done: true, response: {} }));
		const first = await refusal(client.undeployModels('e1', ['999', '111']));
		expect([first.field, first.readsSent, first.changesSent]).toEqual(['deployedModelId', true, false]);
		expect(requests('POST', /:undeployModel$/)).toHaveLength(0);

		const later = await refusal(client.undeployModels('e1', ['111', '999']));
		expect(later.message).toMatch(/999 is not on endpoint/);
		expect([later.field, later.readsSent, later.changesSent]).toEqual(['deployedModelId', true, true]);
		expect(whatWasSent(later)).toBe('Earlier steps had already changed something: check the resource before trying again.');
		expect(requests('POST', /:undeployModel$/)).toHaveLength(1);
	});
});

describe('update model', () => {
	it('patches the model itself with a mask of the fields given', async () => {
		const { model } = await client.updateModel({ model: 'm1@2', displayName: 'new name', description: '' });
		const [patch] = requests('PATCH', /models\//);
		expect(patch.path).toBe(`/v1/${PARENT}/models/m1`);
		expect(patch.query.get('updateMask')).toBe('displayName,description');
		expect(bodyOf(patch)).toEqual({ displayName: 'new name', description: '' });
		expect(model.displayName).toBe('new name');
		expect(requests('POST', /mergeVersionAliases/)).toHaveLength(0);
	});

	it('merges only the aliases that change on the version, keeping the ones not named', async () => {
		const { versionAliases } = await client.updateModel({ model: 'm1@prod', addVersionAliases: ['canary', 'prod'], removeVersionAliases: ['old'] });
		const [merge] = requests('POST', /mergeVersionAliases/);
		expect(merge.path).toBe(`/v1/${PARENT}/models/m1@2:mergeVersionAliases`);
		expect(bodyOf(merge)).toEqual({ versionAliases: ['canary'] });
		expect(versionAliases).toEqual({
			version: `${PARENT}/models/m1@2`,
			added: ['canary'],
			removed: [],
			unchanged: ['prod', 'old'],
			versionAliases: ['default', 'prod', 'canary'],
		});
	});

	it('removes with a "-" prefix and sends nothing when nothing would change', async () => {
		await client.updateModel({ model: 'm1', removeVersionAliases: ['prod'] });
		expect(bodyOf(requests('POST', /mergeVersionAliases/)[0])).toEqual({ versionAliases: ['-prod'] });
		fake.apiRequests.length = 0;
		await client.updateModel({ model: 'm1', addVersionAliases: ['default'] });
		expect(requests('POST', /mergeVersionAliases/)).toHaveLength(0);
	});

	it.each([
		[{ model: 'm1' }, 'input', /Nothing to update/],
		[{ model: 'm1', addVersionAliases: ['Bad_alias'] }, 'addVersionAliases[0]', /not valid/],
		[{ model: 'm1', addVersionAliases: ['a1'], removeVersionAliases: ['a1'] }, 'removeVersionAliases', /both name a1/],
		[{ model: 'm1', removeVersionAliases: ['default'] }, 'removeVersionAliases', /exactly one default/],
		[{ model: 'm1', displayName: '' }, 'displayName', /required/],
	])('refuses %j before sending (%s)', async (input, field, message) => {
		const error = await refusal(client.updateModel(input));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(error.readsSent).toBe(false);
		expect(fake.apiRequests).toHaveLength(0);
	});
});

describe('deployment resource pools', () => {
	const pool = {
		dedicatedResources: {
			machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 },
			minReplicaCount: 1,
			maxReplicaCount: 3,
		},
	};

	it('creates under the chosen id, both in the body', async () => {
		const { operation } = await client.createDeploymentResourcePool({ deploymentResourcePoolId: 'gpu-pool-1', deploymentResourcePool: pool });
		expect(operation?.name).toBe(OPERATION.name);
		const [post] = requests('POST', /deploymentResourcePools$/);
		expect(post.path).toBe(`/v1/${PARENT}/deploymentResourcePools`);
		expect(bodyOf(post)).toEqual({ deploymentResourcePoolId: 'gpu-pool-1', deploymentResourcePool: pool });
	});

	it.each([
		[{ deploymentResourcePoolId: 'Pool_1', deploymentResourcePool: pool }, 'deploymentResourcePoolId', /not valid/],
		[{ deploymentResourcePoolId: 'p1', deploymentResourcePool: { dedicatedResources: { ...pool.dedicatedResources, maxReplicaCount: 0 } } }, 'deploymentResourcePool.dedicatedResources.maxReplicaCount', /./],
		[{ deploymentResourcePoolId: 'p1', deploymentResourcePool: { ...pool, machineType: 'x' } }, 'deploymentResourcePool.machineType', /not a known field/],
	])('refuses a bad pool before sending (%#)', async (input, field, message) => {
		const error = await refusal(client.createDeploymentResourcePool(input as never));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(fake.apiRequests).toHaveLength(0);
	});

	it('gets and lists (the list sends no filter)', async () => {
		expect((await client.getDeploymentResourcePool('pool-a')).name).toBe(`${PARENT}/deploymentResourcePools/pool-a`);
		const { deploymentResourcePools } = await client.listDeploymentResourcePools({ pageSize: 5 });
		expect(deploymentResourcePools).toHaveLength(1);
		expect(requests('GET', /deploymentResourcePools$/)[0].query.get('filter')).toBeNull();
	});

	it('refuses to delete a pool deployed models use, naming them; deletes an unused one', async () => {
		poolUsers = [{ endpoint: `${PARENT}/endpoints/e1`, deployedModelId: '222' }];
		const error = await refusal(client.deleteDeploymentResourcePool('pool-a'));
		expect(error.message).toMatch(/still used by 1 deployed model: .*endpoints\/e1 \(deployed model 222\)/);
		expect(error.readsSent).toBe(true);
		expect(requests('DELETE', /./)).toHaveLength(0);
		poolUsers = [];
		expect((await client.deleteDeploymentResourcePool('pool-a')).name).toBe(OPERATION.name);
		expect(requests('DELETE', /./)[0].path).toBe(`/v1/${PARENT}/deploymentResourcePools/pool-a`);
	});

	it('names a pool by id or full name, and refuses another kind of name', async () => {
		expect(client.deploymentResourcePoolName(`${PARENT}/deploymentResourcePools/p2`)).toBe(`${PARENT}/deploymentResourcePools/p2`);
		expect(() => client.deploymentResourcePoolName(`${PARENT}/endpoints/e1`)).toThrow(/is an endpoint name, not a deployment resource pool name/);
		expect(CREATE_DEPLOYMENT_RESOURCE_POOL.resultOf({ ...OPERATION, done: true, response: { name: `${PARENT}/deploymentResourcePools/p2` } }).name).toMatch(/p2$/);
	});
});
