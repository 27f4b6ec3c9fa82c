/**
 * The authorised transport over real sockets on 127.0.0.1: retries (429 with Retry-After, 503,
 * connection reset) only for retryable requests, abort while waiting to retry, error envelopes, header
 * refusals, and the host policy that keeps the token away from untrusted hosts.
 */
import { Agent } from 'undici';
import { createServer, type Server } from 'node:net';
import { inspect } from 'node:util';

import {
	closeSharedAgent,
	readBodyText,
	TokenHostPolicy,
	VertexApiError,
	VertexTransport,
	VertexTransportError,
	VertexValidationError,
	type HttpRequest,
} from '../support/lib-internals';
import { FakeGoogle, sendGoogleError, sendJson, type RecordedRequest } from '../support/fakeGoogle';

let fake: FakeGoogle;
let token: string;
let tokenFetches = 0;

function transport(extra: { maxRetryAfterMs?: number; maxAttempts?: number } = {}): VertexTransport {
	return new VertexTransport({
		getAccessToken: async () => {
			tokenFetches += 1;
			return token;
		},
		hostPolicy: new TokenHostPolicy([fake.url]),
		userAgent: 'transport-test',
		retry: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: extra.maxAttempts ?? 4, maxRetryAfterMs: extra.maxRetryAfterMs ?? 60_000 },
	});
}

/** Serves `answers` in turn on a path, then the last one forever. */
function scripted(path: string, answers: Array<(request: RecordedRequest, response: import('node:http').ServerResponse) => void>): () => RecordedRequest[] {
	let calls = 0;
	fake.route('GET', new RegExp(`^${path}$`), (request, response) => answers[Math.min(calls++, answers.length - 1)](request, response));
	fake.route('POST', new RegExp(`^${path}$`), (request, response) => answers[Math.min(calls++, answers.length - 1)](request, response));
	return () => fake.apiRequests.filter((request) => request.path === path);
}

const ok = (_request: RecordedRequest, response: import('node:http').ServerResponse) => sendJson(response, 200, { ok: true });

beforeAll(async () => {
	fake = await FakeGoogle.start();
	token = fake.mintToken();
});

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

