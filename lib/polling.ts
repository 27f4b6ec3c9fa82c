/**
 * Polling under one deadline: the shared loop of operation waits and the endpoint-DNS wait.
 *
 * Schedule: after a read that is not done yet, the next read comes after
 * `clamp(pollFraction * waited, initialDelayMs, maxDelayMs)` (waited = time since the wait began), shortened by
 * up to 10 % of jitter. So a change is noticed within max(initialDelayMs, pollFraction * waited) of happening
 * (plus one read's latency), and never later than maxDelayMs after. With the operation defaults (1 s, 10 %,
 * 20 s): every second for the first 10 s, then 10 % of the time waited, then every 20 s from 200 s on.
 *
 * Read errors: a transient one (see isTransientPollError) never ends the wait before its deadline; the next
 * read comes after the schedule's pause or an exponential backoff, whichever is longer, and not before the
 * error's Retry-After. Any other error ends the wait at once, its message prefixed with `errors.failedPrefix`.
 */
import { sleep } from './transport/abort';
import { backoffCeilingMs, isTransientError, POLL_TRANSIENT, retryAfterOf } from './transport/retry';

export interface PollOptions {
	/** Overall time allowed, from the call. */
	timeoutMs: number;
	signal?: AbortSignal;
	/** Shortest pause between reads; also the pause before the first read when `pauseFirst`. */
	initialDelayMs: number;
	/** Longest pause between reads (and between retries after transient errors). */
	maxDelayMs: number;
	/** The pause after a read is this fraction of the time waited so far (within the two bounds above); default 0.1. */
	pollFraction?: number;
	/** Pause before the first read too (a just-started operation is never done yet). */
	pauseFirst: boolean;
	/** Source of jitter in [0, 1); tests pin it. */
	random?: () => number;
}

export interface PollErrors {
	/**
	 * The deadline passed (the thing polled goes on). `lastFailure` is the message of the last read's
	 * transient error when that read failed; that error is then also the returned error's `cause`.
	 */
	timedOut: (lastFailure?: string) => Error;
	/** The caller's signal fired. */
	aborted: () => Error;
	/**
	 * Put before the message of a read error that retrying would not fix, which ends the wait at once; the
	 * error keeps its class and fields (see withMessagePrefix). Without it, that error is thrown as it is.
	 */
	failedPrefix?: string;
	/** Added to the context of that error (what was polled, e.g. `operation projects/...`), after its own. */
	failedContext?: string;
}

export const DEFAULT_POLL_FRACTION = 0.1;
/** Pauses are shortened by a random share of up to this much, so parallel waits spread out. */
const JITTER = 0.1;

/**
 * Whether a failed read may succeed if simply tried again later: the retry policy's transient failures under
 * POLL_TRANSIENT (408, 429, 5xx but 501, a transient gRPC status, a connection reset / refused / timed out).
 * Broader than the transport's own retries because a failed poll costs nothing but the next poll. A cancelled
 * request, 400, 401, 403, 404, bad input and answers that do not parse are not.
 */
export function isTransientPollError(error: unknown): boolean {
	return isTransientError(error, POLL_TRANSIENT);
}

/** The pause before the next read, `waitedMs` into the wait, before jitter. */
export function pollDelayMs(waitedMs: number, options: Pick<PollOptions, 'initialDelayMs' | 'maxDelayMs' | 'pollFraction'>): number {
	const fraction = options.pollFraction ?? DEFAULT_POLL_FRACTION;
	const floor = Math.min(options.initialDelayMs, options.maxDelayMs);
	return Math.min(options.maxDelayMs, Math.max(floor, fraction * Math.max(0, waitedMs)));
}

/**
 * `error` with `prefix` put before its message, for a permanent read error that must name what was polled.
 * The result keeps the class and every field (httpStatus, status, code...), so callers still tell a 404 from
 * a 403; the original error is its `cause`. Errors that keep their reason apart from their context (`summary`,
 * `context`) get the prefix on the summary and `context` (what was polled) after their own context; the message
 * stays `summary (context)`.
 */
