/**
 * The authorised HttpSender: checks where the token may go, attaches it, sends on the shared undici
 * Agent with separate header and body timeouts, retries what is safe to retry, and turns failures
 * into VertexApiError / VertexTransportError.
 *
 * A 401 (the token revoked, or expired early) is answered once, for every kind of call: the token is
 * invalidated, a fresh one minted and the request sent again. That is safe even for invoke: the server
 * rejected the request before running it, no byte of its answer has been handed to the caller, and request
 * bodies are strings or byte arrays (never streams), so they can be sent again as they are.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

import { VertexValidationError } from '../errors';
import type { TokenDestinationPolicy } from '../hosts';
import { CLIENT_OWNED_HEADERS } from '../invoke/policy';
import { rememberSecret } from '../secrets';
import type { HttpRequest, HttpResponse, HttpResponseBody, HttpSender } from '../http';
import { abortedError, sleep, throwIfAborted } from './abort';
import { sharedAgent } from './agent';
import { apiErrorFromResponse, type TokenRefreshOutcome } from './apiError';
import { errorCodeOf, networkErrorFrom } from './networkError';
import {
	backoffDelayMs,
	DEFAULT_RETRY_POLICY,
	isTransientGrpcStatus,
	isTransientNetworkCode,
	isTransientStatus,
	parseRetryAfterMs,
	retryDelayMs,
	type RetryPolicy,
} from './retry';

/** Error bodies are read up to this size to build the message; the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
export const DEFAULT_HEADERS_TIMEOUT_MS = 120_000;
export const DEFAULT_BODY_TIMEOUT_MS = 120_000;

/** Gives the access token to send; it must reject as soon as `signal` aborts while it is still minting one. */
export type AccessTokenSource = (signal?: AbortSignal) => Promise<string>;

export interface VertexTransportOptions {
	getAccessToken: AccessTokenSource;
	/**
	 * Called with a token a server answered 401 to; true when getAccessToken will now mint a new one (the request
	 * is then sent once more with it), false when the credential cannot (a fixed access token). Without it, a 401
	 * is final.
	 */
	invalidateAccessToken?: (token: string) => boolean;
	hostPolicy: TokenDestinationPolicy;
	userAgent?: string;
	retry?: Partial<RetryPolicy>;
	/**
	 * Defaults to the process-wide shared Agent. A function is asked for the dispatcher at each request, so an Agent
	 * closed meanwhile (closeSharedAgent) is replaced rather than reused.
	 */
	dispatcher?: Dispatcher | (() => Dispatcher);
	headersTimeoutMs?: number;
	bodyTimeoutMs?: number;
	/** Source of jitter; tests pin it. */
	random?: () => number;
}

type UndiciResponse = Dispatcher.ResponseData;

/** The parts of a URL the dispatcher is given, read once from the parsed URL. */
interface Target {
	method: string;
	url: string;
	origin: string;
	/** Path and query. */
	path: string;
	host: string;
	/** `METHOD origin/pathname`, for errors. */
	action: string;
}

export class VertexTransport implements HttpSender {
	private readonly retryPolicy: RetryPolicy;
	/**
	 * The last target the host policy allowed: a batch sends to one URL again and again, and the policy of a
	 * transport never changes, so the same URL text gets the same answer without parsing it again.
	 */
	private lastTarget?: Target;

	constructor(private readonly options: VertexTransportOptions) {
		this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
	}

