/** Models and endpoints through the facade against a loopback server: request shapes, 409 handling,
 *  traffic splits, validation before any request, dedicated DNS, and invoke's data-plane base. */
import type { ServerResponse } from 'node:http';

import {
	closeSharedAgent,
	dedicatedInvokeBaseUrl,
	TokenHostPolicy,
	VertexApiError,
	VertexClient,
	VertexOperationError,
	VertexValidationError,
} from '../support/lib-internals';
import { clientOfFake, FakeGoogle, sendGoogleError, sendJson, type RecordedRequest } from '../support/fakeGoogle';

let fake: FakeGoogle;
let client: VertexClient;
const PARENT = 'projects/my-proj/locations/us-central1';
const OPERATION = { name: 'projects/123456789012/locations/us-central1/operations/42' };

/** Endpoints the fake knows, by id. */
const endpoints = new Map<string, Record<string, unknown>>();

function lastRequest(method: string, path: RegExp): RecordedRequest {
	const found = fake.apiRequests.filter((request) => request.method === method && path.test(request.path)).pop();
	if (!found) throw new Error(`no ${method} ${path}`);
	return found;
}

function bodyOf(request: RecordedRequest): Record<string, unknown> {
	return JSON.parse(request.body) as Record<string, unknown>;
}

function endpointGet(request: RecordedRequest, response: ServerResponse): void {
	const id = request.path.split('/').pop() as string;
	const endpoint = endpoints.get(id);
	if (!endpoint) return sendGoogleError(response, 404, 'NOT_FOUND', `endpoint "${request.path.slice(4)}" not found`);
	sendJson(response, 200, { name: `projects/123456789012/locations/us-central1/endpoints/${id}`, ...endpoint });
}

beforeAll(async () => {
	fake = await FakeGoogle.start();
	fake.route('POST', /\/models:upload$/, (_request, response) => sendJson(response, 200, OPERATION));
	fake.route('GET', /\/models$/, (request, response) =>
		sendJson(response, 200, {
			models: [{ name: `${PARENT}/models/m1`, displayName: 'one', futureField: { kept: true } }],
			...(request.query.get('pageToken') ? {} : { nextPageToken: 'page-2' }),
		}),
	);
	fake.route('GET', /\/models\/[^/]+$/, (request, response) => sendJson(response, 200, { name: request.path.slice(4), displayName: 'm' }));
	fake.route('DELETE', /\/models\/[^/]+$/, (_request, response) => sendJson(response, 200, { ...OPERATION, done: true, response: {} }));
	fake.route('POST', /\/endpoints$/, (request, response) => {
		const id = request.query.get('endpointId') ?? '';
		if (endpoints.has(id)) return sendGoogleError(response, 409, 'ALREADY_EXISTS', `Endpoint ${id} already exists.`);
		endpoints.set(id, { ...bodyOf(request) });
		sendJson(response, 200, OPERATION);
	});
	fake.route('GET', /\/endpoints\/[^/:]+$/, endpointGet);
	fake.route('POST', /:deployModel$/, (_request, response) => sendJson(response, 200, OPERATION));
	fake.route('POST', /:undeployModel$/, (_request, response) => sendJson(response, 200, OPERATION));
	fake.route('POST', /\/invoke\/.*$/, (request, response) => sendJson(response, 200, { path: request.path, got: request.body }));
	client = clientOfFake(fake);
});

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

