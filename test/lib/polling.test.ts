/**
 * pollUntil under simulated time (jest fake timers): transient read errors never end a wait before its
 * deadline, permanent ones end it at once naming what was polled, Retry-After is honoured, abort still
 * wins; the poll schedule's counts and notice lag; and the two waits built on it (operation, endpoint DNS)
 * through a scripted HttpSender.
 *
 * The poll schedule under test is waitForOperation's default: first poll after 1 s, then a pause of
 * clamp(10 % of the time waited, 1 s, 20 s), shortened by up to 10 % jitter; reads take no time. The schedule
 * test prints what it measures ("poll schedule: ..."); `npm run bench` (bench/waits-bench.js) measures it against
 * the schedule before and an n8n Wait node loop.
 */
import { VertexApiError, VertexOperationError, VertexTransportError, VertexValidationError } from '../../lib/errors';
import type { HttpRequest, HttpResponse, HttpSender } from '../../lib/http';
import { listOperations, waitForOperation } from '../../lib/operations';
import { isTransientPollError, pollDelayMs, pollUntil, withMessagePrefix, type PollErrors, type PollOptions } from '../../lib/polling';
import { waitForDedicatedEndpointDns } from '../../lib/resources/endpoints';
import { apiErrorFromResponse } from '../../lib/transport/apiError';
import { abortedError } from '../../lib/transport/abort';

const OPERATION = 'projects/123456789012/locations/us-central1/endpoints/8123456789/operations/4242';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const unavailable = () =>
	new VertexApiError(`GET https://x/v1/${OPERATION} failed (HTTP 503 UNAVAILABLE): The service is currently unavailable.`, 503, 'UNAVAILABLE');
const rateLimited = (retryAfterMs?: number) =>
	new VertexApiError('GET failed (HTTP 429 RESOURCE_EXHAUSTED): Quota exceeded.', 429, 'RESOURCE_EXHAUSTED', [], undefined, retryAfterMs);
const serverError = (httpStatus: number, status?: string) => new VertexApiError(`GET failed (HTTP ${httpStatus})`, httpStatus, status);
const connectionReset = () => new VertexTransportError('GET https://x failed: the connection was closed by the other side.', 'ECONNRESET');
const denied = () => new VertexApiError('GET failed (HTTP 403 PERMISSION_DENIED): Permission denied.', 403, 'PERMISSION_DENIED');
const notFound = () => new VertexApiError('GET failed (HTTP 404 NOT_FOUND): Operation not found.', 404, 'NOT_FOUND');

/** The operation wait's errors, as waitForOperation builds them. */
const operationErrors: PollErrors = {
	timedOut: (lastFailure) =>
		new VertexOperationError(
			`Stopped waiting for operation ${OPERATION}: timed out.${lastFailure ? ` The last poll failed: ${lastFailure}` : ''}`,
			OPERATION,
			'timeout',
		),
	aborted: () => new VertexOperationError(`Stopped waiting for operation ${OPERATION}: cancelled.`, OPERATION, 'aborted'),
	failedPrefix: `Stopped waiting for operation ${OPERATION}`,
};

const defaults: PollOptions = { timeoutMs: 45 * MINUTE, initialDelayMs: SECOND, maxDelayMs: 20 * SECOND, pauseFirst: true, random: () => 0 };

interface Outcome<T> {
	value?: T;
	error?: unknown;
	/** Simulated ms from the start of the wait to its end. */
	endedAt: number;
	/** Simulated ms from the start of the wait to each read. */
	reads: number[];
}

/**
 * Runs pollUntil over a scripted read: each read takes the next step (the last one repeats); an Error step is
 * thrown, anything else returned. Simulated time runs until the wait ends.
 */
