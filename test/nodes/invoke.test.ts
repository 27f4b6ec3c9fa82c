import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { clientFromCredential } from '../../nodes/shared/client';
import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';
import { chain, sourceNode, type TestBinary, type TestNode } from '../harness/n8n-engine';
import {
	TYPE,
	deployModel,
	emulatorWithCredential,
	expectNoSecrets,
	locator,
	runNodes,
	type DeployedModel,
	type NodeEnv,
} from './support';

/** An image served by a loopback server of the test: it answers /raw with the exact bytes it received. */
const RAW_IMAGE = 'us-docker.pkg.dev/test/raw-echo:1';

let env: NodeEnv;
let rawServer: Server;
const rawBodies: Buffer[] = [];
let chat: DeployedModel;
let raw: DeployedModel;

function readAll(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		req.on('data', (part: Buffer) => parts.push(part));
		req.on('end', () => resolve(Buffer.concat(parts)));
		req.on('error', reject);
	});
}

async function startRawServer(): Promise<number> {
	rawServer = createServer((req, res) => {
		if (req.method === 'GET') return void res.writeHead(200).end('ok');
		// A model server's own refusal: FastAPI-style JSON for 422, plain text for 500.
		if (req.url === '/refuse') {
			return void res.writeHead(422, { 'content-type': 'application/json' }).end('{"detail":"prompt is too long: 9000 tokens"}');
		}
		if (req.url === '/speech') {
			const headers = { 'content-type': 'audio/wav', 'content-disposition': 'attachment; filename="answer.wav"' };
			return void res.writeHead(200, headers).end(Buffer.from('RIFF0000WAVE'));
		}
		if (req.url === '/crash') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('CUDA out of memory');
		void readAll(req).then((body) => {
			rawBodies.push(body);
			res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
		});
	});
	await new Promise<void>((resolve) => rawServer.listen(0, '127.0.0.1', resolve));
	return (rawServer.address() as AddressInfo).port;
}

beforeAll(async () => {
	const port = await startRawServer();
	env = await emulatorWithCredential({ images: { [RAW_IMAGE]: `http://127.0.0.1:${port}` } });
	chat = await deployModel(env, { modelId: 'chat-model', endpointId: 'chat-endpoint' });
	raw = await deployModel(env, { modelId: 'raw-model', endpointId: 'raw-endpoint' }, { upload: { imageUri: RAW_IMAGE } });
}, 60_000);

afterAll(async () => {
	await env?.close();
	await new Promise((resolve) => rawServer?.close(resolve));
});

function invokeNode(parameters: IDataObject, extra: Partial<TestNode> = {}): TestNode {
	return { name: 'Invoke', type: TYPE.invoke, parameters: { endpoint: locator(chat.endpointId), ...parameters }, ...extra };
}

async function invoke(parameters: IDataObject, items: IDataObject[] = [{}], extra: Partial<TestNode> = {}, streaming = false) {
	const result = await runNodes(env, {
		nodes: [sourceNode('Start', items), invokeNode(parameters, extra)],
		connections: chain('Start', 'Invoke'),
		streaming,
	});
	await expectNoSecrets(env, result);
	return result;
}

const CHAT_BODY = '{"messages":[{"role":"user","content":"Hello there"}],"stream":true,"chunks":4}';
const GENERATE_BODY = '{"chunks":3,"chunkSize":6}';