describe('models', () => {
	it('uploads an invoke-enabled model with JSON names, int64 as string and durations as "Ns"', async () => {
		const { operation } = await client.uploadModel({
			modelId: 'my-model',
			model: {
				displayName: 'invoke-enabled-model',
				labels: { team: 'ml' },
				containerSpec: {
					imageUri: 'us-docker.pkg.dev/my-proj/repo/server:latest',
					env: [{ name: 'KEY', value: 'VALUE' }],
					ports: [{ containerPort: 8080 }],
					healthRoute: '/health',
					predictRoute: '',
					invokeRoutePrefix: '/*',
					deploymentTimeout: 3600,
					sharedMemorySizeMb: 4096,
				},
			},
		});
		expect(operation?.name).toBe(OPERATION.name);
		const request = lastRequest('POST', /models:upload$/);
		expect(request.path).toBe(`/v1/${PARENT}/models:upload`);
		expect(bodyOf(request)).toEqual({
			modelId: 'my-model',
			model: {
				displayName: 'invoke-enabled-model',
				labels: { team: 'ml' },
				containerSpec: {
					imageUri: 'us-docker.pkg.dev/my-proj/repo/server:latest',
					env: [{ name: 'KEY', value: 'VALUE' }],
					ports: [{ containerPort: 8080 }],
					healthRoute: '/health',
					invokeRoutePrefix: '/*',
					deploymentTimeout: '3600s',
					sharedMemorySizeMb: '4096',
				},
			},
		});
	});

	it('gets by id or full name (with @version), lists with paging and filter, keeps unknown fields', async () => {
		await client.getModel('my-model@2');
		expect(lastRequest('GET', /\/models\/[^/]+$/).path).toBe(`/v1/${PARENT}/models/my-model@2`);
		await client.getModel('projects/123456789012/locations/us-central1/models/5555');
		expect(lastRequest('GET', /\/models\/[^/]+$/).path).toBe('/v1/projects/123456789012/locations/us-central1/models/5555');

		const page = await client.listModels({ pageSize: 10, filter: 'labels.team=ml' });
		expect(page.nextPageToken).toBe('page-2');
		expect(page.models[0]).toMatchObject({ displayName: 'one', futureField: { kept: true } });
		const list = lastRequest('GET', /\/models$/);
		expect(list.query.get('pageSize')).toBe('10');
		expect(list.query.get('filter')).toBe('labels.team=ml');
		const next = await client.listModels({ pageToken: 'page-2' });
		expect(next.nextPageToken).toBeUndefined();
	});

	it('deletes a model and returns the operation', async () => {
		const operation = await client.deleteModel('my-model');
		expect(operation.done).toBe(true);
		expect(lastRequest('DELETE', /\/models\//).path).toBe(`/v1/${PARENT}/models/my-model`);
	});

	it('refuses a full name in another location, naming the field', () => {
		expect(() => client.modelName('projects/p/locations/europe-west4/models/m')).toThrow(
			expect.objectContaining({ field: 'model', message: expect.stringContaining('europe-west4') }),
		);
	});
});

describe('validation happens before any request', () => {
	const cases: Array<[string, () => Promise<unknown>, string]> = [
		[
			'invokeRoutePrefix other than "/*"',
			() => client.uploadModel({ model: { displayName: 'x', containerSpec: { imageUri: 'img', invokeRoutePrefix: '/v1/*' } } }),
			'model.containerSpec.invokeRoutePrefix',
		],
		[
			'invokeRoutePrefix with predictRoute',
			() =>
				client.uploadModel({
					model: { displayName: 'x', containerSpec: { imageUri: 'img', invokeRoutePrefix: '/*', predictRoute: '/predict' } },
				}),
			'model.containerSpec.predictRoute',
		],
		['a bad modelId', () => client.uploadModel({ modelId: 'My_Model', model: { displayName: 'x', containerSpec: { imageUri: 'img' } } }), 'modelId'],
		[
			'a misspelt field',
			() => client.uploadModel({ model: { displayName: 'x', containerSpec: { imageUri: 'img', invokeRoutPrefix: '/*' } as never } }),
			'model.containerSpec.invokeRoutPrefix',
		],
		[
			'inferenceTimeout over 3600s',
			() => client.createEndpoint({ endpointId: 'ep', endpoint: { displayName: 'e', clientConnectionConfig: { inferenceTimeout: '7200s' } } }),
			'endpoint.clientConnectionConfig.inferenceTimeout',
		],
		['an endpointId with a leading zero', () => client.createEndpoint({ endpointId: '0123', endpoint: { displayName: 'e' } }), 'endpointId'],
		[
			'a PSC allowlist entry that is not a project',
			() => client.createEndpoint({ endpoint: { displayName: 'e', privateServiceConnectConfig: { enablePrivateServiceConnect: true, projectAllowlist: ['My Project'] } } }),
			'endpoint.privateServiceConnectConfig.projectAllowlist[0]',
		],
		[
			'a PSC automation network that is not a full network name',
			() =>
				client.createEndpoint({
					endpoint: {
						displayName: 'e',
						privateServiceConnectConfig: { enablePrivateServiceConnect: true, pscAutomationConfigs: [{ projectId: 'my-proj', network: 'default' }] },
					},
				}),
			'endpoint.privateServiceConnectConfig.pscAutomationConfigs[0].network',
		],
		[
			'a PSC automation config without its project',
			() =>
				client.createEndpoint({
					endpoint: {
						displayName: 'e',
						privateServiceConnectConfig: {
							enablePrivateServiceConnect: true,
							pscAutomationConfigs: [{ network: 'projects/my-proj/global/networks/default' } as never],
						},
					},
				}),
			'endpoint.privateServiceConnectConfig.pscAutomationConfigs[0].projectId',
		],
		[
			'a PSC automation project missing from the allowlist',
			() =>
				client.createEndpoint({
					endpoint: {
						displayName: 'e',
						privateServiceConnectConfig: {
							enablePrivateServiceConnect: true,
							projectAllowlist: ['my-proj'],
							pscAutomationConfigs: [{ projectId: 'other-proj', network: 'projects/other-proj/global/networks/default' }],
						},
					},
				}),
			'endpoint.privateServiceConnectConfig.projectAllowlist',
		],
		[
			'VPC peering together with Private Service Connect',
			() =>
				client.createEndpoint({
					endpoint: { displayName: 'e', network: 'projects/1/global/networks/n', privateServiceConnectConfig: { enablePrivateServiceConnect: true } },
				}),
			'endpoint.network',
		],
		[
			'an allowlist with Private Service Connect off',
			() => client.createEndpoint({ endpoint: { displayName: 'e', privateServiceConnectConfig: { enablePrivateServiceConnect: false, projectAllowlist: ['my-proj'] } } }),
			'endpoint.privateServiceConnectConfig.enablePrivateServiceConnect',
		],
		[
			'an unknown accelerator',
			() =>
				client.deployModel({
					endpoint: 'ep',
					model: 'm',
					deployedModel: { dedicatedResources: { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_X1', acceleratorCount: 1 } } },
				}),
			'deployedModel.dedicatedResources.machineSpec.acceleratorType',
		],
		[
			'an accelerator without a count',
			() =>
				client.deployModel({
					endpoint: 'ep',
					model: 'm',
					deployedModel: { dedicatedResources: { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4' } } },
				}),
			'deployedModel.dedicatedResources.machineSpec.acceleratorCount',
		],
		[
			'maxReplicaCount below minReplicaCount',
			() =>
				client.deployModel({
					endpoint: 'ep',
					model: 'm',
					deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 3, maxReplicaCount: 2 } },
				}),
			'deployedModel.dedicatedResources.maxReplicaCount',
		],
		[
			'a traffic split not adding up to 100',
			() =>
				client.deployModel({
					endpoint: 'ep',
					model: 'm',
					deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } },
					trafficSplit: { '0': 50, '111': 40 },
				}),
			'trafficSplit',
		],
		[
			'a traffic split without "0"',
			() =>
				client.deployModel({
					endpoint: 'ep',
					model: 'm',
					deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } },
					trafficSplit: { '111': 100 },
				}),
			'trafficSplit',
		],
		[
			'a fractional traffic share',
			() =>
				client.deployModel({
					endpoint: 'ep',
					model: 'm',
					deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } },
					trafficSplit: { '0': 50.5, '111': 49.5 },
				}),
			'trafficSplit.0',
		],
	];

	it.each(cases)('%s', async (_label, call, field) => {
		const before = fake.requests.length;
		const error = (await call().catch((caught: unknown) => caught)) as VertexValidationError;
		expect(error).toBeInstanceOf(VertexValidationError);
		expect(error.field).toBe(field);
		expect(error.message.length).toBeGreaterThan(20);
		expect(fake.requests).toHaveLength(before);
	});
});

