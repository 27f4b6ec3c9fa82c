import type { DecodedStream, DecodeStreamOptions } from '../stream';
import type { InvokeApiVersion, InvokeMethod } from './policy';

/** Default cap on a whole response body read by readAll / text / json (64 MiB); larger answers fail clearly. */
export const INVOKE_DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Vertex's default inference timeout on dedicated endpoints (600 s); endpoints can raise it to 3600 s. */
export const INVOKE_DEFAULT_TIMEOUT_MS = 600_000;

export type InvokeBody =
	| { kind: 'json'; value: unknown }
	| { kind: 'text'; value: string; contentType?: string }
	| { kind: 'bytes'; value: Uint8Array; contentType?: string };

export interface InvokeInput {
	/** Endpoint id or full resource name; the client resolves it to the invoke target. */
	endpoint: string;
	/** The model server's route, e.g. `/v1/chat/completions`. */
	path: string;
	/** Default POST, the only method the contract establishes. */
	method?: InvokeMethod;
	/** Sent as raw bytes. Content-Type: the caller's header, else `body.contentType`, else one for the kind. */
	body?: InvokeBody;
	/** Extra request headers; the ones policy.ts refuses (credentials, Host, X-Goog-*, framing, ...) are refused. */
	headers?: Record<string, string>;
	/** Call this deployed model directly, bypassing the traffic split. */
	deployedModelId?: string;
	/** When non-empty, the path must lie under one of these route prefixes. */
	allowedPathPrefixes?: string[];
	/** Retry on 429/503 and connection errors before any response byte. Default false: invoke may not be idempotent. */
	retry?: boolean;
	/** Time allowed for the response headers, and between two body chunks. Default 600 000 ms. */
	timeoutMs?: number;
	/** Default 'v1'. */
	apiVersion?: InvokeApiVersion;
	/**
	 * Default true: a non-2xx answer is thrown as VertexApiError (by the transport). False returns it as a normal
	 * response, for callers that want the model server's own error body.
	 */
	throwOnHttpError?: boolean;
}

export interface InvokeResponse {
	status: number;
	/** Lower-case names. */
	headers: Record<string, string>;
	/** The deployed model that answered, from `x-vertex-ai-deployed-model-id` when Vertex sends it. */
	deployedModelId?: string;
	/** The Content-Type header, or '' when there is none. */
	contentType: string;
	/** The body as it arrives. It can be read once, by iterating it or through one of the helpers below. */
	body: AsyncIterable<Uint8Array>;
	/** The whole body; fails once it grows past `maxBytes` (default INVOKE_DEFAULT_MAX_RESPONSE_BYTES, 64 MiB). */
	readAll(options?: { maxBytes?: number }): Promise<Buffer>;
	/** The whole body as UTF-8 text. */
	text(options?: { maxBytes?: number }): Promise<string>;
	/** The whole body parsed as JSON. */
	json(options?: { maxBytes?: number }): Promise<unknown>;
	/** The body as decoded chunks; the format comes from the Content-Type unless `options.format` says otherwise. */
	chunks(options?: DecodeStreamOptions): DecodedStream;
	/** Drops the body unread and releases the connection. */
	discard(): Promise<void>;
}
