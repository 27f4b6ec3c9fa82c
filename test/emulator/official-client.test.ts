/**
 * Google's own Node.js client, @google-cloud/aiplatform, unmodified, on its REST transport, against the
 * emulator: the whole life of an invoke model, the operations mixin, and the errors. Its options are the
 * defaults apart from where the API is (the emulator's regional listener, or a dedicated endpoint's) and
 * the auth client (the emulator's service-account key; the client signs its own JWTs with it).
 */
import { protos, v1 } from '@google-cloud/aiplatform';
import { Gaxios } from 'gaxios';
import { GoogleAuth, JWT } from 'google-auth-library';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { readKey } from './helpers';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/**
 * The auth client: the emulator's key, token requests sent to the emulator (google-auth-library ignores
 * the key's token_uri). Node's own fetch, because gaxios's `import('node-fetch')` cannot run inside
 * jest's CommonJS sandbox; nothing about the client's requests changes.
 */
function emulatorAuth(emulator: RunningEmulator, scopes?: string[]): GoogleAuth {
	const transporter = new Gaxios({ fetchImplementation: fetch });
	transporter.interceptors.request.add({
		resolved: async (options) => {
			if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(emulator.tokenUrl);
			return options;
		},
	});
	const key = readKey(emulator);
	return new GoogleAuth({ authClient: new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes, transporter }) });
}

function clientOptions(baseUrl: string, auth: GoogleAuth) {
	return { fallback: true as const, apiEndpoint: '127.0.0.1', port: Number(new URL(baseUrl).port), protocol: 'http', auth };
}

