/** Polling with backoff under one deadline: the shared loop of operation waits and the endpoint-DNS wait. */
import { sleep } from './transport/abort';

export interface PollOptions {
	/** Overall time allowed, from the call. */
	timeoutMs: number;
	signal?: AbortSignal;
	/** First pause between reads, growing by `backoffFactor` up to `maxDelayMs`. */
	initialDelayMs: number;
	maxDelayMs: number;
	backoffFactor: number;
	/** Pause before the first read too (a just-started operation is never done yet). */
	pauseFirst: boolean;
}

export interface PollErrors {
	/** The deadline passed (the thing polled goes on). */
	timedOut: () => Error;
	/** The caller's signal fired. */
	aborted: () => Error;
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
	const deadlineReached = new AbortController();
	const deadlineTimer = setTimeout(() => deadlineReached.abort(), options.timeoutMs);
	const waitSignal = options.signal ? AbortSignal.any([options.signal, deadlineReached.signal]) : deadlineReached.signal;
	let delay = options.initialDelayMs;
	let pause = options.pauseFirst;
	try {
		for (;;) {
			let value: T;
			try {
				if (pause) {
					await sleep(delay, waitSignal);
					delay = Math.min(options.maxDelayMs, delay * options.backoffFactor);
				}
				pause = true;
				value = await read(waitSignal);
			} catch (error) {
				if (options.signal?.aborted) throw errors.aborted();
				if (deadlineReached.signal.aborted) throw errors.timedOut();
				throw error;
			}
			if (isDone(value)) return value;
			if (deadlineReached.signal.aborted) throw errors.timedOut();
		}
	} finally {
		clearTimeout(deadlineTimer);
	}
}
