/** When and how long to wait before trying a request again. */

export interface RetryPolicy {
	/** Total attempts, the first included. */
	maxAttempts: number;
	/** Base of the exponential backoff. */
	initialDelayMs: number;
	/** Cap of one backoff delay. */
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the error is returned instead. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	initialDelayMs: 500,
	maxDelayMs: 20_000,
	maxRetryAfterMs: 60_000,
};

/** HTTP statuses worth another attempt: rate limited, or the service briefly unavailable. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status === 503;
}

/**
 * Error codes that mean the request never reached the server or the connection broke before any
 * response header: safe to send again.
 */
const RETRYABLE_CONNECTION_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'EPIPE',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
]);

export function isRetryableConnectionCode(code: string | undefined): boolean {
	return code !== undefined && RETRYABLE_CONNECTION_CODES.has(code);
}

/**
 * Exponential backoff with jitter for retry number `retry` (1 for the first retry): a random value
 * between half and all of min(maxDelay, initial * 2^(retry-1)), so parallel clients spread out.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry - 1));
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}
