import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, parentPath, pollOperation, startDeploy, uploadModel, type Api } from './helpers';

describe('emulator faults and admin API', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let token: string;
	let endpointName: string;
	let modelName: string;
	const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
		const answer = await fetch(`${emulator.baseUrl}/emulator/${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: answer.status, json: await answer.json() };
	};
	const invoke = (path: string, body: unknown = {}) => api('POST', `/v1/${endpointName}/invoke${path}`, body);

	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		token = await accessToken(emulator);
		api = apiClient(emulator, token);
		modelName = (await uploadModel(api, emulator)).modelName;
		endpointName = (await createEndpoint(api, emulator)).name;
		await deploy(api, endpointName, modelName);
	});
	afterEach(() => admin('DELETE', 'faults'));
	afterAll(() => emulator.close());

	it('answers the next N matching requests with 429 and Retry-After, then lets them through', async () => {
		const added = await admin('POST', 'faults', { kind: 'rate-limit', path: '/invoke/', count: 2, retryAfterSeconds: 7 });
		expect(added.json).toMatchObject({ kind: 'rate-limit', count: 2 });
		for (let i = 0; i < 2; i++) {
			const answer = await invoke('/echo');
			expect(answer.status).toBe(429);
			expect(answer.headers.get('retry-after')).toBe('7');
			expect(answer.json.error.status).toBe('RESOURCE_EXHAUSTED');
		}
		expect((await invoke('/echo')).status).toBe(200);
		expect((await admin('GET', 'faults')).json.faults).toEqual([]);
	});

	it('scopes a fault by path: control-plane calls are untouched by an invoke fault', async () => {
		await admin('POST', 'faults', { kind: 'unavailable', path: '/invoke/', count: 1 });
		expect((await api('GET', `${parentPath(emulator)}/models`)).status).toBe(200);
		const answer = await invoke('/echo');
		expect(answer.status).toBe(503);
		expect(answer.json.error.status).toBe('UNAVAILABLE');
	});

	it('strikes at a rate until removed', async () => {
		const rule = await admin('POST', 'faults', { kind: 'unavailable', path: '/models$', rate: 0.5 });
		let refused = 0;
		for (let i = 0; i < 200; i++) if ((await api('GET', `${parentPath(emulator)}/models`)).status === 503) refused++;
		expect(refused).toBeGreaterThan(50);
		expect(refused).toBeLessThan(150);
		expect((await admin('DELETE', `faults/${rule.json.id}`)).status).toBe(200);
		expect((await api('GET', `${parentPath(emulator)}/models`)).status).toBe(200);
	});

	it('resets the connection before any header', async () => {
		await admin('POST', 'faults', { kind: 'reset', path: '/invoke/' });
		await expect(invoke('/echo')).rejects.toThrow();
		expect((await invoke('/echo')).status).toBe(200);
	});

	it('cuts a stream mid-way', async () => {
		await admin('POST', 'faults', { kind: 'cut-stream', afterBytes: 200 });
		const answer = await fetch(`${emulator.baseUrl}/v1/${endpointName}/invoke/generate`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}` },
			body: JSON.stringify({ chunks: 200, delayMs: 1 }),
		});
		expect(answer.status).toBe(200);
		await expect(answer.text()).rejects.toThrow();
	});

	it('cuts a stream whose chunks come with no delay: never a clean end with part of the body (10 tries)', async () => {
		for (let i = 0; i < 10; i++) {
			await admin('POST', 'faults', { kind: 'cut-stream', afterBytes: 200 });
			const answer = await fetch(`${emulator.baseUrl}/v1/${endpointName}/invoke/generate`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}` },
				body: JSON.stringify({ chunks: 50 }),
			});
			expect(answer.status).toBe(200);
			await expect(answer.text()).rejects.toThrow();
		}
	});

	it('matches request and stream faults against the path without its query', async () => {
		await admin('POST', 'faults', { kind: 'cut-stream', path: '/invoke/generate$', afterBytes: 10 });
		const cut = await fetch(`${emulator.baseUrl}/v1/${endpointName}/invoke/generate?x=1`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}` },
			body: JSON.stringify({ chunks: 5 }),
		});
		await expect(cut.text()).rejects.toThrow();
		expect((await admin('GET', 'faults')).json.faults).toEqual([]);
		await admin('POST', 'faults', { kind: 'unavailable', path: '/invoke/echo$' });
		expect((await invoke('/echo?x=1')).status).toBe(503);
	});

	it('delays headers and slows the body as asked (lower bounds only)', async () => {
		await admin('POST', 'faults', { kind: 'slow-headers', path: '/invoke/', delayMs: 300 });
		let started = Date.now();
		expect((await invoke('/echo')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);

		await admin('POST', 'faults', { kind: 'slow-body', delayMs: 150 });
		started = Date.now();
		const slow = await invoke('/generate', { chunks: 4, delayMs: 0 });
		expect(slow.text.trim().split('\n')).toHaveLength(5);
		expect(slow.headers.get('x-vertex-ai-deployed-model-id')).toBeTruthy();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('fails the next matching operation with the given status', async () => {
		await admin('POST', 'faults', { kind: 'operation-failure', path: ':deployModel$', grpcStatus: 'RESOURCE_EXHAUSTED', message: 'Not enough NVIDIA_L4 quota.' });
		const { op, stages } = await deploy(api, endpointName, modelName, undefined);
		expect(op.error).toEqual({ code: 8, message: 'Not enough NVIDIA_L4 quota.' });
		expect(stages[stages.length - 1]).toBe('FAILED_TO_DEPLOY');
		await admin('POST', 'faults', { kind: 'operation-failure', path: 'models:upload' });
		await expect(uploadModel(api, emulator, { modelId: 'never-created' })).rejects.toThrow(/upload failed/);
		expect((await api('GET', `${parentPath(emulator)}/models/never-created`)).status).toBe(404);
	});

	it('makes the next deploy\'s health check never pass', async () => {
		const upload = await uploadModel(api, emulator, { deploymentTimeout: '1s' });
		const endpoint = await createEndpoint(api, emulator);
		await admin('POST', 'faults', { kind: 'health-never-ok' });
		const { op } = await deploy(api, endpoint.name, upload.modelName);
		expect(op.error.message).toContain('never became ready');
	});

	it('delays the dedicated DNS of the next endpoint', async () => {
		await admin('POST', 'faults', { kind: 'dns-delay', delayMs: 60_000 });
		const endpoint = await createEndpoint(api, emulator);
		expect(endpoint.dedicatedEndpointDns).toBeUndefined();
		expect((await api('GET', `/v1/${endpoint.name}`)).json.dedicatedEndpointDns).toBeUndefined();
		const next = await createEndpoint(api, emulator);
		expect(next.dedicatedEndpointDns).toMatch(/\.prediction\.vertexai\.goog$/);
	});

	it('keeps a request log of what reached model servers and what was rejected', async () => {
		await admin('DELETE', 'requests');
		await invoke('/echo?q=1', { hello: 'world' });
		await apiClient(emulator, 'ya29.bogus')('GET', `${parentPath(emulator)}/models`);
		const forwarded = (await admin('GET', 'requests?outcome=forwarded')).json.requests;
		expect(forwarded).toHaveLength(1);
		expect(forwarded[0]).toMatchObject({ outcome: 'forwarded', method: 'POST', path: '/echo', query: 'q=1', status: 200 });
		expect(forwarded[0].deployedModelId).toMatch(/^\d{19}$/);
		expect(forwarded[0].headerNames).toContain('content-type');
		const rejected = (await admin('GET', 'requests?outcome=rejected')).json.requests;
		expect(rejected).toHaveLength(1);
		expect(rejected[0]).toMatchObject({ outcome: 'rejected', method: 'GET', status: 401 });
		expect(rejected[0].reason).toContain('invalid authentication credentials');
	});

	it('counts tokens, lists processes, and resets', async () => {
		const stats = (await admin('GET', 'stats')).json;
		expect(stats.tokensMinted).toBeGreaterThanOrEqual(1);
		expect(stats.processes.length).toBeGreaterThanOrEqual(1);
		await admin('POST', 'faults', { kind: 'unavailable' });
		expect((await admin('POST', 'reset')).status).toBe(200);
		const after = (await admin('GET', 'stats')).json;
		expect(after.tokensMinted).toBe(0);
		expect((await admin('GET', 'faults')).json.faults).toEqual([]);
		expect((await admin('GET', 'requests')).json.requests).toEqual([]);
		expect((await invoke('/echo')).status).toBe(200);
	});

	it('refuses unknown fault kinds and unknown admin routes', async () => {
		expect((await admin('POST', 'faults', { kind: 'meteor-strike' })).status).toBe(400);
		expect((await admin('GET', 'nothing-here')).status).toBe(404);
	});

	it('drops every resource and stops every model server on reset?resources=true', async () => {
		const other = await startEmulator({ operationStepMs: 5 });
		try {
			const otherApi = apiClient(other, await accessToken(other));
			const model = await uploadModel(otherApi, other);
			const endpoint = await createEndpoint(otherApi, other);
			await deploy(otherApi, endpoint.name, model.modelName);
			expect(other.processes()).toHaveLength(1);
			await fetch(`${other.baseUrl}/emulator/reset?resources=true`, { method: 'POST' });
			expect(other.processes()).toEqual([]);
			expect((await otherApi('GET', `/v1/${endpoint.name}`)).status).toBe(404);
		} finally {
			await other.close();
		}
	});

	it('still finishes a deploy started before a matching fault was armed, and leaves the fault armed', async () => {
		const endpoint = await createEndpoint(api, emulator);
		const started = await startDeploy(api, endpoint.name, modelName);
		const rule = (await admin('POST', 'faults', { kind: 'operation-failure', path: ':deployModel$' })).json;
		const { op } = await pollOperation(api, started.json.name);
		expect(op.error).toBeUndefined();
		expect(op.response.deployedModel.id).toMatch(/^\d{19}$/);
		expect((await admin('GET', 'faults')).json.faults).toEqual([expect.objectContaining({ id: rule.id, kind: 'operation-failure', hits: 0 })]);
	});
});