	async send(request: HttpRequest): Promise<HttpResponse> {
		// Refusals come first: nothing (not even a token fetch) happens for a request that is not allowed.
		const { origin, path, host, action } = this.allowedTarget(request.method, request.url);
		const headers = this.requestHeaders(request);
		const { signal } = request;
		throwIfAborted(signal);
		// The source honours the signal itself (see AccessTokenSource): racing it again would cost a listener per call.
		let token = await this.options.getAccessToken(signal);
		rememberSecret(token);
		headers.authorization = `Bearer ${token}`;
		/** What became of a 401: the request sent again with a fresh token, or why not. */
		let tokenRefresh: TokenRefreshOutcome | undefined;
		const rejectedTokens: string[] = [];

		const headersTimeout = request.headersTimeoutMs ?? this.options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
		const bodyTimeout = request.bodyTimeoutMs ?? this.options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
		const canRetry = request.retry === true;
		const { maxAttempts, transient } = this.retryPolicy;

		for (let attempt = 1; ; attempt++) {
			const lastAttempt = !canRetry || attempt >= maxAttempts;
			let response: UndiciResponse;
			try {
				response = await this.dispatcher().request({
					origin,
					path,
					method: request.method,
					headers,
					body: request.body,
					signal,
					headersTimeout,
					bodyTimeout,
				});
			} catch (error) {
				if (signal?.aborted) throw abortedError(signal);
				if (!lastAttempt && isTransientNetworkCode(errorCodeOf(error), transient)) {
					await sleep(backoffDelayMs(attempt, this.retryPolicy, this.options.random), signal);
					continue;
				}
				throw networkErrorFrom(error, { action, host, headersTimeoutMs: headersTimeout, bodyTimeoutMs: bodyTimeout });
			}

			const status = response.statusCode;
			if (status >= 200 && status < 300) return this.toHttpResponse(response, action, host, bodyTimeout, signal);

			if (!lastAttempt && isTransientStatus(status, transient)) {
				const delay = this.retryDelayFor(response, attempt);
				if (delay !== undefined) {
					release(response.body);
					await sleep(delay, signal);
					continue;
				}
			}
			if (status === 401 && tokenRefresh === undefined && this.options.invalidateAccessToken && isResendable(request.body)) {
				if (!this.options.invalidateAccessToken(token)) {
					tokenRefresh = 'impossible';
				} else {
					let fresh: string;
					try {
						fresh = await this.options.getAccessToken(signal);
					} catch (error) {
						release(response.body);
						throw error;
					}
					rememberSecret(fresh);
					if (fresh === token) {
						tokenRefresh = 'same-token';
					} else {
						release(response.body);
						rejectedTokens.push(token);
						token = fresh;
						headers.authorization = `Bearer ${token}`;
						tokenRefresh = 'retried';
						// Sent again (once) whatever the retry policy: the server refused the request before running it.
						// Not counted as an attempt: the 401 said nothing about the server being busy.
						attempt--;
						continue;
					}
				}
			}
			if (request.throwOnHttpError === false) return this.toHttpResponse(response, action, host, bodyTimeout, signal);

			const text = await readErrorBody(response.body, signal);
			const retryAfterMs = parseRetryAfterMs(headerValue(response.headers['retry-after']));
			const error = apiErrorFromResponse(
				status,
				text,
				{ action, retryAfterMs, ...(status === 401 && tokenRefresh ? { tokenRefresh } : {}) },
				[token, ...rejectedTokens],
			);
			// UNAVAILABLE can come on a status other than 503; it is only visible in the envelope.
			if (!lastAttempt && !isTransientStatus(status, transient) && isTransientGrpcStatus(error.status, transient)) {
				const delay = this.retryDelayFor(response, attempt);
				if (delay !== undefined) {
					await sleep(delay, signal);
					continue;
				}
			}
			throw error;
		}
	}

	private dispatcher(): Dispatcher {
		const { dispatcher } = this.options;
		if (dispatcher === undefined) return sharedAgent();
		return typeof dispatcher === 'function' ? dispatcher() : dispatcher;
	}

	/** The host policy's answer for `url` (it throws for a URL the token must not go to), as the dispatcher takes it. */
	private allowedTarget(method: string, url: string): Target {
		const last = this.lastTarget;
		if (last !== undefined && last.url === url && last.method === method) return last;
		// The dispatcher is given origin and path, so undici does not parse the URL again.
		const { origin, pathname, search, host } = this.options.hostPolicy.assertAllowed(url);
		this.lastTarget = { method, url, origin, path: `${pathname}${search}`, host, action: `${method} ${origin}${pathname}` };
		return this.lastTarget;
	}

	/**
	 * Milliseconds to wait before retrying a retryable answer: its Retry-After, else jittered backoff.
	 * Undefined when the server asks for a longer pause than the policy allows: the error is then final.
	 */
	private retryDelayFor(response: UndiciResponse, attempt: number): number | undefined {
		return retryDelayMs(attempt, this.retryPolicy, parseRetryAfterMs(headerValue(response.headers['retry-after'])), this.options.random);
	}

