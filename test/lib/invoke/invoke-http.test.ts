import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VertexValidationError } from '../../../lib/errors';
import { invokeModelServer } from '../../../lib/invoke';
import { aggregateChunks, VertexStreamError, type StreamChunk } from '../../../lib/stream';
import { RecordingTransport } from './recording-transport';

/**
 * Invoke over real sockets on 127.0.0.1: a node:http server plays the model server behind Vertex and streams in
 * many small writes; the test's undici sender carries the request built by invokeModelServer.
 */

const ENDPOINT_NAME = 'projects/123456789012/locations/us-central1/endpoints/8123456789';
const INVOKE_BASE = `/v1/${ENDPOINT_NAME}/invoke`;

interface ReceivedRequest {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: Buffer;
	/** Resolves when the connection closes; true when the response had not been finished by then. */
	closed: Promise<boolean>;
}

type Handler = (request: ReceivedRequest, response: ServerResponse) => Promise<void>;

/** A promise the test resolves to let the server go on. */
function gate(): { opened: Promise<void>; open: () => void } {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { opened, open };
}

/** Lets the event loop turn so each write leaves as its own piece (pacing only; nothing is timed). */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 2));

async function writeSlowly(response: ServerResponse, pieces: Array<string | Buffer>): Promise<void> {
	for (const piece of pieces) {
		response.write(piece);
		await nextTurn();
	}
}

/** Cuts a string's UTF-8 bytes into pieces of `size` bytes, so multi-byte characters fall across writes. */
function bytePieces(text: string, size: number): Buffer[] {
	const bytes = Buffer.from(text, 'utf8');
	const pieces: Buffer[] = [];
	for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
	return pieces;
}

