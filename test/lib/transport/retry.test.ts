/**
 * The one retry policy: which failures each named scope calls transient, the pause (Retry-After and its cap,
 * backoff), the attempt limit, and that the chat model / embeddings requests (postJson) follow it.
 */
import {
	backoffCeilingMs,
	DEFAULT_RETRY_POLICY,
	isTransientError,
	MODEL_SERVER_RETRY_POLICY,
	modelServerRetryPolicy,
	POLL_TRANSIENT,
	retryDelayMs,
	withRetries,
	type TransientScope,
} from '../../../lib/transport/retry';
import { abortedError } from '../../../lib/transport/abort';
import { VertexApiError, VertexTransportError, VertexValidationError, type InvokeResponse, type VertexClient } from '../../../lib';
import { postJson, type OpenAiTarget } from '../../../nodes/shared/openAi';

const api = (httpStatus: number, status?: string, retryAfterMs?: number) =>
	new VertexApiError(`failed ${httpStatus}`, httpStatus, status, [], undefined, retryAfterMs);
const network = (code: string | undefined) => new VertexTransportError('network', code);

const TRANSPORT: TransientScope = DEFAULT_RETRY_POLICY.transient ?? {};
const MODEL_SERVER = MODEL_SERVER_RETRY_POLICY.transient ?? {};

describe('which failures are transient, per named scope', () => {
	// [failure, transport, operation poll, model server]
	it.each<[string, unknown, boolean, boolean, boolean]>([
		['429', api(429), true, true, true],
		['503', api(503), true, true, true],
		['500 carrying UNAVAILABLE', api(500, 'UNAVAILABLE'), true, true, true],
		['408', api(408), false, true, true],
		['500', api(500), false, true, true],
		['504', api(504), false, true, true],
		['501 UNIMPLEMENTED', api(501, 'UNIMPLEMENTED'), false, false, false],
		['409', api(409), false, false, true],
		['409 ABORTED', api(409, 'ABORTED'), false, true, true],
		['400', api(400, 'INVALID_ARGUMENT'), false, false, false],
		['401', api(401), false, false, false],
		['404', api(404, 'NOT_FOUND'), false, false, false],
		['ECONNRESET', network('ECONNRESET'), true, true, true],
		['connect timeout', network('UND_ERR_CONNECT_TIMEOUT'), true, true, true],
		['headers timeout', network('UND_ERR_HEADERS_TIMEOUT'), false, true, true],
		['a network error without a code', network(undefined), false, false, true],
		['a cancelled request', abortedError(), false, false, false],
		['bad input', new VertexValidationError('bad', 'field'), false, false, false],
		['a plain Error', new Error('bug'), false, false, false],
	])('%s', (_label, error, transport, poll, modelServer) => {
		expect([isTransientError(error, TRANSPORT), isTransientError(error, POLL_TRANSIENT), isTransientError(error, MODEL_SERVER)]).toEqual([
			transport,
			poll,
			modelServer,
		]);
	});
});

describe('the pause before a retry', () => {
	it('is the Retry-After when the server gave one within the cap, else nothing (the failure is final)', () => {
		expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 3_000)).toBe(3_000);
		expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 60_000)).toBe(60_000);
		expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 60_001)).toBeUndefined();
	});

	it('is the jittered backoff without a Retry-After', () => {
		expect(retryDelayMs(2, MODEL_SERVER_RETRY_POLICY, undefined, () => 1)).toBe(2_000);
		expect(retryDelayMs(2, MODEL_SERVER_RETRY_POLICY, undefined, () => 0)).toBe(1_000);
		expect(backoffCeilingMs(30, MODEL_SERVER_RETRY_POLICY)).toBe(MODEL_SERVER_RETRY_POLICY.maxDelayMs);
	});

	it("gives the model server the node's Max Retries plus the first attempt", () => {
		expect(modelServerRetryPolicy(0).maxAttempts).toBe(1);
		expect(modelServerRetryPolicy(2).maxAttempts).toBe(3);
	});
});

describe('withRetries', () => {
	const quick = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 1, maxDelayMs: 2 };

	it('stops after maxAttempts', async () => {
		let calls = 0;
		await expect(
			withRetries(() => {
				calls++;
				return Promise.reject(api(503));
			}, quick),
		).rejects.toThrow('failed 503');
		expect(calls).toBe(quick.maxAttempts);
	});

	it('does not retry what its scope does not call transient', async () => {
		let calls = 0;
		await expect(
			withRetries(() => {
				calls++;
				return Promise.reject(api(500));
			}, quick),
		).rejects.toThrow('failed 500');
		expect(calls).toBe(1);
	});
});

describe('the chat model / embeddings requests follow the policy', () => {
	const answer = { status: 200 } as InvokeResponse;

	/** A client whose invoke fails with each of `failures` in turn, then answers. */
	function scriptedTarget(failures: unknown[], maxRetries = 2): { target: OpenAiTarget; calls: () => number } {
		let calls = 0;
		const client = {
			invoke: () => {
				const failure = failures[calls++];
				return failure === undefined ? Promise.resolve(answer) : Promise.reject(failure);
			},
		} as unknown as VertexClient;
		return { target: { client, endpoint: 'ep', routePrefix: '/v1', timeoutMs: 1000, maxRetries }, calls: () => calls };
	}

	afterEach(() => jest.useRealTimers());

	it('honours a 429 Retry-After: the next attempt comes after it, not after the backoff', async () => {
		jest.useFakeTimers();
		const { target, calls } = scriptedTarget([api(429, 'RESOURCE_EXHAUSTED', 5_000)]);
		const sent = postJson(target, '/chat/completions', {});
		await jest.advanceTimersByTimeAsync(4_999);
		expect(calls()).toBe(1);
		await jest.advanceTimersByTimeAsync(1);
		expect(calls()).toBe(2);
		await expect(sent).resolves.toBe(answer);
	});

	it('gives up at once on a Retry-After longer than the cap', async () => {
		const { target, calls } = scriptedTarget([api(429, 'RESOURCE_EXHAUSTED', 61_000)]);
		await expect(postJson(target, '/chat/completions', {})).rejects.toThrow('failed 429');
		expect(calls()).toBe(1);
	});

	it('does not retry a 400', async () => {
		const { target, calls } = scriptedTarget([api(400, 'INVALID_ARGUMENT')]);
		await expect(postJson(target, '/chat/completions', {})).rejects.toThrow('failed 400');
		expect(calls()).toBe(1);
	});

	it('tries Max Retries times more, then reports the last failure', async () => {
		jest.useFakeTimers();
		const { target, calls } = scriptedTarget([api(502), api(502), api(502)], 2);
		const sent = postJson(target, '/embeddings', {});
		const settled = expect(sent).rejects.toThrow('failed 502');
		await jest.advanceTimersByTimeAsync(60_000);
		await settled;
		expect(calls()).toBe(3);
	});
});