	private requestHeaders(request: HttpRequest): Record<string, string> {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(request.headers ?? {})) {
			const lower = name.toLowerCase();
			if (CLIENT_OWNED_HEADERS.has(lower)) {
				throw new VertexValidationError(
					`The "${name}" header cannot be set by the caller: the client sets it itself.`,
					`headers.${name}`,
				);
			}
			headers[lower] = value;
		}
		if (this.options.userAgent && headers['user-agent'] === undefined) headers['user-agent'] = this.options.userAgent;
		return headers;
	}

	private toHttpResponse(
		response: UndiciResponse,
		action: string,
		host: string,
		bodyTimeoutMs: number,
		signal: AbortSignal | undefined,
	): HttpResponse {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers)) {
			const text = headerValue(value);
			if (text !== undefined) headers[name.toLowerCase()] = text;
		}
		return {
			status: response.statusCode,
			headers,
			body: new GuardedBody(response.body, headers['content-length'], (error) =>
				signal?.aborted ? abortedError(signal) : networkErrorFrom(error, { action, host, bodyTimeoutMs }),
			),
		};
	}
}

/** Whether a request body can be sent a second time as it is (what HttpRequest allows; a JS caller may pass more). */
function isResendable(body: unknown): boolean {
	return body === undefined || typeof body === 'string' || body instanceof Uint8Array;
}

/** Drops a body and frees its connection; the abort this causes is expected, not an error to report. */
function release(body: Readable): void {
	body.on('error', () => undefined);
	body.destroy();
}

function headerValue(value: string | string[] | undefined): string | undefined {
	if (value === undefined) return undefined;
	return Array.isArray(value) ? value.join(', ') : value;
}

/** A Content-Length value the body can be read whole by: one plain decimal number. */
const DECIMAL = /^\d{1,15}$/;

/**
 * The response body as a one-shot async iterable whose errors are readable VertexTransportErrors.
 * Stopping early (break / return) releases the connection. A body of a declared length can also be read whole in
 * one go (undici collects it without an async step per chunk); the HTTP parser never gives more bytes than
 * declared, so the declared length bounds what is read. A class, not closures: one object per response.
 */
class GuardedBody implements HttpResponseBody {
	private taken = false;

	constructor(
		private readonly readable: UndiciResponse['body'],
		private readonly contentLength: string | undefined,
		private readonly mapError: (error: unknown) => Error,
	) {}

	private take(): void {
		if (this.taken) throw new Error('The response body can only be read once.');
		this.taken = true;
	}

	[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
		this.take();
		const { readable, mapError } = this;
		const inner = readable[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
		return {
			async next() {
				try {
					return await inner.next();
				} catch (error) {
					throw mapError(error);
				}
			},
			async return() {
				release(readable);
				return { done: true, value: undefined };
			},
		};
	}

	readDeclared(maxBytes: number): Promise<Buffer> | undefined {
		const { contentLength, readable } = this;
		if (this.taken || contentLength === undefined || !DECIMAL.test(contentLength) || Number(contentLength) > maxBytes) return undefined;
		this.take();
		return readable.bytes().then(
			// Settled once the body has closed, as an iterated one is: undici drops its abort listener on close.
			(bytes) => closed(readable).then(() => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
			(error: unknown) => {
				throw this.mapError(error);
			},
		);
	}

	release(): void {
		release(this.readable);
	}
}

function closed(readable: Readable): Promise<void> {
	return readable.closed ? Promise.resolve() : new Promise((resolve) => readable.once('close', () => resolve()));
}

async function readErrorBody(body: Readable, signal?: AbortSignal): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body as AsyncIterable<Buffer>) {
			chunks.push(chunk);
			size += chunk.length;
			if (size >= MAX_ERROR_BODY_BYTES) break;
		}
	} catch {
		if (signal?.aborted) throw abortedError(signal);
		// A body cut short still says something: keep what arrived.
	} finally {
		release(body);
	}
	return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
}
