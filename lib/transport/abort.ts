/** Cancellation helpers shared by the transport and the operation poller. */
import { VertexTransportError } from '../errors';

export const ABORTED_CODE = 'ABORTED';

export function abortedError(signal?: AbortSignal): VertexTransportError {
	return new VertexTransportError('The request was cancelled.', ABORTED_CODE, { cause: signal?.reason });
}

export function isAbortedError(error: unknown): boolean {
	return error instanceof VertexTransportError && error.code === ABORTED_CODE;
}

export function throwIfAborted(signal?: AbortSignal): void {
	if (signal?.aborted) throw abortedError(signal);
}

/** Waits `ms`, or rejects with an aborted VertexTransportError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) {
			reject(abortedError(signal));
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			reject(abortedError(signal));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, Math.max(0, ms));
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/** Settles with `promise`, or rejects as soon as `signal` fires (the work itself may go on). */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) return Promise.reject(abortedError(signal));
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(abortedError(signal));
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}