describe('retries', () => {
	it('retries a 429 after the Retry-After the server asked for, then succeeds', async () => {
		const seen = scripted('/retry-429', [
			(_request, response) => {
				response.setHeader('retry-after', '1');
				sendGoogleError(response, 429, 'RESOURCE_EXHAUSTED', 'slow down');
			},
			ok,
		]);
		const response = await transport().send({ method: 'GET', url: `${fake.url}/retry-429`, retry: true });
		expect(response.status).toBe(200);
		expect(await readBodyText(response.body)).toBe('{"ok":true}');
		const requests = seen();
		expect(requests).toHaveLength(2);
		// Retry-After: 1 means at least a second between the two attempts (a lower bound, never flaky).
		expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(900);
	});

	it('returns the 429 at once when Retry-After asks for longer than the client will wait', async () => {
		fake.route('GET', /^\/retry-429-long$/, (_request, response) => {
			response.setHeader('retry-after', '3600');
			sendGoogleError(response, 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests');
		});
		const error = await transport()
			.send({ method: 'GET', url: `${fake.url}/retry-429-long`, retry: true })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexApiError);
		expect((error as VertexApiError).httpStatus).toBe(429);
		expect((error as VertexApiError).message).toMatch(/quota or rate limit/);
		expect(fake.apiRequests.filter((request) => request.path === '/retry-429-long')).toHaveLength(1);
	});

	it('returns a 503 UNAVAILABLE at once when its Retry-After asks for longer than the client will wait', async () => {
		fake.route('GET', /^\/retry-503-long$/, (_request, response) => {
			response.setHeader('retry-after', '3600');
			sendGoogleError(response, 503, 'UNAVAILABLE', 'The service is currently unavailable.');
		});
		const error = await transport()
			.send({ method: 'GET', url: `${fake.url}/retry-503-long`, retry: true })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexApiError);
		expect((error as VertexApiError).status).toBe('UNAVAILABLE');
		expect(fake.apiRequests.filter((request) => request.path === '/retry-503-long')).toHaveLength(1);
	});

	it('waits the Retry-After of a 500 whose envelope says UNAVAILABLE', async () => {
		const seen = scripted('/retry-500-unavailable', [
			(_request, response) => {
				response.setHeader('retry-after', '1');
				sendGoogleError(response, 500, 'UNAVAILABLE', 'backend unavailable');
			},
			ok,
		]);
		const response = await transport().send({ method: 'GET', url: `${fake.url}/retry-500-unavailable`, retry: true });
		await readBodyText(response.body);
		const requests = seen();
		expect(requests).toHaveLength(2);
		expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(900);
	});

	it('retries 503 and a 500 whose envelope says UNAVAILABLE for a retryable request', async () => {
		const seen = scripted('/retry-503', [
			(_request, response) => sendGoogleError(response, 503, 'UNAVAILABLE', 'try again'),
			(_request, response) => sendGoogleError(response, 500, 'UNAVAILABLE', 'backend unavailable'),
			ok,
		]);
		const response = await transport().send({ method: 'GET', url: `${fake.url}/retry-503`, retry: true });
		expect(response.status).toBe(200);
		await readBodyText(response.body);
		expect(seen()).toHaveLength(3);
	});

	it('gives up after the bounded number of attempts with the last error', async () => {
		const seen = scripted('/always-503', [(_request, response) => sendGoogleError(response, 503, 'UNAVAILABLE', 'down')]);
		const error = await transport({ maxAttempts: 3 })
			.send({ method: 'GET', url: `${fake.url}/always-503`, retry: true })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexApiError);
		expect((error as VertexApiError).status).toBe('UNAVAILABLE');
		expect(seen()).toHaveLength(3);
	});

	it('does not retry a request that did not opt in', async () => {
		const seen = scripted('/no-retry', [(_request, response) => sendGoogleError(response, 503, 'UNAVAILABLE', 'down'), ok]);
		const error = await transport()
			.send({ method: 'POST', url: `${fake.url}/no-retry`, body: '{}' })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexApiError);
		expect((error as VertexApiError).httpStatus).toBe(503);
		expect(seen()).toHaveLength(1);
	});

	it('retries a connection reset before any response for a retryable request', async () => {
		const seen = scripted('/reset-then-ok', [(request) => destroySocketOf(request), ok]);
		const response = await transport().send({ method: 'GET', url: `${fake.url}/reset-then-ok`, retry: true });
		expect(response.status).toBe(200);
		await readBodyText(response.body);
		expect(seen()).toHaveLength(2);
	});

	it('reports a reset on a non-retryable request as a readable VertexTransportError, once', async () => {
		const seen = scripted('/reset-post', [(request) => destroySocketOf(request), ok]);
		const error = await transport()
			.send({ method: 'POST', url: `${fake.url}/reset-post`, body: '{"a":1}' })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexTransportError);
		// The reason first, the request after it.
		expect((error as VertexTransportError).message).toMatch(/^The connection .* was closed by the other side .*\. \(POST http:\/\/127\.0\.0\.1:\d+\/reset-post\)$/);
		expect((error as VertexTransportError).context).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/reset-post$/);
		expect((error as Error).message).not.toContain('    at ');
		expect(seen()).toHaveLength(1);
	});

	it('retries refused connections and then reports them readably', async () => {
		const port = await closedPort();
		const policy = new TokenHostPolicy([`http://127.0.0.1:${port}`]);
		// Counts the attempts that reach the dispatcher: a refused port leaves no trace on any server.
		let attempts = 0;
		const dispatcher = new Agent();
		const dispatch = dispatcher.dispatch.bind(dispatcher);
		dispatcher.dispatch = (options, handler) => {
			attempts++;
			return dispatch(options, handler);
		};
		const sender = new VertexTransport({ getAccessToken: async () => token, hostPolicy: policy, dispatcher, retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 } });
		const error = await sender.send({ method: 'GET', url: `http://127.0.0.1:${port}/x`, retry: true }).catch((caught: unknown) => caught);
		await dispatcher.close();
		expect(error).toBeInstanceOf(VertexTransportError);
		expect((error as VertexTransportError).code).toBe('ECONNREFUSED');
		expect((error as Error).message).toContain('was refused');
		expect(attempts).toBe(3);
	});
});

describe('abort', () => {
	it('stops while waiting for a retry and sends nothing more', async () => {
		fake.route('GET', /^\/abort-wait$/, (_request, response) => {
			response.setHeader('retry-after', '30');
			sendGoogleError(response, 503, 'UNAVAILABLE', 'come back later');
		});
		const controller = new AbortController();
		const pending = transport().send({ method: 'GET', url: `${fake.url}/abort-wait`, retry: true, signal: controller.signal });
		await waitFor(() => fake.apiRequests.some((request) => request.path === '/abort-wait'));
		await new Promise((resolve) => setTimeout(resolve, 50));
		controller.abort();
		const error = await pending.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexTransportError);
		expect((error as VertexTransportError).code).toBe('ABORTED');
		expect(fake.apiRequests.filter((request) => request.path === '/abort-wait')).toHaveLength(1);
	});

	it('aborts a request whose headers have not arrived yet', async () => {
		let release: () => void = () => undefined;
		fake.route('GET', /^\/slow$/, (_request, response) => {
			release = () => sendJson(response, 200, {});
		});
		const controller = new AbortController();
		const pending = transport().send({ method: 'GET', url: `${fake.url}/slow`, signal: controller.signal });
		await waitFor(() => fake.apiRequests.some((request) => request.path === '/slow'));
		controller.abort();
		const error = await pending.catch((caught: unknown) => caught);
		release();
		expect((error as VertexTransportError).code).toBe('ABORTED');
	});
});