export function withMessagePrefix(error: unknown, prefix: string, context?: string): Error {
	if (!(error instanceof Error)) return new Error(`${prefix}: ${String(error)}${context ? ` (${context})` : ''}`, { cause: error });
	const annotated = Object.create(Object.getPrototypeOf(error) as object) as Error;
	Object.defineProperties(annotated, Object.getOwnPropertyDescriptors(error));
	const hidden = { writable: true, configurable: true, enumerable: false };
	const shown = { ...hidden, enumerable: true };
	const own = error as { summary?: unknown; context?: unknown; summaryParts?: unknown; parts?: unknown };
	let message: string;
	if (typeof own.summary === 'string') {
		const summary = `${prefix}: ${own.summary}`;
		const contexts = [typeof own.context === 'string' ? own.context : undefined, context].filter(Boolean);
		Object.defineProperty(annotated, 'summary', { ...shown, value: summary });
		// The summary as data (VertexApiError.summaryParts) says the same as the summary.
		if (Array.isArray(own.summaryParts)) Object.defineProperty(annotated, 'summaryParts', { ...shown, value: [`${prefix}: `, ...(own.summaryParts as unknown[])] });
		Object.defineProperty(annotated, 'context', { ...shown, value: contexts.length ? contexts.join('; ') : undefined });
		message = contexts.length ? `${summary} (${contexts.join('; ')})` : summary;
	} else {
		message = `${prefix}: ${error.message}${context ? ` (${context})` : ''}`;
		// The message as data (VertexValidationError.parts) says the same as the message.
		if (Array.isArray(own.parts)) {
			Object.defineProperty(annotated, 'parts', { ...shown, value: [`${prefix}: `, ...(own.parts as unknown[]), ...(context ? [` (${context})`] : [])] });
		}
	}
	Object.defineProperty(annotated, 'message', { ...hidden, value: message });
	Object.defineProperty(annotated, 'cause', { ...hidden, value: error });
	Error.captureStackTrace(annotated, withMessagePrefix);
	return annotated;
}

/**
 * Reads until `isDone` says so and returns that value. One deadline timer covers the whole wait and is
 * cleared when it ends; it also aborts a read still in flight at the deadline.
 */
export async function pollUntil<T>(
	read: (signal: AbortSignal) => Promise<T>,
	isDone: (value: T) => boolean,
	options: PollOptions,
	errors: PollErrors,
): Promise<T> {
	const startedAt = Date.now();
	const random = options.random ?? Math.random;
	const deadlineReached = new AbortController();
	const deadlineTimer = setTimeout(() => deadlineReached.abort(), options.timeoutMs);
	const waitSignal = options.signal ? AbortSignal.any([options.signal, deadlineReached.signal]) : deadlineReached.signal;
	const jittered = (ms: number) => Math.round(ms * (1 - JITTER * random()));
	/** The transient error of the last read, while reads keep failing. */
	let lastError: unknown;
	let failures = 0;
	let delay = options.initialDelayMs;
	let pause = options.pauseFirst;
	const timedOut = (): Error => {
		const error = errors.timedOut(lastError === undefined ? undefined : errorText(lastError));
		if (lastError !== undefined && error.cause === undefined) {
			Object.defineProperty(error, 'cause', { value: lastError, writable: true, configurable: true, enumerable: false });
		}
		return error;
	};
	try {
		for (;;) {
			let value: T;
			try {
				// Always a timer turn between reads, even of 0 ms: the deadline timer must get to run.
				if (pause) await sleep(delay, waitSignal);
				pause = true;
				value = await read(waitSignal);
			} catch (error) {
				if (options.signal?.aborted) throw errors.aborted();
				const transient = isTransientPollError(error);
				if (transient) lastError = error;
				if (deadlineReached.signal.aborted) throw timedOut();
				if (!transient) throw errors.failedPrefix ? withMessagePrefix(error, errors.failedPrefix, errors.failedContext) : error;
				failures++;
				// No Retry-After cap here: the wait's own deadline bounds it.
				const backoff = backoffCeilingMs(failures, options);
				const retryAfter = retryAfterOf(error) ?? 0;
				delay = Math.max(jittered(Math.max(backoff, pollDelayMs(Date.now() - startedAt, options))), retryAfter);
				continue;
			}
			lastError = undefined;
			failures = 0;
			if (isDone(value)) return value;
			if (deadlineReached.signal.aborted) throw timedOut();
			delay = jittered(pollDelayMs(Date.now() - startedAt, options));
		}
	} finally {
		clearTimeout(deadlineTimer);
	}
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