async function poll<T>(steps: Array<T | Error | ((elapsed: number) => T)>, options: Partial<PollOptions> = {}, errors = operationErrors): Promise<Outcome<T>> {
	const startedAt = Date.now();
	const reads: number[] = [];
	let index = 0;
	const read = async (): Promise<T> => {
		const elapsed = Date.now() - startedAt;
		reads.push(elapsed);
		const step = steps[Math.min(index++, steps.length - 1)];
		if (step instanceof Error) throw step;
		return typeof step === 'function' ? (step as (elapsed: number) => T)(elapsed) : (step as T);
	};
	let outcome: Outcome<T> | undefined;
	pollUntil(read, (value) => (value as { done?: boolean }).done === true, { ...defaults, ...options }, errors).then(
		(value) => (outcome = { value, endedAt: Date.now() - startedAt, reads }),
		(error: unknown) => (outcome = { error, endedAt: Date.now() - startedAt, reads }),
	);
	await jest.runAllTimersAsync();
	if (!outcome) throw new Error('the wait did not end');
	return outcome;
}

const done = { done: true };
const running = { done: false };

beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
afterEach(() => jest.useRealTimers());

describe('which read errors are transient', () => {
	it.each([
		['429 RESOURCE_EXHAUSTED', rateLimited()],
		['500', serverError(500)],
		['500 INTERNAL', serverError(500, 'INTERNAL')],
		['502 (proxy page, no envelope)', serverError(502)],
		['503 UNAVAILABLE', unavailable()],
		['504 DEADLINE_EXCEEDED', serverError(504, 'DEADLINE_EXCEEDED')],
		['408', serverError(408)],
		['409 ABORTED', serverError(409, 'ABORTED')],
		['400 carrying UNAVAILABLE', serverError(400, 'UNAVAILABLE')],
		['ECONNRESET', connectionReset()],
		['ECONNREFUSED', new VertexTransportError('refused', 'ECONNREFUSED')],
		['UND_ERR_SOCKET', new VertexTransportError('socket', 'UND_ERR_SOCKET')],
		['headers timeout', new VertexTransportError('headers timeout', 'UND_ERR_HEADERS_TIMEOUT')],
		['body timeout', new VertexTransportError('body timeout', 'UND_ERR_BODY_TIMEOUT')],
		['connect timeout', new VertexTransportError('connect timeout', 'UND_ERR_CONNECT_TIMEOUT')],
		['ETIMEDOUT', new VertexTransportError('timed out', 'ETIMEDOUT')],
	])('%s is transient', (_label, error) => {
		expect(isTransientPollError(error)).toBe(true);
	});

	it.each([
		['400 INVALID_ARGUMENT', serverError(400, 'INVALID_ARGUMENT')],
		['401 UNAUTHENTICATED', serverError(401, 'UNAUTHENTICATED')],
		['403 PERMISSION_DENIED', denied()],
		['404 NOT_FOUND', notFound()],
		['409 ALREADY_EXISTS', serverError(409, 'ALREADY_EXISTS')],
		['501 UNIMPLEMENTED', serverError(501, 'UNIMPLEMENTED')],
		['an answer that does not parse (HTTP 200)', serverError(200)],
		['a cancelled request', abortedError()],
		['an unresolvable host', new VertexTransportError('dns', 'ENOTFOUND')],
		['a bad certificate', new VertexTransportError('tls', 'CERT_HAS_EXPIRED')],
		['a network error without a code', new VertexTransportError('odd', undefined)],
		['a validation error', new VertexValidationError('bad', 'field')],
		['a plain Error', new Error('bug')],
	])('%s is not', (_label, error) => {
		expect(isTransientPollError(error)).toBe(false);
	});
});

