/**
 * The one retry policy of the package: which failures are transient, how long to wait before the next attempt
 * (Retry-After and its cap, exponential backoff with jitter), and how many attempts. The transport's retries,
 * the long-running-operation waits and the model-server requests of the AI sub-nodes all decide with these
 * functions; where they differ, it is through the named settings of `TransientScope` and `RetryPolicy` below.
 */
import { VertexApiError, VertexTransportError } from '../errors';
import { isAbortedError, sleep } from './abort';

/**
 * Which failures count as transient beyond the ones every call retries (429, 503, a Google envelope saying
 * UNAVAILABLE, and a connection that failed before the request reached the server).
 */
export interface TransientScope {
	/**
	 * Also 408 and every 5xx but 501 (UNIMPLEMENTED never clears), and the gRPC statuses that clear by themselves
	 * (RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, INTERNAL, ABORTED). For a call that is safe to repeat and where a
	 * failed attempt costs only the next one: an operation poll (as gaxios / google-gax retry), or a model server's
	 * OpenAI-compatible route (as OpenAI's own clients retry).
	 */
	serverErrors?: boolean;
	/** Also 409: OpenAI-compatible servers answer it for a conflict that clears (OpenAI's clients retry it). */
	conflict?: boolean;
	/**
	 * Which network failures: `connection` (default) only those where the request never reached the server or the
	 * connection broke before any response header; `transient` also read timeouts, a response cut short and
	 * unreachable networks; `any` every transport failure but a cancel.
	 */
	network?: 'connection' | 'transient' | 'any';
}

export interface RetryPolicy {
	/** Total attempts, the first included. */
	maxAttempts: number;
	/** Base of the exponential backoff. */
	initialDelayMs: number;
	/** Cap of one backoff delay. */
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the error is returned instead. */
	maxRetryAfterMs: number;
	/** Which failures are transient; see TransientScope. */
	transient?: TransientScope;
}

/** The transport's retries of a request that opted in (`retry: true`): the narrow set, a few attempts. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	initialDelayMs: 500,
	maxDelayMs: 20_000,
	maxRetryAfterMs: 60_000,
};

/** What an operation wait (lib/polling.ts) treats as transient: it polls again until its deadline. */
export const POLL_TRANSIENT: TransientScope = { serverErrors: true, network: 'transient' };

/**
 * Requests to a model server's OpenAI-compatible routes (the chat model and embeddings sub-nodes): every server
 * error, 409 and any network failure before an answer; 1 s, 2 s, 4 s... backoff. `maxAttempts` is the node's
 * Max Retries plus one (see modelServerRetryPolicy).
 */
export const MODEL_SERVER_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 3,
	initialDelayMs: 1000,
	maxDelayMs: 20_000,
	maxRetryAfterMs: 60_000,
	transient: { serverErrors: true, conflict: true, network: 'any' },
};

/** MODEL_SERVER_RETRY_POLICY with `maxRetries` attempts after the first. */
export function modelServerRetryPolicy(maxRetries: number): RetryPolicy {
	return { ...MODEL_SERVER_RETRY_POLICY, maxAttempts: Math.max(0, Math.floor(maxRetries)) + 1 };
}

/** Whether an HTTP status is worth another attempt under `scope`. */
export function isTransientStatus(status: number, scope: TransientScope = {}): boolean {
	if (status === 429 || status === 503) return true;
	if (scope.conflict && status === 409) return true;
	return scope.serverErrors === true && (status === 408 || (status >= 500 && status <= 599 && status !== 501));
}

/** gRPC statuses in Google's envelope that clear by themselves; UNAVAILABLE under every scope. */
const SERVER_GRPC_STATUSES = new Set(['UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'DEADLINE_EXCEEDED', 'INTERNAL', 'ABORTED']);

/** Whether a gRPC status name (from Google's error envelope, on whatever HTTP status) is transient under `scope`. */
export function isTransientGrpcStatus(status: string | undefined, scope: TransientScope = {}): boolean {
	if (status === undefined) return false;
	return status === 'UNAVAILABLE' || (scope.serverErrors === true && SERVER_GRPC_STATUSES.has(status));
}

/** The request never reached the server, or the connection broke before any response header: safe to send again. */
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Read timeouts, a response cut short, and passing network trouble: transient for a call that is safe to repeat. */
const TRANSIENT_NETWORK_CODES = new Set([
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
]);

/** Whether a network error code is worth another attempt under `scope` (a code-less failure only under `any`). */
export function isTransientNetworkCode(code: string | undefined, scope: TransientScope = {}): boolean {
	const network = scope.network ?? 'connection';
	if (network === 'any') return true;
	if (code === undefined) return false;
	return CONNECTION_CODES.has(code) || (network === 'transient' && TRANSIENT_NETWORK_CODES.has(code));
}

/**
 * Whether a failed call may succeed if simply tried again later, under `scope`. A cancelled request, bad input,
 * 400, 401, 403, 404 and answers that do not parse never are.
 */
export function isTransientError(error: unknown, scope: TransientScope = {}): boolean {
	if (error instanceof VertexApiError) return isTransientStatus(error.httpStatus, scope) || isTransientGrpcStatus(error.status, scope);
	if (error instanceof VertexTransportError) return !isAbortedError(error) && isTransientNetworkCode(error.code, scope);
	return false;
}

/** The exponential part of the backoff for retry number `retry` (1 for the first): min(maxDelay, initial * 2^(retry-1)). */
export function backoffCeilingMs(retry: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>): number {
	return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry - 1));
}

/**
 * Exponential backoff with jitter for retry number `retry` (1 for the first retry): a random value between half
 * and all of backoffCeilingMs, so parallel clients spread out.
 */
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
	const ceiling = backoffCeilingMs(retry, policy);
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

/**
 * The pause before retry number `retry` (1 for the first): the server's Retry-After when it gave one, else the
 * jittered backoff. Undefined when the Retry-After is longer than the policy's cap: the failure is then final.
 */
export function retryDelayMs(
	retry: number,
	policy: RetryPolicy,
	retryAfterMs: number | undefined,
	random: () => number = Math.random,
): number | undefined {
	if (retryAfterMs === undefined) return backoffDelayMs(retry, policy, random);
	return retryAfterMs > policy.maxRetryAfterMs ? undefined : retryAfterMs;
}

/** The Retry-After a failed call carried, in milliseconds. */
export function retryAfterOf(error: unknown): number | undefined {
	return error instanceof VertexApiError ? error.retryAfterMs : undefined;
}

/**
 * Runs `attempt` until it succeeds, fails with an error the policy does not call transient, the attempts run
 * out, a Retry-After asks for longer than the policy's cap, or `signal` fires. Each failure's pause follows
 * retryDelayMs. `attempt` gets its number, 1 for the first.
 */
export async function withRetries<T>(
	attempt: (attemptNumber: number) => Promise<T>,
	policy: RetryPolicy,
	options: { signal?: AbortSignal; random?: () => number } = {},
): Promise<T> {
	for (let attemptNumber = 1; ; attemptNumber++) {
		try {
			return await attempt(attemptNumber);
		} catch (error) {
			if (options.signal?.aborted || attemptNumber >= policy.maxAttempts || !isTransientError(error, policy.transient)) throw error;
			const delay = retryDelayMs(attemptNumber, policy, retryAfterOf(error), options.random);
			if (delay === undefined) throw error;
			await sleep(delay, options.signal);
		}
	}
}