describe('streamed responses', () => {
	it('leaves the parsed data out of chunks that have their text when asked, and keeps it on the others', async () => {
		const full = (await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY })).lastNodeJson('Invoke');
		const result = await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY, options: { dataOnTextChunks: false } });
		expect(result.error).toBeUndefined();
		const chunks = result.lastNodeJson('Invoke');
		expect(chunks.map((chunk) => chunk.text)).toEqual(full.map((chunk) => chunk.text));
		// The role chunk and the 4 deltas have text; the stop chunk and the usage chunk have none and keep their data.
		expect(chunks.map((chunk) => 'data' in chunk)).toEqual([false, false, false, false, false, true, true]);
		expect(chunks[5].data).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
		expect(chunks[6].data).toMatchObject({ usage: { completion_tokens: 4 } });
		expect(full.every((chunk) => 'data' in chunk)).toBe(true);
		expect(chunks[0]).toMatchObject({ status: 200, deployedModelId: chat.deployedModelId });
	});

	it('turns an SSE chat stream into one item per chunk with the delta texts', async () => {
		const result = await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY });
		expect(result.error).toBeUndefined();
		const chunks = result.lastNodeJson('Invoke');
		// role chunk, 4 deltas, the stop chunk and the usage chunk; [DONE] is not a chunk.
		expect(chunks).toHaveLength(7);
		expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(chunks.slice(1, 5).map((chunk) => chunk.text)).toEqual(['tok0 tok', 'tok1 tok', 'tok2 tok', 'tok3 tok']);
		expect((chunks[0].data as { object: string }).object).toBe('chat.completion.chunk');
		// The response facts once, on the first chunk; no chunk shows a null field.
		expect(chunks[0]).toMatchObject({ status: 200, deployedModelId: chat.deployedModelId, headers: { 'content-type': expect.stringContaining('text/event-stream') } });
		expect(chunks.slice(1).map((chunk) => Object.keys(chunk).filter((key) => ['status', 'deployedModelId', 'headers'].includes(key)))).toEqual(
			chunks.slice(1).map(() => []),
		);
		expect(chunks.flatMap((chunk) => Object.values(chunk)).filter((value) => value === null)).toEqual([]);
		expect(result.lastNodeOutput('Invoke').every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('puts each chunk\'s text first, then chunkIndex and data: what the output table shows first', async () => {
		const chunks = (await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY })).lastNodeJson('Invoke');
		expect(Object.keys(chunks[1])).toEqual(['text', 'chunkIndex', 'data']);
		expect(Object.keys(chunks[0])).toEqual(['text', 'chunkIndex', 'data', 'status', 'deployedModelId', 'headers']);
		// The usage chunk has no delta text: no text field rather than text: null.
		expect(Object.keys(chunks.at(-1) as object)).toEqual(['chunkIndex', 'data']);
	});

	it('with "Include Response Details on Every Chunk" every chunk carries status, deployedModelId and headers', async () => {
		const result = await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY, options: { responseDetailsOnEveryChunk: true } });
		expect(result.error).toBeUndefined();
		const chunks = result.lastNodeJson('Invoke');
		expect(chunks.every((chunk) => chunk.status === 200 && chunk.deployedModelId === chat.deployedModelId && 'headers' in chunk)).toBe(true);
	});

	it('turns an NDJSON stream from POST /generate into one item per line', async () => {
		const result = await invoke({ path: '/generate', jsonBody: GENERATE_BODY });
		expect(result.error).toBeUndefined();
		const chunks = result.lastNodeJson('Invoke');
		expect(chunks.map((chunk) => chunk.text)).toEqual(['tok0 t', 'tok1 t', 'tok2 t', '']);
		expect(chunks.map((chunk) => (chunk.data as { index: number }).index)).toEqual([0, 1, 2, 3]);
		expect(chunks[3].data).toMatchObject({ done: true, chunks: 3 });
	});

	it('aggregates an SSE stream: joined deltas, chunk count and the usage of the last chunk', async () => {
		const chunked = (await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY })).lastNodeJson('Invoke');
		const result = await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY, streamOutput: 'aggregate' });
		expect(result.error).toBeUndefined();
		const [summary, ...rest] = result.lastNodeJson('Invoke');
		expect(rest).toHaveLength(0);
		expect(summary.text).toBe(chunked.map((chunk) => chunk.text ?? '').join(''));
		expect(summary.text).toBe('tok0 toktok1 toktok2 toktok3 tok');
		expect(summary.chunkCount).toBe(chunked.length);
		expect(summary.usage).toEqual({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
		expect(summary.format).toBe('sse');
	});

	it('aggregates an NDJSON stream', async () => {
		const result = await invoke({ path: '/generate', jsonBody: GENERATE_BODY, streamOutput: 'aggregate' });
		expect(result.error).toBeUndefined();
		expect(result.lastNodeJson('Invoke')).toEqual([
			expect.objectContaining({ text: 'tok0 ttok1 ttok2 t', chunkCount: 4, usage: null, format: 'ndjson' }),
		]);
	});

	it('forwards each chunk live with sendChunk when the workflow streams (coalescing off), and still returns the items', async () => {
		const result = await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY, options: { coalesceLiveChunksMs: 0 } }, [{}], {}, true);
		expect(result.error).toBeUndefined();
		const items = result.lastNodeJson('Invoke');
		expect(items).toHaveLength(7);
		const sent = result.chunks.filter((chunk) => chunk.metadata.nodeName === 'Invoke');
		expect(sent.map((chunk) => chunk.type)).toEqual(['begin', ...items.map(() => 'item'), 'end']);
		const sentTexts = sent.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content);
		expect(sentTexts.slice(1, 5)).toEqual(['tok0 tok', 'tok1 tok', 'tok2 tok', 'tok3 tok']);
		items.forEach((item, index) => {
			if (item.text !== undefined) expect(sentTexts[index]).toBe(item.text);
		});
	});

	it('sends no chunks when the workflow does not stream', async () => {
		const result = await invoke({ path: '/v1/chat/completions', jsonBody: CHAT_BODY });
		expect(result.chunks).toHaveLength(0);
		expect(result.lastNodeJson('Invoke')).toHaveLength(7);
	});
});