describe('timeouts', () => {
	it('applies the headers timeout while waiting for the answer', async () => {
		const held: Array<() => void> = [];
		fake.route('GET', /^\/no-headers$/, (_request, response) => {
			held.push(() => response.end());
		});
		const error = (await transport()
			.send({ method: 'GET', url: `${fake.url}/no-headers`, headersTimeoutMs: 200 })
			.catch((caught: unknown) => caught)) as VertexTransportError;
		held.forEach((release) => release());
		expect(error).toBeInstanceOf(VertexTransportError);
		expect(error.code).toBe('UND_ERR_HEADERS_TIMEOUT');
		expect(error.message).toContain('headers timeout');
	});

	it('applies the body timeout between chunks, separately from the headers timeout', async () => {
		fake.route('GET', /^\/stalled-body$/, (_request, response) => {
			response.writeHead(200, { 'content-type': 'text/plain' });
			response.write('first chunk');
		});
		const response = await transport().send({ method: 'GET', url: `${fake.url}/stalled-body`, headersTimeoutMs: 10_000, bodyTimeoutMs: 200 });
		const received: string[] = [];
		const error = await (async () => {
			for await (const chunk of response.body) received.push(Buffer.from(chunk).toString());
		})().catch((caught: unknown) => caught);
		expect(received.join('')).toBe('first chunk');
		expect(error).toBeInstanceOf(VertexTransportError);
		expect((error as VertexTransportError).code).toBe('UND_ERR_BODY_TIMEOUT');
		expect((error as Error).message).toContain('body timeout');
	});

	it('turns an abort while the body streams into an ABORTED error', async () => {
		fake.route('GET', /^\/endless$/, (_request, response) => {
			response.writeHead(200, { 'content-type': 'text/plain' });
			response.write('tick');
		});
		const controller = new AbortController();
		const response = await transport().send({ method: 'GET', url: `${fake.url}/endless`, signal: controller.signal });
		const error = await (async () => {
			for await (const chunk of response.body) {
				void chunk;
				controller.abort();
			}
		})().catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexTransportError);
		expect((error as VertexTransportError).code).toBe('ABORTED');
	});
});