describe('endpoints', () => {
	it('creates a dedicated endpoint with a caller-chosen id', async () => {
		const created = await client.createEndpoint({
			endpointId: 'ep-create',
			endpoint: { displayName: 'dedicated', clientConnectionConfig: { inferenceTimeout: 1800 } },
		});
		expect(created.operation?.name).toBe(OPERATION.name);
		const request = lastRequest('POST', /\/endpoints$/);
		expect(request.query.get('endpointId')).toBe('ep-create');
		expect(bodyOf(request)).toEqual({
			displayName: 'dedicated',
			dedicatedEndpointEnabled: true,
			clientConnectionConfig: { inferenceTimeout: '1800s' },
		});
	});

	it('on 409 returns the existing endpoint with ifExists "use", and explains with "fail"', async () => {
		endpoints.set('ep-exists', { displayName: 'old', dedicatedEndpointEnabled: true });
		const used = await client.createEndpoint({ endpointId: 'ep-exists', ifExists: 'use', endpoint: { displayName: 'new' } });
		expect(used.operation).toBeUndefined();
		expect(used.existing?.displayName).toBe('old');
		expect(used.existing?.name).toBe('projects/123456789012/locations/us-central1/endpoints/ep-exists');

		const error = (await client
			.createEndpoint({ endpointId: 'ep-exists', endpoint: { displayName: 'new' } })
			.catch((caught: unknown) => caught)) as VertexApiError;
		expect(error).toBeInstanceOf(VertexApiError);
		expect(error.httpStatus).toBe(409);
		expect(error.summary).toBe('Endpoint "ep-exists" already exists. Choose another endpointId, or reuse the existing one (ifExists: \'use\').');
		expect(error.context).toBe('HTTP 409 ALREADY_EXISTS, in projects/my-proj/locations/us-central1');
	});

	it('creates a Private Service Connect endpoint with its allowlist and automation configs, without a public DNS unless asked', async () => {
		const privateServiceConnectConfig = {
			enablePrivateServiceConnect: true,
			projectAllowlist: ['my-proj', '123456789012'],
			pscAutomationConfigs: [{ projectId: 'my-proj', network: 'projects/my-proj/global/networks/default' }],
		};
		await client.createEndpoint({ endpointId: 'ep-psc', endpoint: { displayName: 'private', dedicatedEndpointEnabled: false, privateServiceConnectConfig } });
		expect(bodyOf(lastRequest('POST', /\/endpoints$/))).toEqual({ displayName: 'private', dedicatedEndpointEnabled: false, privateServiceConnectConfig });
	});

	it('does not wait for the DNS name of a Private Service Connect endpoint created without one', async () => {
		endpoints.set('ep-psc-wait', { displayName: 'x', privateServiceConnectConfig: { enablePrivateServiceConnect: true } });
		await expect(client.waitForDedicatedEndpointDns('ep-psc-wait', { timeoutMs: 5_000 })).rejects.toThrow(
			/Private Service Connect endpoint without a public DNS name: there is no DNS name to wait for/,
		);
	});

	it('waits until dedicatedEndpointDns is set', async () => {
		endpoints.set('ep-dns', { displayName: 'd', dedicatedEndpointEnabled: true });
		let reads = 0;
		fake.route('GET', /\/endpoints\/ep-dns$/, (request, response) => {
			reads += 1;
			if (reads === 3) endpoints.get('ep-dns')!.dedicatedEndpointDns = 'ep-dns.us-central1-123456789012.prediction.vertexai.goog';
			endpointGet(request, response);
		});
		const ready = await client.waitForDedicatedEndpointDns('ep-dns', { initialDelayMs: 5, maxDelayMs: 10 });
		expect(ready.dedicatedEndpointDns).toBe('ep-dns.us-central1-123456789012.prediction.vertexai.goog');
		expect(reads).toBe(3);
	});

	it('stops waiting for the DNS at the deadline, and refuses a non-dedicated endpoint', async () => {
		endpoints.set('ep-nodns', { displayName: 'd', dedicatedEndpointEnabled: true });
		await expect(client.waitForDedicatedEndpointDns('ep-nodns', { timeoutMs: 50, initialDelayMs: 5 })).rejects.toBeInstanceOf(
			VertexOperationError,
		);
		endpoints.set('ep-shared', { displayName: 's' });
		await expect(client.waitForDedicatedEndpointDns('ep-shared')).rejects.toMatchObject({ field: 'endpoint' });
	});

	it('deploys with a traffic percentage, scaling the other models down proportionally', async () => {
		endpoints.set('ep-traffic', {
			displayName: 't',
			dedicatedEndpointEnabled: true,
			deployedModels: [{ id: '111' }, { id: '222' }],
			trafficSplit: { '111': 70, '222': 30 },
		});
		await client.deployModel({
			endpoint: 'ep-traffic',
			model: 'my-model@1',
			deployedModel: {
				displayName: 'v2',
				dedicatedResources: {
					machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 },
					maxReplicaCount: 2,
				},
			},
			trafficPercentage: 25,
		});
		const request = lastRequest('POST', /:deployModel$/);
		expect(request.path).toBe(`/v1/${PARENT}/endpoints/ep-traffic:deployModel`);
		const body = bodyOf(request);
		// 70:30 of the remaining 75 is 52.5:22.5 -> rounded down 52 + 22, the leftover point to the first model in split order: 53 + 22 + 25 = 100.
		expect(body.trafficSplit).toEqual({ '111': 53, '222': 22, '0': 25 });
		expect(body.deployedModel).toEqual({
			model: `${PARENT}/models/my-model@1`,
			displayName: 'v2',
			dedicatedResources: {
				machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 },
				minReplicaCount: 1,
				maxReplicaCount: 2,
			},
		});
	});

	it('deploys the first model with all the traffic, and passes an explicit split through', async () => {
		endpoints.set('ep-empty', { displayName: 'e', dedicatedEndpointEnabled: true });
		const resources = { machineSpec: { machineType: 'n1-standard-4' } };
		await client.deployModel({ endpoint: 'ep-empty', model: 'm', deployedModel: { dedicatedResources: resources } });
		expect(bodyOf(lastRequest('POST', /:deployModel$/)).trafficSplit).toEqual({ '0': 100 });

		const getsBefore = fake.apiRequests.filter((request) => request.method === 'GET').length;
		await client.deployModel({ endpoint: 'ep-traffic', model: 'm', deployedModel: { dedicatedResources: resources }, trafficSplit: { '0': 10, '111': 90 } });
		expect(bodyOf(lastRequest('POST', /:deployModel$/)).trafficSplit).toEqual({ '0': 10, '111': 90 });
		expect(fake.apiRequests.filter((request) => request.method === 'GET').length).toBe(getsBefore);
	});

	it('undeploys, handing the removed model\'s traffic to the others', async () => {
		await client.undeployModel({ endpoint: 'ep-traffic', deployedModelId: '111' });
		expect(bodyOf(lastRequest('POST', /:undeployModel$/))).toEqual({ deployedModelId: '111', trafficSplit: { '222': 100 } });
	});
});

