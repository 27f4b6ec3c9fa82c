import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, uploadModel, type Api } from './helpers';

describe('emulator data plane', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let token: string;
	let endpointName: string;
	let firstId: string;
	let secondId: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		token = await accessToken(emulator);
		api = apiClient(emulator, token);
		const { modelName } = await uploadModel(api, emulator, { modelId: 'served' });
		const endpoint = await createEndpoint(api, emulator, {}, 'served-endpoint');
		endpointName = endpoint.name;
		firstId = (await deploy(api, endpointName, modelName)).op.response.deployedModel.id;
		secondId = (await deploy(api, endpointName, modelName, { [firstId]: 70, '0': 30 })).op.response.deployedModel.id;
	});
	afterAll(() => emulator.close());

	it('routes invoke by the traffic split (70/30 over 400 calls)', async () => {
		const endpoint = (await api('GET', `/v1/${endpointName}`)).json;
		expect(endpoint.trafficSplit).toEqual({ [firstId]: 70, [secondId]: 30 });
		const counts = new Map<string, number>();
		for (let i = 0; i < 400; i++) {
			const answer = await api('POST', `/v1/${endpointName}/invoke/echo`, { i });
			expect(answer.status).toBe(200);
			const id = answer.headers.get('x-vertex-ai-deployed-model-id') as string;
			expect(answer.json.deployedModelId).toBe(id);
			counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		const firstShare = (counts.get(firstId) ?? 0) / 400;
		expect(firstShare).toBeGreaterThan(0.6);
		expect(firstShare).toBeLessThan(0.8);
		expect((counts.get(firstId) ?? 0) + (counts.get(secondId) ?? 0)).toBe(400);
	});

	it('pins one deployed model with deployedModels/{id}/invoke, 404 for an unknown id', async () => {
		for (let i = 0; i < 20; i++) {
			const answer = await api('POST', `/v1/${endpointName}/deployedModels/${secondId}/invoke/echo`, {});
			expect(answer.headers.get('x-vertex-ai-deployed-model-id')).toBe(secondId);
		}
		const unknown = await api('POST', `/v1/${endpointName}/deployedModels/1234567890123456789/invoke/echo`, {});
		expect(unknown.status).toBe(404);
		expect(unknown.json.error.status).toBe('NOT_FOUND');
	});

	it('forwards method, path, query, body and headers but never the authorization header', async () => {
		const answer = await api('POST', `/v1/${endpointName}/invoke/echo?alpha=1&beta=two`, 'raw body bytes', { 'x-custom': 'kept', 'content-type': 'text/plain' });
		expect(answer.json).toMatchObject({ method: 'POST', path: '/echo', query: { alpha: '1', beta: 'two' }, body: 'raw body bytes' });
		expect(answer.json.headers['x-custom']).toBe('kept');
		expect(answer.json.headers.authorization).toBeUndefined();
		const logged = emulator.requestLog('forwarded').filter((entry) => entry.path === '/echo' && entry.query === 'alpha=1&beta=two');
		expect(logged).toHaveLength(1);
		expect(logged[0]).toMatchObject({ method: 'POST', endpointId: 'served-endpoint', status: 200 });
		if (logged[0]?.outcome === 'forwarded') {
			expect(logged[0].headerNames).toContain('x-custom');
			expect(logged[0].headerNames).not.toContain('authorization');
		}
		expect(JSON.stringify(emulator.requestLog())).not.toContain(token);
	});

	it('serves every non-root route of the model server, GET included', async () => {
		const metrics = await api('GET', `/v1/${endpointName}/deployedModels/${firstId}/invoke/metrics`);
		expect(metrics.status).toBe(200);
		expect(metrics.text).toContain('sample_requests_total');
		const chat = await api('POST', `/v1/${endpointName}/invoke/v1/chat/completions`, { messages: [{ role: 'user', content: 'hi there' }], chunks: 2, chunkSize: 4 });
		expect(chat.json.object).toBe('chat.completion');
		expect(chat.json.choices[0].message.content).toBe('tok0tok1');
		const reply = await api('POST', `/v1/${endpointName}/invoke/v1/chat/completions`, { messages: [{ role: 'user', content: 'hi there' }] });
		expect(reply.json.choices[0].message.content).toBe('Hello from the sample model server behind Vertex AI invoke! You said: "hi there"');
		expect(reply.json.usage.completion_tokens).toBe(14);
		const missing = await api('POST', `/v1/${endpointName}/invoke/no/such/route`, {});
		expect(missing.status).toBe(404);
		expect(missing.headers.get('x-vertex-ai-deployed-model-id')).toBeTruthy();
	});

	it('refuses the root path', async () => {
		for (const path of ['invoke', 'invoke/']) {
			const answer = await api('POST', `/v1/${endpointName}/${path}`, {});
			expect(answer.status).toBe(400);
			expect(answer.json.error.message).toContain('root path');
		}
	});

	it('answers :predict and :rawPredict on an invoke-enabled deployment with Vertex\'s 400', async () => {
		for (const verb of ['predict', 'rawPredict']) {
			const answer = await api('POST', `/v1/${endpointName}:${verb}`, { instances: [1] });
			expect(answer.status).toBe(400);
			expect(answer.json.error.message).toBe(
				'Given request uri is not supported on this endpoint. Please use `/invoke${container_request_path}` to route the request to the container path. container_request_path must start with a forward slash.',
			);
		}
	});

	it('refuses requests over 10 MB, with or without a content-length', async () => {
		const limit = 10 * 1024 * 1024;
		const justUnder = await api('POST', `/v1/${endpointName}/invoke/echo`, new Uint8Array(limit - 1024), { 'content-type': 'application/octet-stream' });
		expect(justUnder.status).toBe(200);
		expect(justUnder.json.bodyBytes).toBe(limit - 1024);
		const over = await api('POST', `/v1/${endpointName}/invoke/echo`, new Uint8Array(limit + 1), { 'content-type': 'application/octet-stream' });
		expect(over.status).toBe(400);
		expect(over.json.error.message).toContain('exceeds the limit');
		const chunked = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < 11; i++) controller.enqueue(new Uint8Array(1024 * 1024));
				controller.close();
			},
		});
		const streamed = await fetch(`${emulator.baseUrl}/v1/${endpointName}/invoke/echo`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}` },
			body: chunked,
			duplex: 'half',
		} as RequestInit);
		expect(streamed.status).toBe(400);
		expect(((await streamed.json()) as { error: { message: string } }).error.message).toContain('exceeds the limit');
	});

	it('streams: the first chunks arrive before the model server has finished sending', async () => {
		const answer = await fetch(`${emulator.baseUrl}/v1/${endpointName}/invoke/generate`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ chunks: 5, delayMs: 250 }),
		});
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('application/x-ndjson');
		const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
		const decoder = new TextDecoder();
		let received = '';
		while (!received.includes('"index":0')) {
			const { value, done } = await reader.read();
			if (done) break;
			received += decoder.decode(value, { stream: true });
		}
		// The server is still sleeping between chunks: the last line cannot be here yet.
		expect(received).toContain('"index":0');
		expect(received).not.toContain('"done":true');
		for (;;) {
			const { value, done } = await reader.read();
			if (done) break;
			received += decoder.decode(value, { stream: true });
		}
		const lines = received.trim().split('\n').map((line) => JSON.parse(line));
		expect(lines).toHaveLength(6);
		expect(lines[5]).toMatchObject({ done: true, chunks: 5 });
	});

	it('streams OpenAI SSE deltas ending in [DONE] with a usage chunk', async () => {
		const answer = await api('POST', `/v1/${endpointName}/invoke/v1/chat/completions`, { stream: true, chunks: 3, messages: [{ role: 'user', content: 'one two' }] });
		expect(answer.headers.get('content-type')).toBe('text/event-stream');
		const events = answer.text.split('\n\n').filter(Boolean).map((event) => event.replace(/^data: /, ''));
		expect(events[events.length - 1]).toBe('[DONE]');
		const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
		expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
		expect(chunks[chunks.length - 1].usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
	});

	it('handles a 50,000-chunk stream', async () => {
		const answer = await api('POST', `/v1/${endpointName}/invoke/generate`, { chunks: 50_000, chunkSize: 4 });
		const lines = answer.text.trim().split('\n');
		expect(lines).toHaveLength(50_001);
		expect(JSON.parse(lines[50_000] as string)).toMatchObject({ done: true, chunks: 50_000 });
	});

	it('enforces the endpoint\'s inference timeout', async () => {
		const { modelName } = await uploadModel(api, emulator);
		const short = await createEndpoint(api, emulator, { clientConnectionConfig: { inferenceTimeout: '1s' } });
		await deploy(api, short.name, modelName);
		const answer = await fetch(`${emulator.baseUrl}/v1/${short.name}/invoke/generate`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ chunks: 20, delayMs: 250 }),
		});
		expect(answer.status).toBe(200);
		await expect(answer.text()).rejects.toThrow();
	});

	it('requires a token on the data plane too', async () => {
		const answer = await apiClient(emulator, undefined)('POST', `/v1/${endpointName}/invoke/echo`, {});
		expect(answer.status).toBe(401);
	});
});