describe("Google's official Node.js client (@google-cloud/aiplatform, REST) against the emulator", () => {
	let emulator: RunningEmulator;
	let auth: GoogleAuth;
	let models: v1.ModelServiceClient;
	let endpoints: v1.EndpointServiceClient;
	let parent: string;
	let modelName: string;
	let endpointName: string;
	let dns: string;
	let deployedModelId: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		auth = emulatorAuth(emulator);
		// The regional listener is always `{location}-aiplatform.googleapis.com`: the control plane, no data plane of a dedicated endpoint.
		models = new v1.ModelServiceClient(clientOptions(emulator.regionalUrl, auth));
		endpoints = new v1.EndpointServiceClient(clientOptions(emulator.regionalUrl, auth));
		parent = `projects/${emulator.projectId}/locations/${emulator.location}`;
	});
	afterAll(async () => {
		await models?.close();
		await endpoints?.close();
		await emulator?.close();
	});

	const bearer = async (): Promise<string> => {
		const headers = await auth.getRequestHeaders();
		return headers.get('authorization') as string;
	};

	it('uploads a model with invoke route "/*"; operation.promise() polls it through the /ui/ operation bindings', async () => {
		// Counts the polls on /ui/ (a fault that delays by nothing strikes and counts every match).
		const probe = emulator.addFault({ kind: 'slow-headers', delayMs: 0, path: '^/ui/projects/[^/]+/locations/[^/]+/models/[^/]+/operations/\\d+$', count: 1000 });
		const [operation] = await models.uploadModel({
			parent,
			modelId: 'official-model',
			model: { displayName: 'official client model', containerSpec: { imageUri: emulator.builtInImage, invokeRoutePrefix: '/*', healthRoute: '/health' } },
		});
		expect(operation.name).toMatch(new RegExp(`^projects/${emulator.projectNumber}/locations/${emulator.location}/models/official-model/operations/\\d{19}$`));
		const [response] = await operation.promise();
		const faults = (await (await fetch(`${emulator.baseUrl}/emulator/faults`)).json()) as { faults: Array<{ id: string; hits: number }> };
		expect(faults.faults.find((fault) => fault.id === probe.id)?.hits).toBeGreaterThan(0);
		emulator.clearFaults();
		modelName = response.model as string;
		expect(modelName).toBe(`projects/${emulator.projectNumber}/locations/${emulator.location}/models/official-model`);
		expect(response.modelVersionId).toBe('1');
		const [model] = await models.getModel({ name: modelName });
		expect(model.containerSpec?.invokeRoutePrefix).toBe('/*');
		expect(model.versionAliases).toEqual(['default']);
		// The client signed its own JWT with the key: no token exchange happened.
		expect(emulator.tokensMinted()).toBe(0);
	});

	it('creates a dedicated endpoint and reads its DNS name', async () => {
		const [operation] = await endpoints.createEndpoint({ parent, endpointId: 'official-endpoint', endpoint: { displayName: 'official endpoint', dedicatedEndpointEnabled: true } });
		const [endpoint] = await operation.promise();
		endpointName = endpoint.name as string;
		expect(endpointName).toBe(`projects/${emulator.projectNumber}/locations/${emulator.location}/endpoints/official-endpoint`);
		const [read] = await endpoints.getEndpoint({ name: endpointName });
		dns = read.dedicatedEndpointDns as string;
		expect(dns).toBe(`official-endpoint.${emulator.location}-${emulator.projectNumber}.prediction.vertexai.goog`);
	});

	it('deploys (the client sends enums as numbers: acceleratorType 11) and follows the deployment stages', async () => {
		const [operation] = await endpoints.deployModel({
			endpoint: endpointName,
			deployedModel: {
				model: modelName,
				displayName: 'official deployment',
				dedicatedResources: { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 }, minReplicaCount: 1, maxReplicaCount: 1 },
			},
			trafficSplit: { '0': 100 },
		});
		// Metadata as the client decodes it: protobuf messages, whose enums are numbers.
		const { DeploymentStage } = protos.google.cloud.aiplatform.v1;
		expect((operation.metadata as { deploymentStage?: unknown }).deploymentStage).toBe(DeploymentStage.STARTING_DEPLOYMENT);
		const [response, metadata] = await operation.promise();
		deployedModelId = response.deployedModel?.id as string;
		expect(deployedModelId).toMatch(/^[1-9]\d{18}$/);
		expect(metadata?.deploymentStage).toBe(DeploymentStage.SUCCESSFULLY_DEPLOYED);
		const [endpoint] = await endpoints.getEndpoint({ name: endpointName });
		// Answered as a number (enum-encoding=int), read back by the client as the name.
		expect(endpoint.deployedModels?.[0]?.dedicatedResources?.machineSpec?.acceleratorType).toBe('NVIDIA_L4');
		expect(endpoint.trafficSplit).toEqual({ [deployedModelId]: 100 });
	});

	it('lists endpoints and models page by page (pageSize, nextPageToken, and the client\'s own auto-paging)', async () => {
		for (const id of ['official-list-a', 'official-list-b']) {
			const [operation] = await endpoints.createEndpoint({ parent, endpointId: id, endpoint: { displayName: id } });
			await operation.promise();
		}
		const [firstPage, nextRequest] = await endpoints.listEndpoints({ parent, pageSize: 2 }, { autoPaginate: false });
		expect(firstPage).toHaveLength(2);
		expect(nextRequest?.pageToken).toEqual(expect.any(String));
		const [secondPage] = await endpoints.listEndpoints({ ...nextRequest, parent, pageSize: 2 }, { autoPaginate: false });
		expect([...firstPage, ...secondPage].map((e) => e.name?.split('/').pop()).sort()).toEqual(['official-endpoint', 'official-list-a', 'official-list-b']);
		const everything: string[] = [];
		for await (const endpoint of endpoints.listEndpointsAsync({ parent, pageSize: 1 })) everything.push(endpoint.name as string);
		expect(everything).toHaveLength(3);
		const [all] = await models.listModels({ parent });
		expect(all.map((m) => m.name)).toEqual([modelName]);
	});

	it('gets, cancels and lists operations through the Operations mixin', async () => {
		// The mixin methods are typed with the message classes: made with the client's own protos.
		const { GetOperationRequest, CancelOperationRequest, ListOperationsRequest } = protos.google.longrunning;
		// A deploy whose server never turns healthy stays running until cancelled.
		emulator.addFault({ kind: 'health-never-ok', path: ':deployModel$' });
		const [operation] = await endpoints.deployModel({
			endpoint: endpointName,
			deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1 } },
		});
		const named = { name: operation.name as string };
		const [running] = await endpoints.getOperation(GetOperationRequest.create(named));
		expect(running.done).toBe(false);
		await endpoints.cancelOperation(CancelOperationRequest.create(named));
		const [cancelled] = await endpoints.getOperation(GetOperationRequest.create(named));
		expect(cancelled.done).toBe(true);
		expect(cancelled.error?.code).toBe(1);

		const underEndpoint: string[] = [];
		for await (const op of endpoints.listOperationsAsync(ListOperationsRequest.create({ name: endpointName }))) underEndpoint.push(op.name as string);
		// Newest first: the cancelled deploy, the deploy, the create.
		expect(underEndpoint).toHaveLength(3);
		expect(underEndpoint[0]).toBe(operation.name);
		const done: string[] = [];
		for await (const op of endpoints.listOperationsAsync(ListOperationsRequest.create({ name: endpointName, filter: 'done=true', pageSize: 1 }))) done.push(op.name as string);
		expect(done).toHaveLength(3);
		const underModel: string[] = [];
		for await (const op of models.listOperationsAsync(ListOperationsRequest.create({ name: modelName }))) underModel.push(op.name as string);
		expect(underModel).toHaveLength(1);
	});

	it('invokes the deployment over plain HTTP on its dedicated DNS name with the client\'s own token; the regional host refuses', async () => {
		const dedicated = await emulator.dedicatedEndpointUrl('official-endpoint');
		const path = `/v1/${endpointName}/invoke/v1/chat/completions`;
		const body = JSON.stringify({ messages: [{ role: 'user', content: 'Hello from the official client' }] });
		const headers = { authorization: await bearer(), 'content-type': 'application/json' };
		const answer = await fetch(`${dedicated}${path}`, { method: 'POST', headers, body });
		expect(answer.status).toBe(200);
		expect(answer.headers.get('x-vertex-ai-deployed-model-id')).toBe(deployedModelId);
		expect(JSON.stringify(await answer.json())).toContain('Hello from the official client');

		const shared = await fetch(`${emulator.regionalUrl}${path}`, { method: 'POST', headers, body });
		expect(shared.status).toBe(400);
		const refusal = (await shared.json()) as { error: { status: string; message: string } };
		expect(refusal.error.status).toBe('FAILED_PRECONDITION');
		expect(refusal.error.message).toBe(
			`Dedicated Endpoint cannot be accessed through the shared Vertex AI domain ${emulator.regionalHost}. Please access the endpoint using its dedicated domain name '${dns}'`,
		);
	});

	it('gets rawPredict refused as Vertex refuses it: on the dedicated host (invoke-only model), and on the shared one', async () => {
		const dedicated = new v1.PredictionServiceClient(clientOptions(await emulator.dedicatedEndpointUrl('official-endpoint'), auth));
		const shared = new v1.PredictionServiceClient(clientOptions(emulator.regionalUrl, auth));
		try {
			const request = { endpoint: endpointName, httpBody: { contentType: 'application/json', data: Buffer.from('{"instances":[]}') } };
			// Vertex's own answer: HTTP 400 whose status reads INTERNAL (sic), which the client reports as code 13.
			await expect(dedicated.rawPredict(request)).rejects.toMatchObject({ code: 13, message: expect.stringContaining('Given request uri is not supported on this endpoint. Please use `/invoke${container_request_path}`') });
			await expect(shared.rawPredict(request)).rejects.toMatchObject({ code: 9, message: expect.stringContaining('Dedicated Endpoint cannot be accessed through the shared Vertex AI domain') });
		} finally {
			await dedicated.close();
			await shared.close();
		}
	});

	it('answers NOT_FOUND, ALREADY_EXISTS and INVALID_ARGUMENT as Google codes', async () => {
		await expect(models.getModel({ name: `${parent}/models/no-such-model` })).rejects.toMatchObject({ code: 5 });
		const spec = { imageUri: emulator.builtInImage, invokeRoutePrefix: '/*' };
		await expect(models.uploadModel({ parent, modelId: 'official-model', model: { displayName: 'again', containerSpec: spec } })).rejects.toMatchObject({ code: 6 });
		await expect(endpoints.createEndpoint({ parent, endpointId: 'official-endpoint', endpoint: { displayName: 'again' } })).rejects.toMatchObject({ code: 6 });
		await expect(models.uploadModel({ parent, model: { displayName: 'both routes', containerSpec: { ...spec, predictRoute: '/predict' } } })).rejects.toMatchObject({
			code: 3,
			message: expect.stringContaining('model.container_spec.predict_route'),
		});
		// The client drops names its protos do not have, so an unknown field goes over plain HTTP, with the client's token.
		const typo = await fetch(`${emulator.regionalUrl}/v1/${parent}/models:upload`, {
			method: 'POST',
			headers: { authorization: await bearer(), 'content-type': 'application/json' },
			body: JSON.stringify({ model: { displayName: 'typo', containerSpec: { imageUri: emulator.builtInImage, invokeRoute: '/*' } } }),
		});
		expect(typo.status).toBe(400);
		const refused = (await typo.json()) as { error: { status: string; message: string } };
		expect(refused.error.status).toBe('INVALID_ARGUMENT');
		expect(refused.error.message).toBe(`Invalid JSON payload received. Unknown name "invokeRoute" at 'model.container_spec': Cannot find field.`);
	});

	it('undeploys, then deletes the endpoint and the model, each through its operation', async () => {
		const [undeploy] = await endpoints.undeployModel({ endpoint: endpointName, deployedModelId });
		await undeploy.promise();
		const [endpoint] = await endpoints.getEndpoint({ name: endpointName });
		expect(endpoint.deployedModels).toEqual([]);
		const [deleteEndpoint] = await endpoints.deleteEndpoint({ name: endpointName });
		await deleteEndpoint.promise();
		const [deleteModel] = await models.deleteModel({ name: modelName });
		await deleteModel.promise();
		await expect(endpoints.getEndpoint({ name: endpointName })).rejects.toMatchObject({ code: 5 });
		await expect(models.getModel({ name: modelName })).rejects.toMatchObject({ code: 5 });
		expect(emulator.processes()).toEqual([]);
	});

	it('also authenticates a client given the cloud-platform scope (a JWT with a scope claim instead of an audience)', async () => {
		const scoped = new v1.EndpointServiceClient(clientOptions(emulator.regionalUrl, emulatorAuth(emulator, ['https://www.googleapis.com/auth/cloud-platform'])));
		try {
			const [list] = await scoped.listEndpoints({ parent });
			expect(list.map((e) => e.name?.split('/').pop()).sort()).toEqual(['official-list-a', 'official-list-b']);
			expect(emulator.tokensMinted()).toBe(0);
		} finally {
			await scoped.close();
		}
	});
});