describe('invokeModelServer over a loopback model server', () => {
	// A broken stream shows up as a hang; fail it well before jest's default.
	jest.setTimeout(15_000);

	let server: Server;
	let baseUrl: string;
	let sender: RecordingTransport;
	let handler: Handler;
	let received: ReceivedRequest[];

	beforeAll(async () => {
		server = createServer((request, response) => {
			const parts: Buffer[] = [];
			request.on('data', (part: Buffer) => parts.push(part));
			request.on('end', () => {
				const record: ReceivedRequest = {
					method: request.method ?? '',
					url: request.url ?? '',
					headers: request.headers,
					body: Buffer.concat(parts),
					closed: once(response, 'close').then(() => !response.writableFinished),
				};
				received.push(record);
				handler(record, response).catch((error: Error) => {
					if (!response.headersSent) response.writeHead(500);
					response.end(String(error));
				});
			});
		});
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		sender = new RecordingTransport(baseUrl);
	});

	beforeEach(() => {
		received = [];
	});

	afterAll(async () => {
		await sender.close();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	it('streams SSE: exact path, headers and body reach the server; the first chunk arrives before the last write', async () => {
		const finish = gate();
		let serverWroteLast = false;
		handler = async (_request, response) => {
			response.writeHead(200, {
				'content-type': 'text/event-stream',
				'x-vertex-ai-deployed-model-id': '1206978444030640128',
			});
			// The first event arrives cut inside "data:", inside a CRLF and inside multi-byte characters.
			await writeSlowly(response, [
				': ping\r\n\r\nda',
				...bytePieces('ta: {"choices":[{"delta":{"content":"Grüße "}}]}\r', 5),
				'\n\r\n',
			]);
			await finish.opened;
			await writeSlowly(response, [
				...bytePieces('data: {"choices":[{"delta":{"content":"日本 🎉"}}]}\n\n', 3),
				'event: usage\ndata: {"choices":[],"usage":{"total_tokens":12}}\n\n',
				'data: [DONE]\n\n',
			]);
			serverWroteLast = true;
			response.end();
		};

		const response = await invokeModelServer(
			sender,
			{ baseUrl, endpointName: ENDPOINT_NAME },
			{
				endpoint: '8123456789',
				path: '/v1/chat/completions',
				headers: { 'X-Request-Id': 'req-1', Accept: 'text/event-stream' },
				body: { kind: 'json', value: { messages: [{ role: 'user', content: 'Grüß dich' }], stream: true } },
			},
		);
		expect(response.status).toBe(200);
		expect(response.contentType).toBe('text/event-stream');
		expect(response.deployedModelId).toBe('1206978444030640128');

		const chunks: StreamChunk[] = [];
		const stream = response.chunks();
		for await (const chunk of stream) {
			chunks.push(chunk);
			if (chunks.length === 1) {
				expect(chunk.text).toBe('Grüße ');
				expect(serverWroteLast).toBe(false);
				finish.open();
			}
		}
		expect(stream.endedByDoneMarker).toBe(true);
		expect(await aggregateChunks(chunks)).toMatchObject({
			text: 'Grüße 日本 🎉',
			chunkCount: 3,
			usage: { total_tokens: 12 },
			lastEvent: { event: 'usage' },
		});

		expect(received).toHaveLength(1);
		const [request] = received;
		expect(request.method).toBe('POST');
		expect(request.url).toBe(`${INVOKE_BASE}/v1/chat/completions`);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers['x-request-id']).toBe('req-1');
		expect(request.headers.accept).toBe('text/event-stream');
		expect(request.body).toEqual(
			Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'Grüß dich' }], stream: true })),
		);
	});

	it('streams NDJSON from one deployed model with a bytes body and an encoded path', async () => {
		const finish = gate();
		let serverWroteLast = false;
		const lines = ['{"token":{"text":"Ça"}}', '{"token":{"text":" va ✓"}}', '{"token":{"text":"</s>","special":true}}'];
		handler = async (_request, response) => {
			response.writeHead(200, { 'content-type': 'application/x-ndjson' });
			await writeSlowly(response, bytePieces(`${lines[0]}\n`, 4));
			await finish.opened;
			await writeSlowly(response, bytePieces(`${lines[1]}\r\n\n${lines[2]}\n`, 2));
			serverWroteLast = true;
			response.end();
		};
		const payload = Buffer.from([0, 1, 2, 253, 254, 255]);

		const response = await invokeModelServer(
			sender,
			{ baseUrl, endpointName: ENDPOINT_NAME },
			{
				endpoint: ENDPOINT_NAME,
				path: '/models/my model:generate/ü',
				deployedModelId: '42',
				body: { kind: 'bytes', value: payload, contentType: 'application/x-custom' },
			},
		);
		const texts: Array<string | undefined> = [];
		for await (const chunk of response.chunks()) {
			texts.push(chunk.text);
			if (texts.length === 1) {
				expect(serverWroteLast).toBe(false);
				finish.open();
			}
		}
		expect(texts).toEqual(['Ça', ' va ✓', undefined]);
		expect(received[0].url).toBe(`/v1/${ENDPOINT_NAME}/deployedModels/42/invoke/models/my%20model:generate/%C3%BC`);
		expect(received[0].headers['content-type']).toBe('application/x-custom');
		expect(received[0].body).toEqual(payload);
	});

	it('releases the connection when the consumer stops reading early', async () => {
		handler = async (_request, response) => {
			response.writeHead(200, { 'content-type': 'text/event-stream' });
			response.write('data: {"text":"first"}\n\n');
			// Keeps the stream open until the client goes away.
			await once(response, 'close');
		};
		const response = await invokeModelServer(
			sender,
			{ baseUrl, endpointName: ENDPOINT_NAME },
			{ endpoint: 'e', path: '/stream' },
		);
		for await (const chunk of response.chunks()) {
			expect(chunk.text).toBe('first');
			break;
		}
		expect(await received[0].closed).toBe(true);
	});

	it('discard() drops an unread body and closes the connection', async () => {
		handler = async (_request, response) => {
			response.writeHead(200, { 'content-type': 'application/octet-stream' });
			response.write(Buffer.alloc(16));
			await once(response, 'close');
		};
		const response = await invokeModelServer(
			sender,
			{ baseUrl, endpointName: ENDPOINT_NAME },
			{ endpoint: 'e', path: '/blob' },
		);
		await response.discard();
		expect(await received[0].closed).toBe(true);
		await expect(response.chunks()[Symbol.asyncIterator]().next()).rejects.toThrow(VertexStreamError);
	});

	it('aborting the signal mid-stream ends the read and the connection', async () => {
		handler = async (_request, response) => {
			response.writeHead(200, { 'content-type': 'application/x-ndjson' });
			response.write('{"n":1}\n');
			await once(response, 'close');
		};
		const controller = new AbortController();
		const response = await invokeModelServer(
			sender,
			{ baseUrl, endpointName: ENDPOINT_NAME },
			{ endpoint: 'e', path: '/stream' },
			controller.signal,
		);
		const seen: unknown[] = [];
		await expect(
			(async () => {
				for await (const chunk of response.chunks()) {
					seen.push(chunk.data);
					controller.abort();
				}
			})(),
		).rejects.toThrow();
		expect(seen).toEqual([{ n: 1 }]);
		expect(await received[0].closed).toBe(true);
	});

	it('reads a unary JSON answer with json(), and a text answer with text()', async () => {
		handler = async (request, response) => {
			if (request.url.endsWith('/json')) {
				response.writeHead(200, { 'content-type': 'application/json' });
				await writeSlowly(response, bytePieces('{"choices":[{"message":{"content":"Hallo wörld"}}]}', 3));
			} else {
				response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
				await writeSlowly(response, bytePieces('plain ✓ text', 2));
			}
			response.end();
		};
		const target = { baseUrl, endpointName: ENDPOINT_NAME };
		const jsonResponse = await invokeModelServer(sender, target, { endpoint: 'e', path: '/json' });
		expect(await jsonResponse.json()).toEqual({ choices: [{ message: { content: 'Hallo wörld' } }] });
		const textResponse = await invokeModelServer(sender, target, { endpoint: 'e', path: '/text' });
		expect(await textResponse.text()).toBe('plain ✓ text');
		await expect(textResponse.text()).rejects.toThrow(/read only once/);
	});

	it('returns a model server error as a response when throwOnHttpError is false', async () => {
		handler = async (_request, response) => {
			response.writeHead(503, { 'content-type': 'application/json' });
			response.end('{"error":"warming up"}');
		};
		const response = await invokeModelServer(
			sender,
			{ baseUrl, endpointName: ENDPOINT_NAME },
			{ endpoint: 'e', path: '/generate', throwOnHttpError: false },
		);
		expect(response.status).toBe(503);
		expect(await response.json()).toEqual({ error: 'warming up' });
	});

	it('reads a body of declared length whole: once, within maxBytes, and a larger declared one is still refused', async () => {
		const target = { baseUrl, endpointName: ENDPOINT_NAME };
		const answer = JSON.stringify({ text: 'Grüße', pad: 'x'.repeat(100) });
		handler = async (_request, response) => {
			response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
			await writeSlowly(response, bytePieces(answer, 7));
			response.end();
		};
		const whole = await invokeModelServer(sender, target, { endpoint: 'e', path: '/declared' });
		expect(await whole.json()).toEqual(JSON.parse(answer));
		await expect(whole.text()).rejects.toMatchObject({ reason: 'already-consumed' });
		expect(() => whole.body[Symbol.asyncIterator]()).toThrow(expect.objectContaining({ reason: 'already-consumed' }));
		await whole.discard();

		const small = await invokeModelServer(sender, target, { endpoint: 'e', path: '/declared' });
		await expect(small.readAll({ maxBytes: 50 })).rejects.toMatchObject({ reason: 'too-large', message: expect.stringContaining('50 bytes allowed') });
		const exact = await invokeModelServer(sender, target, { endpoint: 'e', path: '/declared' });
		expect((await exact.readAll({ maxBytes: Buffer.byteLength(answer) })).toString('utf8')).toBe(answer);
	});

	it('caps what it holds in memory: whole bodies at 64 MiB by default, streams by chunk count and bytes', async () => {
		const target = { baseUrl, endpointName: ENDPOINT_NAME };
		handler = async (_request, response) => {
			response.writeHead(200, { 'content-type': 'application/octet-stream' });
			// 65 MiB in 1 MiB writes: more than the default cap; the client stops reading at 64 MiB.
			const piece = Buffer.alloc(1024 * 1024, 1);
			for (let i = 0; i < 65 && !response.destroyed; i++) {
				if (!response.write(piece)) await once(response, 'drain').catch(() => undefined);
			}
			response.end();
		};
		const big = await invokeModelServer(sender, target, { endpoint: 'e', path: '/big' });
		const tooLarge = await big.readAll().catch((error: unknown) => error);
		expect(tooLarge).toBeInstanceOf(VertexStreamError);
		expect(tooLarge).toMatchObject({ reason: 'too-large', message: expect.stringContaining('67108864 bytes allowed (maxBytes)') });
		const raised = await invokeModelServer(sender, target, { endpoint: 'e', path: '/big' });
		expect((await raised.readAll({ maxBytes: 70 * 1024 * 1024 })).length).toBe(65 * 1024 * 1024);

		handler = async (_request, response) => {
			response.writeHead(200, { 'content-type': 'application/x-ndjson' });
			for (let i = 0; i < 50; i++) response.write(`{"i":${i}}\n`);
			response.end();
		};
		const counted = await invokeModelServer(sender, target, { endpoint: 'e', path: '/lines' });
		const seen: number[] = [];
		const stopped = await (async () => {
			for await (const chunk of counted.chunks({ maxChunks: 20 })) seen.push((chunk.data as { i: number }).i);
		})().catch((error: unknown) => error);
		expect(stopped).toMatchObject({ reason: 'too-large', message: expect.stringContaining('20 chunks allowed (maxChunks)') });
		expect(seen).toHaveLength(20);

		const bytes = await invokeModelServer(sender, target, { endpoint: 'e', path: '/lines' });
		const cut = await aggregateChunks(bytes.chunks({ maxStreamBytes: 100 })).catch((error: unknown) => error);
		expect(cut).toMatchObject({ reason: 'too-large', message: expect.stringContaining('100 bytes allowed (maxStreamBytes)') });
		const whole = await invokeModelServer(sender, target, { endpoint: 'e', path: '/lines' });
		expect((await aggregateChunks(whole.chunks())).chunkCount).toBe(50);
	});

	it('sends nothing when the input is invalid', async () => {
		handler = async (_request, response) => {
			response.end();
		};
		const target = { baseUrl, endpointName: ENDPOINT_NAME };
		const sentBefore = sender.sent.length;
		const invalidInputs = [
			{ endpoint: 'e', path: '/a/%2e%2e/admin' },
			{ endpoint: 'e', path: '/admin', allowedPathPrefixes: ['/v1'] },
			{ endpoint: 'e', path: '/v1/x', headers: { Authorization: 'Bearer nope' } },
			{ endpoint: 'e', path: '/v1/x', body: { kind: 'bytes' as const, value: new Uint8Array(10 * 1024 * 1024 + 1) } },
			// Longer than INVOKE_MAX_PATH_LENGTH (4096), as given and once encoded.
			{ endpoint: 'e', path: `/${'a'.repeat(100_000)}` },
			{ endpoint: 'e', path: `/${'é'.repeat(1500)}` },
		];
		for (const input of invalidInputs) {
			await expect(invokeModelServer(sender, target, input)).rejects.toBeInstanceOf(VertexValidationError);
		}
		expect(sender.sent).toHaveLength(sentBefore);
		expect(received).toHaveLength(0);
	});
});