describe('invoke', () => {
	it('goes to the custom base URL with the endpoint path and the bearer token', async () => {
		const response = await client.invoke({ endpoint: 'ep-traffic', path: '/v1/chat/completions', body: { kind: 'json', value: { stream: false } } });
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			path: `/v1/${PARENT}/endpoints/ep-traffic/invoke/v1/chat/completions`,
			got: '{"stream":false}',
		});
		expect(lastRequest('POST', /\/invoke\//).headers.authorization).toMatch(/^Bearer ya29\.test-token-/);
	});

	it('builds the data-plane base from the endpoint\'s DNS (scheme stripped), and the token never goes to a non-Vertex DNS', async () => {
		const controlPlane = { sender: client.httpSender, baseUrl: fake.url, projectId: 'my-proj', location: 'us-central1' };
		const policy = new TokenHostPolicy([]);
		endpoints.set('ep-dns-ok', {
			displayName: 'x',
			dedicatedEndpointEnabled: true,
			dedicatedEndpointDns: 'https://8123456789.us-central1-123456789012.prediction.vertexai.goog/',
		});
		const base = await dedicatedInvokeBaseUrl(controlPlane, client.endpointName('ep-dns-ok'));
		expect(base).toBe('https://8123456789.us-central1-123456789012.prediction.vertexai.goog');
		expect(() => policy.assertAllowed(`${base}/v1/x/invoke/y`)).not.toThrow();

		endpoints.set('ep-evil', { displayName: 'x', dedicatedEndpointEnabled: true, dedicatedEndpointDns: 'attacker.example.com' });
		const evil = await dedicatedInvokeBaseUrl(controlPlane, client.endpointName('ep-evil'));
		const before = fake.requests.length;
		const error = (await client.httpSender
			.send({ method: 'POST', url: `${evil}/v1/x/invoke/y`, body: 'secret prompt' })
			.catch((caught: unknown) => caught)) as VertexValidationError;
		expect(error).toBeInstanceOf(VertexValidationError);
		expect(error.message).toContain('Refusing to send credentials to "https://attacker.example.com"');
		expect(fake.requests).toHaveLength(before);

		endpoints.set('ep-nodns2', { displayName: 'x', dedicatedEndpointEnabled: true });
		await expect(dedicatedInvokeBaseUrl(controlPlane, client.endpointName('ep-nodns2'))).rejects.toThrow(/no dedicatedEndpointDns yet/);
		// A Private Service Connect endpoint: its public DNS only when it was created with one.
		const psc = { enablePrivateServiceConnect: true, serviceAttachment: 'projects/t/regions/us-central1/serviceAttachments/sa' };
		endpoints.set('ep-psc-only', { displayName: 'x', privateServiceConnectConfig: psc, dedicatedEndpointDns: '1.us-central1-2.prediction.vertexai.goog' });
		await expect(dedicatedInvokeBaseUrl(controlPlane, client.endpointName('ep-psc-only'))).rejects.toMatchObject({
			field: 'privateEndpoint',
			message: expect.stringMatching(/Private Service Connect endpoint without a public DNS name/),
		});
		endpoints.set('ep-psc-public', {
			displayName: 'x',
			privateServiceConnectConfig: psc,
			dedicatedEndpointEnabled: true,
			dedicatedEndpointDns: '1.us-central1-2.prediction.vertexai.goog',
		});
		expect(await dedicatedInvokeBaseUrl(controlPlane, client.endpointName('ep-psc-public'))).toBe('https://1.us-central1-2.prediction.vertexai.goog');
		endpoints.set('ep-shared2', { displayName: 'x' });
		await expect(dedicatedInvokeBaseUrl(controlPlane, client.endpointName('ep-shared2'))).rejects.toThrow(/not a dedicated endpoint/);
	});
});