describe('errors and headers', () => {
	it('parses the Google envelope with field violations and an actionable message, without the token', async () => {
		fake.route('POST', /^\/bad-request$/, (_request, response) =>
			sendGoogleError(response, 400, 'INVALID_ARGUMENT', `Invalid request (seen token ${token})`, [
				{
					'@type': 'type.googleapis.com/google.rpc.BadRequest',
					fieldViolations: [{ field: 'deployed_model.dedicated_resources.min_replica_count', description: 'must be >= 1' }],
				},
			]),
		);
		const error = (await transport()
			.send({ method: 'POST', url: `${fake.url}/bad-request`, body: '{}' })
			.catch((caught: unknown) => caught)) as VertexApiError;
		expect(error).toBeInstanceOf(VertexApiError);
		expect(error.httpStatus).toBe(400);
		expect(error.status).toBe('INVALID_ARGUMENT');
		expect(error.fieldViolations).toEqual([
			{ field: 'deployed_model.dedicated_resources.min_replica_count', description: 'must be >= 1' },
		]);
		expect(error.message).toContain('min_replica_count: must be >= 1');
		for (const text of [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 5 })]) {
			expect(text).not.toContain(token);
		}
	});

	it('explains 403 permission problems by permission, and a disabled API', async () => {
		fake.route('GET', /^\/denied$/, (_request, response) =>
			sendGoogleError(response, 403, 'PERMISSION_DENIED', "Permission 'aiplatform.endpoints.get' denied", [
				{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', metadata: { permission: 'aiplatform.endpoints.get' } },
			]),
		);
		fake.route('GET', /^\/disabled$/, (_request, response) =>
			sendGoogleError(response, 403, 'PERMISSION_DENIED', 'Vertex AI API has not been used in project 123 before or it is disabled.'),
		);
		const denied = (await transport().send({ method: 'GET', url: `${fake.url}/denied` }).catch((caught: unknown) => caught)) as VertexApiError;
		expect(denied.message).toContain('IAM permission "aiplatform.endpoints.get"');
		const disabled = (await transport().send({ method: 'GET', url: `${fake.url}/disabled` }).catch((caught: unknown) => caught)) as VertexApiError;
		expect(disabled.message).toMatch(/API .* looks disabled/);
	});

	it('keeps a model server error page as text (truncated) with throwOnHttpError, or returns it when asked', async () => {
		const page = `Internal Server Error\n${'x'.repeat(5000)}`;
		fake.route('POST', /^\/server-500$/, (_request, response) => {
			response.writeHead(500, { 'content-type': 'text/plain' });
			response.end(page);
		});
		const error = (await transport()
			.send({ method: 'POST', url: `${fake.url}/server-500`, body: 'hi' })
			.catch((caught: unknown) => caught)) as VertexApiError;
		expect(error).toBeInstanceOf(VertexApiError);
		expect(error.status).toBeUndefined();
		expect(error.message).toContain('Internal Server Error');
		expect(error.message).toContain('(truncated)');
		expect(error.message.length).toBeLessThan(2300);

		const response = await transport().send({ method: 'POST', url: `${fake.url}/server-500`, body: 'hi', throwOnHttpError: false });
		expect(response.status).toBe(500);
		expect(await readBodyText(response.body)).toBe(page);
	});

	it('sends the bearer token and user agent, and lower-cases response headers', async () => {
		fake.route('GET', /^\/echo$/, (request, response) => sendJson(response, 200, { auth: request.headers.authorization, ua: request.headers['user-agent'] }, { 'X-Custom': 'Yes' }));
		const response = await transport().send({ method: 'GET', url: `${fake.url}/echo`, headers: { 'X-Trace': '1' } });
		expect(JSON.parse(await readBodyText(response.body))).toEqual({ auth: `Bearer ${token}`, ua: 'transport-test' });
		expect(response.headers['x-custom']).toBe('Yes');
	});

	it.each(['Authorization', 'authorization', 'HOST'])('refuses a caller-supplied %s header before sending', async (name) => {
		const before = fake.requests.length;
		const fetchesBefore = tokenFetches;
		const request: HttpRequest = { method: 'GET', url: `${fake.url}/echo`, headers: { [name]: 'Bearer stolen' } };
		await expect(transport().send(request)).rejects.toThrow(VertexValidationError);
		expect(fake.requests).toHaveLength(before);
		expect(tokenFetches).toBe(fetchesBefore);
	});
});

describe('token host policy', () => {
	it.each([
		['an untrusted https host', 'https://attacker.example.com/v1/x', /only sent to https:\/\/\*\.googleapis\.com/],
		['a look-alike Google host', 'https://aiplatform.googleapis.com.evil.net/v1/x', /Refusing/],
		['plain http on a non-loopback host', 'http://us-central1-aiplatform.googleapis.com/v1/x', /plain http/],
		['a loopback address that was not configured', 'http://127.0.0.1:1/v1/x', /Refusing/],
	])('refuses %s before fetching a token or opening a socket', async (_label, url, message) => {
		const fetchesBefore = tokenFetches;
		const error = (await transport().send({ method: 'GET', url }).catch((caught: unknown) => caught)) as VertexValidationError;
		expect(error).toBeInstanceOf(VertexValidationError);
		expect(error.field).toBe('url');
		expect(error.message).toMatch(message);
		expect(tokenFetches).toBe(fetchesBefore);
	});
});

describe('one transport sending to several URLs', () => {
	it('checks each URL it is given: an allowed one does not let the next through, nor send it to the last one', async () => {
		const sender = transport();
		const first = await sender.send({ method: 'GET', url: `${fake.url}/echo` });
		expect(JSON.parse(await readBodyText(first.body))).toMatchObject({ auth: `Bearer ${token}` });
		const fetchesBefore = tokenFetches;
		for (const url of ['https://attacker.example.com/v1/x', 'http://127.0.0.1:1/v1/x']) {
			await expect(sender.send({ method: 'GET', url })).rejects.toMatchObject({ field: 'url', message: expect.stringMatching(/Refusing/) });
		}
		expect(tokenFetches).toBe(fetchesBefore);
		const seen = scripted('/another-path', [ok]);
		const second = await sender.send({ method: 'POST', url: `${fake.url}/another-path?x=1`, body: '{}' });
		await readBodyText(second.body);
		expect(seen()).toHaveLength(1);
		expect(seen()[0]).toMatchObject({ method: 'POST', url: '/another-path?x=1' });
	});
});

function destroySocketOf(request: RecordedRequest): void {
	request.socket.destroy();
}

async function waitFor(condition: () => boolean): Promise<void> {
	for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
	if (!condition()) throw new Error('condition not met');
}

async function closedPort(): Promise<number> {
	const server: Server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
