import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, parentPath, pollOperation, startDeploy, uploadModel, type Api } from './helpers';

describe('emulator control plane', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let parent: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		api = apiClient(emulator, await accessToken(emulator));
		parent = parentPath(emulator);
	});
	afterAll(() => emulator.close());

	const upload = (model: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
		api('POST', `${parent}/models:upload`, { model, ...extra });
	const invokeSpec = { imageUri: 'emulator/sample-model-server', invokeRoutePrefix: '/*' };

	it('uploads through an operation named with the project number, done only after polling', async () => {
		const started = await upload({ displayName: 'm', containerSpec: invokeSpec }, { modelId: 'first-model' });
		expect(started.status).toBe(200);
		expect(started.json.name).toMatch(new RegExp(`^projects/${emulator.projectNumber}/locations/us-central1/models/first-model/operations/\\d{19}$`));
		expect(started.json.done).toBeUndefined();
		expect(started.json.metadata['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.UploadModelOperationMetadata');
		const { op } = await pollOperation(api, started.json.name);
		expect(op.response).toEqual({
			'@type': 'type.googleapis.com/google.cloud.aiplatform.v1.UploadModelResponse',
			model: `projects/${emulator.projectNumber}/locations/us-central1/models/first-model`,
			modelVersionId: '1',
		});
		const got = await api('GET', `${parent}/models/first-model`);
		expect(got.json.name).toBe(`projects/${emulator.projectNumber}/locations/us-central1/models/first-model`);
		expect(got.json.containerSpec.invokeRoutePrefix).toBe('/*');
		expect(got.json.versionAliases).toEqual(['default']);
	});

	it('requires displayName and imageUri, listing each field that is wrong', async () => {
		const answer = await upload({ containerSpec: {} });
		expect(answer.status).toBe(400);
		expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
		const fields = answer.json.error.details[0].fieldViolations.map((v: { field: string }) => v.field);
		expect(fields).toEqual(expect.arrayContaining(['model.display_name', 'model.container_spec.image_uri']));
	});

	it('accepts only "/*" as invokeRoutePrefix, never together with predictRoute', async () => {
		const wrongPrefix = await upload({ displayName: 'm', containerSpec: { ...invokeSpec, invokeRoutePrefix: '/v1/*' } });
		expect(wrongPrefix.status).toBe(400);
		expect(wrongPrefix.text).toContain('invoke_route_prefix');
		const both = await upload({ displayName: 'm', containerSpec: { ...invokeSpec, predictRoute: '/predict' } });
		expect(both.status).toBe(400);
		expect(both.json.error.details[0].fieldViolations[0].field).toBe('model.container_spec.predict_route');
	});

	it('checks the modelId format', async () => {
		for (const bad of ['Upper', '1abc', 'ends-with-', '0123', '1234567890', 'a'.repeat(64)]) {
			const answer = await upload({ displayName: 'm', containerSpec: invokeSpec }, { modelId: bad });
			expect(answer.status).toBe(400);
			expect(answer.json.error.details[0].fieldViolations[0].field).toBe('model_id');
		}
		const digits = await upload({ displayName: 'm', containerSpec: invokeSpec }, { modelId: '123456789' });
		expect(digits.status).toBe(200);
	});

	it('answers 409 ALREADY_EXISTS for an existing model id', async () => {
		await uploadModel(api, emulator, { modelId: 'taken-model' });
		const again = await upload({ displayName: 'm', containerSpec: invokeSpec }, { modelId: 'taken-model' });
		expect(again.status).toBe(409);
		expect(again.json.error.status).toBe('ALREADY_EXISTS');
	});

	it('creates a new version with parentModel', async () => {
		const { modelName } = await uploadModel(api, emulator, { modelId: 'versioned' });
		const started = await upload({ displayName: 'v2', containerSpec: invokeSpec }, { parentModel: modelName });
		const { op } = await pollOperation(api, started.json.name);
		expect(op.response.model).toBe(modelName);
		expect(op.response.modelVersionId).toBe('2');
		expect((await api('GET', `${parent}/models/versioned@2`)).json.versionId).toBe('2');
		expect((await api('GET', `${parent}/models/versioned`)).json.versionId).toBe('1');
	});

	it('lists models page by page and deletes them', async () => {
		for (const id of ['page-a', 'page-b', 'page-c']) await uploadModel(api, emulator, { modelId: id });
		const seen: string[] = [];
		let token = '';
		do {
			const pageAnswer = await api('GET', `${parent}/models?pageSize=2${token ? `&pageToken=${token}` : ''}`);
			expect(pageAnswer.json.models.length).toBeLessThanOrEqual(2);
			seen.push(...pageAnswer.json.models.map((m: { name: string }) => m.name.split('/').pop()));
			token = pageAnswer.json.nextPageToken ?? '';
		} while (token);
		expect(seen).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));
		expect(new Set(seen).size).toBe(seen.length);
		const deleted = await api('DELETE', `${parent}/models/page-a`);
		expect(deleted.json.done).toBe(true);
		expect(deleted.json.name).toMatch(new RegExp(`^projects/${emulator.projectNumber}/locations/us-central1/operations/\\d{19}$`));
		const gone = await api('GET', `${parent}/models/page-a`);
		expect(gone.status).toBe(404);
		expect(gone.json.error.status).toBe('NOT_FOUND');
		expect((await api('GET', `${parent}/models?pageToken=garbage`)).status).toBe(400);
	});

	it('creates an endpoint with ?endpointId=, then 409 for the same id', async () => {
		const endpoint = await createEndpoint(api, emulator, { clientConnectionConfig: { inferenceTimeout: '1800s' } }, 'my-endpoint');
		expect(endpoint['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.Endpoint');
		expect(endpoint.name).toBe(`projects/${emulator.projectNumber}/locations/us-central1/endpoints/my-endpoint`);
		expect(endpoint.dedicatedEndpointEnabled).toBe(true);
		expect(endpoint.dedicatedEndpointDns).toBe(`my-endpoint.us-central1-${emulator.projectNumber}.prediction.vertexai.goog`);
		expect(endpoint.clientConnectionConfig).toEqual({ inferenceTimeout: '1800s' });
		const again = await api('POST', `${parent}/endpoints?endpointId=my-endpoint`, { displayName: 'x' });
		expect(again.status).toBe(409);
		expect(again.json.error.status).toBe('ALREADY_EXISTS');
	});

	it('makes 19-digit endpoint ids when none is given, and lists and deletes endpoints', async () => {
		const endpoint = await createEndpoint(api, emulator, { dedicatedEndpointEnabled: false });
		const id = endpoint.name.split('/').pop();
		expect(id).toMatch(/^[1-9]\d{18}$/);
		expect(endpoint.dedicatedEndpointDns).toBeUndefined();
		const list = await api('GET', `${parent}/endpoints`);
		expect(list.json.endpoints.map((e: { name: string }) => e.name)).toContain(endpoint.name);
		expect((await api('DELETE', `/v1/${endpoint.name}`)).json.done).toBe(true);
		expect((await api('GET', `/v1/${endpoint.name}`)).status).toBe(404);
	});

	it('caps clientConnectionConfig.inferenceTimeout at 3600 s', async () => {
		const tooLong = await api('POST', `${parent}/endpoints`, { displayName: 'x', dedicatedEndpointEnabled: true, clientConnectionConfig: { inferenceTimeout: '3601s' } });
		expect(tooLong.status).toBe(400);
		expect(tooLong.text).toContain('inference_timeout');
		const max = await api('POST', `${parent}/endpoints`, { displayName: 'x', dedicatedEndpointEnabled: true, clientConnectionConfig: { inferenceTimeout: '3600s' } });
		expect(max.status).toBe(200);
	});

	it('refuses a path whose location is not the host region with Vertex\'s 400', async () => {
		const answer = await api('GET', `/v1/projects/${emulator.projectId}/locations/europe-west4/endpoints`);
		expect(answer.status).toBe(400);
		expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
		expect(answer.json.error.message).toContain("The provided location ID doesn't match the endpoint. The valid location ID is `us-central1`.");
		expect(answer.json.error.details[0].fieldViolations[0].field).toBe('parent');
	});

	it('accepts the project id or number in paths and refuses other projects', async () => {
		expect((await api('GET', `${parentPath(emulator, emulator.projectNumber)}/models`)).status).toBe(200);
		expect((await api('GET', `/v1beta1/projects/${emulator.projectId}/locations/us-central1/models`)).status).toBe(200);
		const other = await api('GET', `/v1/projects/someone-else/locations/us-central1/models`);
		expect(other.status).toBe(403);
		expect(other.json.error.status).toBe('PERMISSION_DENIED');
	});

	it('refuses deploying an invoke-enabled model to an endpoint that is not dedicated', async () => {
		const { modelName } = await uploadModel(api, emulator);
		const shared = await createEndpoint(api, emulator, { dedicatedEndpointEnabled: false });
		const answer = await startDeploy(api, shared.name, modelName);
		expect(answer.status).toBe(400);
		expect(answer.json.error.status).toBe('FAILED_PRECONDITION');
		expect(answer.json.error.message).toContain('dedicated endpoints');
	});

	it('refuses traffic splits that do not add up to 100 or name unknown models', async () => {
		const { modelName } = await uploadModel(api, emulator);
		const endpoint = await createEndpoint(api, emulator);
		const short = await startDeploy(api, endpoint.name, modelName, { '0': 90 });
		expect(short.status).toBe(400);
		expect(short.text).toContain('add up to 100');
		const unknown = await startDeploy(api, endpoint.name, modelName, { '0': 50, '1234567890123456789': 50 });
		expect(unknown.status).toBe(400);
		expect(unknown.text).toContain('does not exist');
	});

	it('validates dedicatedResources and the model reference of a deploy', async () => {
		const endpoint = await createEndpoint(api, emulator);
		const noResources = await api('POST', `/v1/${endpoint.name}:deployModel`, { deployedModel: { model: `${parent.slice(4)}/models/first-model` } });
		expect(noResources.status).toBe(400);
		expect(noResources.text).toContain('dedicated_resources');
		const missing = await startDeploy(api, endpoint.name, `projects/${emulator.projectNumber}/locations/us-central1/models/no-such-model`);
		expect(missing.status).toBe(404);
	});

	it('waits on an operation with :wait (timeout in the query: the binding has no body) and cancels one with :cancel', async () => {
		const started = await api('POST', `${parent}/endpoints`, { displayName: 'waited', dedicatedEndpointEnabled: true });
		const waited = await api('POST', `/v1/${started.json.name}:wait?timeout=30s`);
		expect(waited.json.done).toBe(true);
		expect(waited.json.response.displayName).toBe('waited');

		const slow = await startEmulator({ operationStepMs: 10_000 });
		try {
			const slowApi = apiClient(slow, await accessToken(slow));
			const pending = await slowApi('POST', `${parentPath(slow)}/endpoints?endpointId=never`, { displayName: 'x', dedicatedEndpointEnabled: true });
			expect((await slowApi('POST', `/v1/${pending.json.name}:wait?timeout=0.05s`)).json.done).toBeUndefined();
			expect((await slowApi('POST', `/v1/${pending.json.name}:cancel`, {})).json).toEqual({});
			const cancelled = await slowApi('GET', `/v1/${pending.json.name}`);
			expect(cancelled.json.done).toBe(true);
			expect(cancelled.json.error.code).toBe(1);
		} finally {
			await slow.close();
		}
		expect((await api('GET', `/v1/${parent.slice(4)}/operations/1234567890123456789`)).status).toBe(404);
	});

	it('shows dedicatedEndpointDns only after the configured DNS delay', async () => {
		const delayed = await startEmulator({ operationStepMs: 5, dnsDelayMs: 300 });
		try {
			const delayedApi = apiClient(delayed, await accessToken(delayed));
			const endpoint = await createEndpoint(delayedApi, delayed, {}, 'slow-dns');
			expect(endpoint.dedicatedEndpointDns).toBeUndefined();
			let dns: string | undefined;
			for (let i = 0; i < 200 && !dns; i++) {
				dns = (await delayedApi('GET', `/v1/${endpoint.name}`)).json.dedicatedEndpointDns;
				if (!dns) await new Promise((resolve) => setTimeout(resolve, 20));
			}
			expect(dns).toBe(`slow-dns.us-central1-${delayed.projectNumber}.prediction.vertexai.goog`);
		} finally {
			await delayed.close();
		}
	});
});
