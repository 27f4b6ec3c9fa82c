/**
 * The one shape every part of the core uses to talk HTTP. The transport (undici, auth, retries)
 * implements `HttpSender`; invoke, operations and resources only depend on this interface.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL. The transport refuses to attach a bearer token to hosts it does not trust. */
	url: string;
	/** Caller headers. `authorization` and `host` are always set by the transport, never by a caller. */
	headers?: Record<string, string>;
	body?: string | Uint8Array;
	signal?: AbortSignal;
	/**
	 * Retry on 429 / 503 / UNAVAILABLE and connection errors, honouring Retry-After.
	 * Only for idempotent calls (GET, operation polls), or invoke when the caller opts in;
	 * never once a response byte has been consumed.
	 */
	retry?: boolean;
	/** Time allowed until the response headers arrive. */
	headersTimeoutMs?: number;
	/** Time allowed between two body chunks. */
	bodyTimeoutMs?: number;
	/** Default true: a non-2xx answer is thrown as a VertexApiError (with the body read and parsed). */
	throwOnHttpError?: boolean;
}

export interface HttpResponse {
	status: number;
	/** Lower-case header names; repeated headers joined with ", ". */
	headers: Record<string, string>;
	/** The body as it arrives; can be consumed once. */
	body: HttpResponseBody;
}

/** A response body: its chunks as they arrive, and what a sender may offer beyond them. */
export interface HttpResponseBody extends AsyncIterable<Uint8Array> {
	/**
	 * The whole body in one read, when the server declared its length (Content-Length) and that length is at most
	 * `maxBytes`; undefined otherwise (the body is then iterated). A read started here is the body's one read.
	 */
	readDeclared?(maxBytes: number): Promise<Buffer> | undefined;
	/** Stops reading, whether or not it started, and frees the connection. */
	release?(): void;
}

export interface HttpSender {
	send(request: HttpRequest): Promise<HttpResponse>;
}

/** Per-call options every client method takes as its last argument. */
export interface CallOptions {
	/** Aborts the call (and any wait it makes) when fired. */
	signal?: AbortSignal;
}