describe('whole responses and request bodies', () => {
	it('sends each input item\'s JSON as the body with Body: Input Item', async () => {
		const items = [{ prompt: 'first', n: 1 }, { prompt: 'second', nested: { list: [1, 2] } }];
		const result = await invoke({ path: '/echo', bodyType: 'item' }, items);
		expect(result.error).toBeUndefined();
		const echoed = result.lastNodeJson('Invoke').map((json) => json.body as { body: string; headers: Record<string, string> });
		expect(echoed.map((answer) => JSON.parse(answer.body))).toEqual(items);
		expect(echoed.every((answer) => answer.headers['content-type'] === 'application/json')).toBe(true);
	});

	it('gives one item with status, headers and the parsed JSON body of POST /echo; custom headers go through, authorization does not', async () => {
		const jsonBody = '{"question": "why?",  "n": 1}';
		const result = await invoke({
			path: '/echo',
			jsonBody,
			headers: { header: [{ name: 'X-Custom-Test', value: 'custom-value' }] },
			options: { includeHeaders: 'content-type, x-vertex-ai-deployed-model-id' },
		});
		expect(result.error).toBeUndefined();
		const [item, ...rest] = result.lastNodeJson('Invoke');
		expect(rest).toHaveLength(0);
		expect(item.status).toBe(200);
		expect(item.headers).toMatchObject({
			'content-type': expect.stringContaining('application/json'),
			'x-vertex-ai-deployed-model-id': chat.deployedModelId,
		});
		const echoed = item.body as { method: string; path: string; body: string; headers: Record<string, string> };
		expect(echoed.method).toBe('POST');
		expect(echoed.path).toBe('/echo');
		// The JSON body is sent as the user wrote it, spacing included.
		expect(echoed.body).toBe(jsonBody);
		expect(echoed.headers['x-custom-test']).toBe('custom-value');
		expect(echoed.headers['content-type']).toBe('application/json');
		expect(Object.keys(echoed.headers)).not.toContain('authorization');
		const forwarded = env.emulator.requestLog('forwarded').at(-1);
		expect(forwarded).toMatchObject({ path: '/echo', deployedModelId: chat.deployedModelId });
		expect(forwarded && 'headerNames' in forwarded ? forwarded.headerNames : []).not.toContain('authorization');
	});

	it('sends a raw text body byte-exact with its content type', async () => {
		const text = 'héllo ✓\nline two\r\n\ttabbed 🚀';
		const result = await invoke({ path: '/echo', bodyType: 'text', textBody: text, contentType: 'text/x-test; charset=utf-8' });
		expect(result.error).toBeUndefined();
		const echoed = result.lastNodeJson('Invoke')[0].body as { body: string; bodyBytes: number; headers: Record<string, string> };
		expect(echoed.body).toBe(text);
		expect(echoed.bodyBytes).toBe(Buffer.byteLength(text));
		expect(echoed.headers['content-type']).toBe('text/x-test; charset=utf-8');
	});

	it('sends a binary property byte-exact and returns a binary response as a binary property', async () => {
		const bytes = Buffer.concat([Buffer.from([0, 0xff, 0x80, 0xfe, 0x0d, 0x0a]), randomBytes(64 * 1024)]);
		const binary: Array<Record<string, TestBinary>> = [{ upload: { data: bytes, mimeType: 'application/x-test-bytes' } }];
		rawBodies.length = 0;
		const result = await runNodes(env, {
			nodes: [
				sourceNode('Start', [{}], binary),
				invokeNode({
					endpoint: locator(raw.endpointId),
					path: '/raw',
					bodyType: 'binary',
					binaryPropertyName: 'upload',
					options: { outputBinaryPropertyName: 'answer' },
				}),
			],
			connections: chain('Start', 'Invoke'),
		});
		expect(result.error).toBeUndefined();
		expect(rawBodies).toHaveLength(1);
		expect(createHash('sha256').update(rawBodies[0]).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
		const [item] = result.lastNodeOutput('Invoke');
		expect(item.json).toMatchObject({ status: 200, binaryProperty: 'answer' });
		const answer = item.binary?.answer;
		expect(answer?.mimeType).toBe('application/octet-stream');
		expect(Buffer.from(answer?.data ?? '', 'base64').equals(bytes)).toBe(true);
	});
});

describe('binary answers', () => {
	it("names the output file after the model server's Content-Disposition and puts it in the chosen field", async () => {
		const result = await invoke({
			endpoint: locator(raw.endpointId),
			path: '/speech',
			bodyType: 'none',
			options: { outputBinaryPropertyName: 'audio' },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.lastNodeOutput('Invoke');
		expect(item.json).toMatchObject({ status: 200, binaryProperty: 'audio' });
		expect(item.binary?.audio).toMatchObject({ fileName: 'answer.wav', mimeType: 'audio/wav' });
		expect(Buffer.from(item.binary?.audio.data ?? '', 'base64').toString()).toBe('RIFF0000WAVE');
	});
});

describe('limits that protect memory', () => {
	it('refuses an answer larger than "Max Response Size (MB)", naming the option, and reads it when raised', async () => {
		const bytes = randomBytes(3 * 1024 * 1024);
		const run = (maxResponseMb: number) =>
			runNodes(env, {
				nodes: [
					sourceNode('Start', [{}], [{ upload: { data: bytes, mimeType: 'application/octet-stream' } }]),
					invokeNode({ endpoint: locator(raw.endpointId), path: '/raw', bodyType: 'binary', binaryPropertyName: 'upload', options: { maxResponseMb } }),
				],
				connections: chain('Start', 'Invoke'),
			});
		const refused = await run(2);
		expect(refused.error?.message).toMatch(/more than the 2097152 bytes allowed/);
		expect(refused.error?.description).toContain('"Max Response Size (MB)"');
		const read = await run(4);
		expect(read.error).toBeUndefined();
		expect(Buffer.from(read.lastNodeOutput('Invoke')[0].binary?.data.data ?? '', 'base64').equals(bytes)).toBe(true);
	});

	it('stops a stream with more chunks than "Max Chunks", naming the option', async () => {
		const result = await invoke({ path: '/generate', jsonBody: '{"chunks":30,"chunkSize":4}', options: { maxChunks: 10 } });
		expect(result.error?.message).toMatch(/more than the 10 chunks allowed/);
		expect(result.error?.description).toContain('"Max Chunks"');
		const within = await invoke({ path: '/generate', jsonBody: '{"chunks":30,"chunkSize":4}', options: { maxChunks: 31 } });
		expect(within.error).toBeUndefined();
		expect(within.lastNodeJson('Invoke')).toHaveLength(31);
	});
});

describe('items', () => {
	it('runs items concurrently and returns the outcomes in input order with their pairedItem', async () => {
		// Earlier items stream slower, so with concurrency they finish last.
		const items = [0, 1, 2, 3, 4].map((n) => ({ chunkSize: n + 2, delayMs: (5 - n) * 15 }));
		const result = await invoke(
			{
				path: '/generate',
				jsonBody: '={{ JSON.stringify({ chunks: 2, chunkSize: $json.chunkSize, delayMs: $json.delayMs }) }}',
				streamOutput: 'aggregate',
				options: { concurrency: 3 },
			},
			items,
		);
		expect(result.error).toBeUndefined();
		const output = result.lastNodeOutput('Invoke');
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(output.map((item) => (item.json.text as string).length)).toEqual(items.map(({ chunkSize }) => 2 * chunkSize));
	});

	it('stops the other items\' streams when one item fails the node', async () => {
		// GET /metrics of the sample model server, through the emulator's data plane (invoke itself only POSTs).
		const client = clientFromCredential(env.credential);
		const metricsUrl = `${env.emulator.baseUrl}/v1/${client.endpointName(chat.endpointId)}/invoke/metrics`;
		const activeStreams = async () => {
			const metrics = await fetch(metricsUrl, { headers: { authorization: `Bearer ${await client.getAccessToken()}` } });
			return Number(/^sample_active_streams (\d+)$/m.exec(await metrics.text())?.[1]);
		};
		expect(await activeStreams()).toBe(0);
		// Item 0 streams for a minute; item 1 gets the model server's 404 at once and fails the node.
		const result = await invoke(
			{
				path: '={{ $json.path }}',
				jsonBody: '{"chunks": 600, "delayMs": 100}',
				streamOutput: 'aggregate',
				options: { concurrency: 2 },
			},
			[{ path: '/generate' }, { path: '/no/such/route' }],
		);
		expect(result.error?.name).toBe('NodeApiError');
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
		expect(result.error?.message).not.toMatch(/does not exist there/);
		// The minute-long stream was torn down with the node, not left running.
		for (let attempt = 0; attempt < 100 && (await activeStreams()) > 0; attempt++) await new Promise((r) => setTimeout(r, 20));
		expect(await activeStreams()).toBe(0);
	});

	it('reads a fixed parameter once per run and an expression once per item, and sends what each item gave', async () => {
		// The engine's own context, with getNodeParameter counted per parameter name.
		const reads = new Map<string, number>();
		class CountingInvoke extends VertexAiInvoke {
			async execute(this: IExecuteFunctions) {
				const getNodeParameter = this.getNodeParameter.bind(this) as (...args: unknown[]) => unknown;
				(this as { getNodeParameter: unknown }).getNodeParameter = (name: string, ...rest: unknown[]) => {
					reads.set(name, (reads.get(name) ?? 0) + 1);
					return getNodeParameter(name, ...rest);
				};
				return await VertexAiInvoke.prototype.execute.call(this);
			}
		}
		const items = Array.from({ length: 20 }, (_, n) => ({ tag: `item ${n}` }));
		const result = await runNodes(env, {
			nodes: [
				sourceNode('Start', items),
				{
					name: 'Invoke',
					type: 'test.countingInvoke',
					parameters: { endpoint: locator(chat.endpointId), path: '/echo', bodyType: 'text', textBody: '={{ $json.tag }}', options: { concurrency: 4 } },
				},
			],
			connections: chain('Start', 'Invoke'),
			nodeTypes: { 'test.countingInvoke': CountingInvoke },
		});
		expect(result.error).toBeUndefined();
		expect(result.lastNodeJson('Invoke').map((json) => (json.body as { body: string }).body)).toEqual(items.map(({ tag }) => tag));
		// The check of all items before the first request builds each request; the send reuses it.
		expect(reads.get('textBody')).toBe(items.length);
		expect(reads.get('path')).toBe(1);
		expect(reads.get('endpoint')).toBe(1);
		expect(reads.get('options.timeoutSeconds')).toBe(1);
	});

	const perItemPath = { path: '={{ $json.path }}', bodyType: 'text', textBody: '={{ $json.tag }}' };
	const mixedItems = [
		{ path: '/echo', tag: 'first' },
		{ path: '/../x', tag: 'bad' },
		{ path: '/echo', tag: 'third' },
	];

	it('with Continue On Fail turns a bad path into an error item and still serves the other items', async () => {
		const result = await invoke(perItemPath, mixedItems, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const output = result.lastNodeOutput('Invoke');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect((output[0].json.body as { body: string }).body).toBe('first');
		expect(output[1].json).toEqual({ error: expect.stringContaining('/../x'), details: expect.stringContaining('"Path"') });
		expect((output[2].json.body as { body: string }).body).toBe('third');
		expect(env.emulator.requestLog().some((entry) => entry.path.includes('..'))).toBe(false);
	});

	it('without Continue On Fail fails the node with a NodeOperationError naming the parameter, before any item is sent', async () => {
		const forwardedBefore = env.emulator.requestLog('forwarded').length;
		const result = await invoke(perItemPath, mixedItems);
		// Every item's parameters are checked before the first request: item 0 (a good path) was not sent either.
		expect(env.emulator.requestLog('forwarded')).toHaveLength(forwardedBefore);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('/../x');
		expect(result.error?.description).toContain('"Path"');
		expect(result.nodeError('Invoke')?.name).toBe('NodeOperationError');
	});
});

describe('a pinned deployed model', () => {
	let first: DeployedModel;
	let second: DeployedModel;

	beforeAll(async () => {
		first = await deployModel(env, { modelId: 'split-a', endpointId: 'split-endpoint' });
		second = await deployModel(env, { modelId: 'split-b', endpointId: 'split-endpoint' }, { deploy: { trafficPercentage: 50 } });
	}, 60_000);

	it('deploys the second model with 50% and scales the first down to 50%', () => {
		expect(second.trafficSplit).toEqual({ [first.deployedModelId]: 50, [second.deployedModelId]: 50 });
	});

	it('sends every call of target "One Deployed Model" to that model, whatever the split', async () => {
		for (const pinned of [first, second]) {
			const items = Array.from({ length: 12 }, (_, n) => ({ n }));
			const result = await invoke(
				{
					endpoint: locator('split-endpoint'),
					path: '/echo',
					bodyType: 'none',
					target: 'deployedModel',
					deployedModel: locator(pinned.deployedModelId),
					options: { includeHeaders: '*' },
				},
				items,
			);
			expect(result.error).toBeUndefined();
			const output = result.lastNodeJson('Invoke');
			expect(output).toHaveLength(12);
			for (const item of output) {
				expect((item.headers as IDataObject)['x-vertex-ai-deployed-model-id']).toBe(pinned.deployedModelId);
				expect((item.body as { deployedModelId: string }).deployedModelId).toBe(pinned.deployedModelId);
			}
		}
	});
});

describe('defaults and errors of the data plane', () => {
	it('puts the documented default response headers (content-type and the deployed model id) in the output', async () => {
		const result = await invoke({ path: '/echo', bodyType: 'none' });
		expect(result.error).toBeUndefined();
		expect(Object.keys(result.lastNodeJson('Invoke')[0].headers as IDataObject).sort()).toEqual([
			'content-type',
			'x-vertex-ai-deployed-model-id',
		]);
	});

	it("maps a model server's 404 to a NodeApiError with the status", async () => {
		const result = await invoke({ path: '/no-such-route', bodyType: 'none' });
		expect(result.error?.name).toBe('NodeApiError');
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
	});

	it.each([
		['/refuse', '422', 'prompt is too long: 9000 tokens'],
		['/crash', '500', 'CUDA out of memory'],
	])("shows the model server's own error body for %s in the node error", async (path, httpCode, body) => {
		const result = await invoke({ endpoint: locator(raw.endpointId), path, bodyType: 'none' });
		expect(result.error?.name).toBe('NodeApiError');
		expect((result.error as { httpCode?: string }).httpCode).toBe(httpCode);
		expect(`${result.error?.message} ${result.error?.description ?? ''}`).toContain(body);

		const continued = await invoke({ endpoint: locator(raw.endpointId), path, bodyType: 'none' }, [{}], { continueOnFail: true });
		expect(continued.error).toBeUndefined();
		const [item] = continued.lastNodeJson('Invoke');
		expect(`${item.error} ${item.details}`).toContain(body);
	});

	it('retries a 429 only when "Retry on 429 and 503" is on', async () => {
		// A failed assertion must not leave a fault behind for the next test.
		try {
			env.emulator.addFault({ kind: 'rate-limit', path: '/invoke/echo$', retryAfterSeconds: 1 });
			const once = await invoke({ path: '/echo', bodyType: 'none' });
			expect(once.error?.name).toBe('NodeApiError');
			expect((once.error as { httpCode?: string }).httpCode).toBe('429');
			expect(once.error?.description).toContain('RESOURCE_EXHAUSTED');

			env.emulator.addFault({ kind: 'rate-limit', path: '/invoke/echo$', retryAfterSeconds: 1 });
			const retried = await invoke({ path: '/echo', bodyType: 'none', options: { retry: true } });
			expect(retried.error).toBeUndefined();
			expect(retried.lastNodeJson('Invoke')[0].status).toBe(200);
		} finally {
			env.emulator.clearFaults();
		}
	}, 20_000);
});