describe('pollUntil', () => {
	it('keeps polling through transient errors, then resolves', async () => {
		const steps = [running, unavailable(), unavailable(), connectionReset(), rateLimited(), serverError(500), serverError(502), serverError(504, 'DEADLINE_EXCEEDED'), unavailable(), running, done];
		const outcome = await poll(steps);
		expect(outcome.error).toBeUndefined();
		expect(outcome.value).toEqual(done);
		expect(outcome.reads).toHaveLength(steps.length);
		// Backoff: the pauses after consecutive failures double from initialDelayMs up to maxDelayMs.
		const pauses = outcome.reads.slice(1).map((at, i) => at - outcome.reads[i]);
		expect(pauses.slice(1, 8)).toEqual([1, 2, 4, 8, 16, 20, 20].map((s) => s * SECOND));
	});

	it('times out at the deadline when every read fails transiently, reporting the last error and naming the operation', async () => {
		const last = unavailable();
		const outcome = await poll([running, connectionReset(), unavailable(), last], { timeoutMs: 2 * MINUTE });
		const error = outcome.error as VertexOperationError;
		expect(error).toBeInstanceOf(VertexOperationError);
		expect(error.reason).toBe('timeout');
		expect(error.operationName).toBe(OPERATION);
		expect(error.message).toContain(OPERATION);
		expect(error.message).toContain('The last poll failed: GET');
		expect(error.message).toContain('HTTP 503 UNAVAILABLE');
		expect(error.cause).toBe(last);
		expect(outcome.endedAt).toBe(2 * MINUTE);
		// With backoff, not a tight loop: 1 + 1 + 2 + 4 + 8 + 16 + 20 + 20 + 20 + 20 s > 2 min.
		expect(outcome.reads.length).toBeLessThanOrEqual(11);
	});

	it('a timeout after a successful last read reports no error', async () => {
		const outcome = await poll([unavailable(), running], { timeoutMs: 30 * SECOND });
		expect((outcome.error as Error).message).not.toContain('last poll failed');
		expect((outcome.error as Error).cause).toBeUndefined();
	});

	it.each([
		['404', notFound, 404],
		['403', denied, 403],
	])('a %s ends the wait at once, naming the operation and keeping the original error', async (_label, make, httpStatus) => {
		const original = make();
		const outcome = await poll([running, unavailable(), original, done]);
		expect(outcome.reads).toHaveLength(3);
		// Right after the failed read: no pause, no further read.
		expect(outcome.endedAt).toBe(outcome.reads[2]);
		const error = outcome.error as VertexApiError;
		expect(error).toBeInstanceOf(VertexApiError);
		expect(error.httpStatus).toBe(httpStatus);
		expect(error.status).toBe(original.status);
		expect(error.message).toBe(`Stopped waiting for operation ${OPERATION}: ${original.message}`);
		expect(error.cause).toBe(original);
		expect(error.stack).toContain(`Stopped waiting for operation ${OPERATION}`);
	});

	it('a validation error ends the wait at once too, keeping its field', async () => {
		const outcome = await poll([new VertexValidationError('Endpoint e is not a dedicated endpoint.', 'endpoint')]);
		expect(outcome.reads).toHaveLength(1);
		expect(outcome.error).toBeInstanceOf(VertexValidationError);
		expect((outcome.error as VertexValidationError).field).toBe('endpoint');
		expect((outcome.error as Error).message).toContain(OPERATION);
	});

	it('without failedPrefix a permanent error is thrown as it is', async () => {
		const original = denied();
		const outcome = await poll([original], {}, { ...operationErrors, failedPrefix: undefined });
		expect(outcome.error).toBe(original);
	});

	it.each([
		['no jitter', () => 0],
		['most jitter', () => 0.999],
	])("waits at least the error's Retry-After before the next read (%s)", async (_label, random) => {
		const outcome = await poll([running, rateLimited(7 * SECOND), rateLimited(30 * SECOND), done], { random });
		const [, first, second, third] = outcome.reads;
		expect(outcome.value).toEqual(done);
		expect(second - first).toBeGreaterThanOrEqual(7 * SECOND);
		// Longer than maxDelayMs too: the server said so.
		expect(third - second).toBeGreaterThanOrEqual(30 * SECOND);
		expect(third - second).toBeLessThan(31 * SECOND);
	});

	it('a Retry-After past the deadline ends in the timeout, reporting that error', async () => {
		const outcome = await poll([rateLimited(10 * MINUTE)], { timeoutMs: MINUTE });
		expect(outcome.reads).toHaveLength(1);
		expect(outcome.endedAt).toBe(MINUTE);
		expect((outcome.error as VertexOperationError).reason).toBe('timeout');
		expect((outcome.error as Error).message).toContain('HTTP 429 RESOURCE_EXHAUSTED');
	});

	it('the caller aborting ends the wait at once with the aborted error: while pausing, while backing off, during a read', async () => {
		for (const steps of [[running], [unavailable()]] as Array<Array<typeof running | Error>>) {
			const controller = new AbortController();
			setTimeout(() => controller.abort(), 2_500);
			const outcome = await poll(steps, { signal: controller.signal });
			expect((outcome.error as VertexOperationError).reason).toBe('aborted');
			expect(outcome.endedAt).toBe(2_500);
		}
		const controller = new AbortController();
		const startedAt = Date.now();
		let outcome: { error?: unknown; at?: number } = {};
		pollUntil(
			(signal) =>
				new Promise((_resolve, reject) => {
					setTimeout(() => controller.abort(), 300);
					signal.addEventListener('abort', () => reject(abortedError(signal)), { once: true });
				}),
			() => true,
			{ ...defaults, signal: controller.signal, pauseFirst: false },
			operationErrors,
		).catch((error: unknown) => (outcome = { error, at: Date.now() - startedAt }));
		await jest.runAllTimersAsync();
		expect((outcome.error as VertexOperationError).reason).toBe('aborted');
		expect(outcome.at).toBe(300);
	});

	it('a resume (pauseFirst false) reads at once; a fresh wait first pauses initialDelayMs', async () => {
		expect((await poll([done], { pauseFirst: false })).reads).toEqual([0]);
		expect((await poll([done])).reads).toEqual([SECOND]);
	});
});

describe('poll schedule', () => {
	it('is clamp(10 % of the time waited, initialDelayMs, maxDelayMs)', () => {
		const options = { initialDelayMs: SECOND, maxDelayMs: 20 * SECOND };
		expect([0, 5, 10, 30, 100, 200, 3600].map((s) => pollDelayMs(s * SECOND, options))).toEqual([1, 1, 1, 3, 10, 20, 20].map((s) => s * SECOND));
		expect(pollDelayMs(100 * SECOND, { ...options, pollFraction: 0.05 })).toBe(5 * SECOND);
	});

	/** A deterministic jitter source (mulberry32). */
	function seeded(seed: number): () => number {
		let state = seed;
		return () => {
			state = (state + 0x6d2b79f5) | 0;
			let t = Math.imul(state ^ (state >>> 15), 1 | state);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	}

	it.each([
		['2 s', 2 * SECOND, 3],
		['60 s', MINUTE, 32],
		['30 min', 30 * MINUTE, 135],
	])('an operation done after %s: few polls, noticed within max(1 s, 10 %% of the time waited)', async (label, doneAt, maxPolls) => {
		const bound = Math.max(SECOND, 0.1 * doneAt);
		for (const [jitter, random] of [
			['no jitter', () => 0],
			['most jitter', () => 0.999],
			['seeded jitter', seeded(7)],
		] as const) {
			const outcome = await poll([(elapsed: number) => ({ done: elapsed >= doneAt })], { random });
			const polls = outcome.reads.length;
			const lag = outcome.endedAt - doneAt;
			console.log(`poll schedule: operation done after ${label} (${jitter}): ${polls} polls, noticed ${(lag / SECOND).toFixed(1)} s late (bound ${(bound / SECOND).toFixed(1)} s)`);
			expect(outcome.value).toEqual(done);
			expect(lag).toBeGreaterThanOrEqual(0);
			expect(lag).toBeLessThanOrEqual(Math.min(bound, 20 * SECOND));
			expect(polls).toBeLessThanOrEqual(maxPolls);
		}
	});
});

describe('withMessagePrefix', () => {
	it('keeps class and fields, sets cause; wraps a non-Error', () => {
		const original = new VertexTransportError('closed', 'ECONNRESET', { cause: new Error('socket') });
		const annotated = withMessagePrefix(original, 'Polling x') as VertexTransportError;
		expect(annotated).toBeInstanceOf(VertexTransportError);
		expect(annotated.name).toBe('VertexTransportError');
		expect(annotated.code).toBe('ECONNRESET');
		expect(annotated.message).toBe('Polling x: closed');
		expect(annotated.cause).toBe(original);
		expect(original.message).toBe('closed');
		const wrapped = withMessagePrefix('boom', 'Polling x');
		expect(wrapped.message).toBe('Polling x: boom');
		expect(wrapped.cause).toBe('boom');
	});
});

describe('Retry-After on VertexApiError', () => {
	it('is kept from the answer', () => {
		const body = JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.' } });
		expect(apiErrorFromResponse(429, body, { retryAfterMs: 3_000 }).retryAfterMs).toBe(3_000);
		expect(apiErrorFromResponse(503, 'busy', { retryAfterMs: 2_000 }).retryAfterMs).toBe(2_000);
		expect(apiErrorFromResponse(503, 'busy').retryAfterMs).toBeUndefined();
	});
});

/** An HttpSender that answers each request with the next scripted step (the last repeats). */
function scriptedSender(steps: Array<Record<string, unknown> | Error>): HttpSender & { requests: HttpRequest[] } {
	const requests: HttpRequest[] = [];
	return {
		requests,
		async send(request: HttpRequest): Promise<HttpResponse> {
			requests.push(request);
			const step = steps[Math.min(requests.length - 1, steps.length - 1)];
			if (step instanceof Error) throw step;
			const bytes = new TextEncoder().encode(JSON.stringify(step));
			return {
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: (async function* () {
					yield bytes;
				})(),
			};
		},
	};
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
	let outcome: { value?: T; error?: unknown } | undefined;
	promise.then(
		(value) => (outcome = { value }),
		(error: unknown) => (outcome = { error }),
	);
	await jest.runAllTimersAsync();
	if (!outcome) throw new Error('the wait did not end');
	return outcome;
}

describe('waitForOperation over a failing sender', () => {
	const context = (sender: HttpSender) => ({ sender, baseUrl: 'https://us-central1-aiplatform.googleapis.com' });

	it('rides out 503s and resets, then returns the done operation', async () => {
		const sender = scriptedSender([{ name: OPERATION }, unavailable(), connectionReset(), unavailable(), { name: OPERATION, done: true, response: { deployedModel: { id: '7' } } }]);
		const { value, error } = await settle(waitForOperation(context(sender), { name: OPERATION }));
		expect(error).toBeUndefined();
		expect(value?.response).toEqual({ deployedModel: { id: '7' } });
		expect(sender.requests).toHaveLength(5);
	});

	it('times out reporting the last poll error, still naming the operation', async () => {
		const sender = scriptedSender([{ name: OPERATION }, unavailable()]);
		const { error } = await settle(waitForOperation(context(sender), OPERATION, { timeoutMs: 2 * MINUTE }));
		expect(error).toBeInstanceOf(VertexOperationError);
		const operationError = error as VertexOperationError;
		expect(operationError.reason).toBe('timeout');
		expect(operationError.operationName).toBe(OPERATION);
		expect(operationError.message).toMatch(/^Stopped waiting after 2 min: the operation may still be running/);
		expect(operationError.context).toBe(`operation ${OPERATION}`);
		expect(operationError.message).toContain('The last poll failed: GET');
		expect(operationError.message).toContain('HTTP 503 UNAVAILABLE');
		expect(operationError.cause).toBeInstanceOf(VertexApiError);
	});

	it('a 403 on the operation ends the wait at once, naming it, with the 403 kept', async () => {
		const sender = scriptedSender([denied(), { name: OPERATION, done: true }]);
		const { error } = await settle(waitForOperation(context(sender), OPERATION));
		expect(sender.requests).toHaveLength(1);
		expect(error).toBeInstanceOf(VertexApiError);
		expect((error as VertexApiError).httpStatus).toBe(403);
		expect((error as Error).message).toMatch(/^Stopped waiting: polling the operation failed/);
		expect((error as Error).message.endsWith(`(operation ${OPERATION})`)).toBe(true);
		expect((error as Error).message).toContain('PERMISSION_DENIED');
	});
});

describe('waitForDedicatedEndpointDns over a failing sender', () => {
	const ENDPOINT = 'projects/my-proj/locations/us-central1/endpoints/8123456789';
	const controlPlane = (sender: HttpSender) => ({ sender, baseUrl: 'https://us-central1-aiplatform.googleapis.com', projectId: 'my-proj', location: 'us-central1' });
	const endpoint = (dns?: string) => ({ name: ENDPOINT, dedicatedEndpointEnabled: true, ...(dns ? { dedicatedEndpointDns: dns } : {}) });

	it('rides out 503s and resets until the DNS is set', async () => {
		const sender = scriptedSender([unavailable(), endpoint(), connectionReset(), serverError(502), endpoint('e.us-central1-1.prediction.vertexai.goog')]);
		const { value, error } = await settle(waitForDedicatedEndpointDns(controlPlane(sender), ENDPOINT));
		expect(error).toBeUndefined();
		expect(value?.dedicatedEndpointDns).toBe('e.us-central1-1.prediction.vertexai.goog');
		expect(sender.requests).toHaveLength(5);
	});

	it('times out reporting the last read error', async () => {
		const sender = scriptedSender([endpoint(), unavailable()]);
		const { error } = await settle(waitForDedicatedEndpointDns(controlPlane(sender), ENDPOINT, { timeoutMs: MINUTE }));
		expect((error as VertexOperationError).reason).toBe('timeout');
		expect((error as Error).message).toContain(ENDPOINT);
		expect((error as Error).message).toContain('The last read of the endpoint failed: GET');
	});

	it('a 404 ends it at once, naming the endpoint', async () => {
		const sender = scriptedSender([notFound(), endpoint('x')]);
		const { error } = await settle(waitForDedicatedEndpointDns(controlPlane(sender), ENDPOINT));
		expect(sender.requests).toHaveLength(1);
		expect((error as VertexApiError).httpStatus).toBe(404);
		expect((error as Error).message).toMatch(/^Stopped waiting for the endpoint's DNS name: /);
		expect((error as Error).message.endsWith(`(endpoint ${ENDPOINT})`)).toBe(true);
	});
});

describe('listOperations', () => {
	const MODEL = 'projects/my-proj/locations/us-central1/models/m1';
	const context = (sender: HttpSender, apiVersion?: 'v1beta1') => ({ sender, baseUrl: 'https://us-central1-aiplatform.googleapis.com', location: 'us-central1', ...(apiVersion ? { apiVersion } : {}) });

	it('lists in the API version of the control plane it is given (v1 by default)', async () => {
		for (const apiVersion of [undefined, 'v1beta1'] as const) {
			const sender = scriptedSender([{ operations: [{ name: `${MODEL}/operations/1` }] }]);
			const { operations } = await listOperations(context(sender, apiVersion), MODEL);
			expect(operations).toHaveLength(1);
			expect(sender.requests[0].url).toBe(`https://us-central1-aiplatform.googleapis.com/${apiVersion ?? 'v1'}/${MODEL}/operations`);
		}
	});
});
