import { VertexValidationError } from '../errors';
import type { HttpRequest } from '../http';
import { quoteForMessage } from '../secrets';
import {
	INVOKE_DEFAULT_TIMEOUT_MS,
	INVOKE_MAX_BODY_BYTES,
	INVOKE_METHODS,
	type InvokeBody,
	type InvokeInput,
	type InvokeMethod,
} from './types';
import { checkInvokePath } from './path';
import { buildInvokeUrl } from './url';

export interface InvokeTarget {
	/** `https://{dedicatedEndpointDns}` or a custom base URL. */
	baseUrl: string;
	/** `projects/{p}/locations/{l}/endpoints/{e}`. */
	endpointName: string;
}

/** Headers the client owns: the credential's token and the host, and the ones that frame the HTTP message. */
const REFUSED_HEADERS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
	authorization: 'it is set from the credential',
	'proxy-authorization': 'it is set by the client',
	host: 'it is set from the endpoint address',
	'content-length': 'the HTTP client frames the body itself',
	'transfer-encoding': 'the HTTP client frames the body itself',
	connection: 'the HTTP client manages connections',
	'keep-alive': 'the HTTP client manages connections',
	upgrade: 'the HTTP client manages connections',
	te: 'the HTTP client manages connections',
	trailer: 'the HTTP client frames the body itself',
	expect: 'the HTTP client does not support it',
});

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Field values may hold visible characters, spaces and tabs; CR/LF/NUL would split or end the header.
const BAD_HEADER_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

const DEFAULT_CONTENT_TYPES: Record<InvokeBody['kind'], string> = {
	json: 'application/json',
	text: 'text/plain; charset=utf-8',
	bytes: 'application/octet-stream',
};

/** Lower-cases and checks caller headers. Values are never quoted in errors: they may hold API keys. */
function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> {
	// Null prototype: names such as "constructor" or "__proto__" are plain keys here.
	const checked = Object.create(null) as Record<string, string>;
	for (const [name, value] of Object.entries(headers ?? {})) {
		const lowerName = name.toLowerCase();
		if (!HEADER_NAME.test(name)) {
			throw new VertexValidationError(
				`Header name ${quoteForMessage(name)} is not valid: use letters, digits and - (e.g. "x-request-id").`,
				'headers',
			);
		}
		if (lowerName in REFUSED_HEADERS) {
			throw new VertexValidationError(
				`The ${name} header cannot be set on an invoke request: ${REFUSED_HEADERS[lowerName]}.`,
				'headers',
			);
		}
		if (typeof value !== 'string' || BAD_HEADER_VALUE.test(value)) {
			throw new VertexValidationError(
				`The value of header ${name} must be text without line breaks or control characters.`,
				'headers',
			);
		}
		if (lowerName in checked) {
			throw new VertexValidationError(`Header ${name} is given twice (header names ignore case).`, 'headers');
		}
		checked[lowerName] = value;
	}
	return checked;
}

function serializeBody(body: InvokeBody): { bytes: Uint8Array | string; size: number } {
	switch (body.kind) {
		case 'json': {
			let text: string | undefined;
			try {
				text = JSON.stringify(body.value);
			} catch (error) {
				throw new VertexValidationError(
					`The JSON body cannot be serialised: ${(error as Error).message}.`,
					'body',
				);
			}
			if (text === undefined) {
				throw new VertexValidationError('The JSON body has no JSON value (it is undefined or a function).', 'body');
			}
			return { bytes: text, size: Buffer.byteLength(text) };
		}
		case 'text':
			if (typeof body.value !== 'string') throw new VertexValidationError('A text body must be a string.', 'body');
			return { bytes: body.value, size: Buffer.byteLength(body.value) };
		case 'bytes':
			if (!(body.value instanceof Uint8Array)) {
				throw new VertexValidationError('A bytes body must be a Uint8Array or Buffer.', 'body');
			}
			return { bytes: body.value, size: body.value.byteLength };
		default:
			throw new VertexValidationError(
				`Unknown body kind ${quoteForMessage((body as { kind?: unknown }).kind)}; use json, text or bytes.`,
				'body',
			);
	}
}

function checkTimeout(timeoutMs: number | undefined): number {
	if (timeoutMs === undefined) return INVOKE_DEFAULT_TIMEOUT_MS;
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		throw new VertexValidationError('The timeout must be a positive number of milliseconds.', 'timeoutMs');
	}
	return timeoutMs;
}

function checkMethod(method: InvokeMethod): InvokeMethod {
	if (!INVOKE_METHODS.includes(method)) {
		throw new VertexValidationError(
			`Method ${quoteForMessage(method)} is not supported by invoke; use ${INVOKE_METHODS.join(', ')}.`,
			'method',
		);
	}
	return method;
}

/**
 * The cheap checks of an invoke input (method, path and its allowed prefixes, headers, timeout), for a caller
 * that must look something up before it can build the request: a bad input then costs no request at all.
 */
export function checkInvokeInput(input: InvokeInput): void {
	checkMethod(input.method ?? 'POST');
	checkInvokePath(input.path, input.allowedPathPrefixes);
	checkHeaders(input.headers);
	checkTimeout(input.timeoutMs);
}

/** Turns an invoke input into the request the transport sends; everything is checked before anything is sent. */
export function buildInvokeRequest(target: InvokeTarget, input: InvokeInput, signal?: AbortSignal): HttpRequest {
	const method = checkMethod(input.method ?? 'POST');
	const url = buildInvokeUrl({
		baseUrl: target.baseUrl,
		endpointName: target.endpointName,
		path: input.path,
		deployedModelId: input.deployedModelId,
		allowedPathPrefixes: input.allowedPathPrefixes,
		apiVersion: input.apiVersion,
	});
	const headers = checkHeaders(input.headers);
	const timeoutMs = checkTimeout(input.timeoutMs);

	let body: Uint8Array | string | undefined;
	const requestBody = input.body;
	if (requestBody !== undefined) {
		const serialized = serializeBody(requestBody);
		if (serialized.size > INVOKE_MAX_BODY_BYTES) {
			throw new VertexValidationError(
				`The request body is ${serialized.size} bytes; Vertex dedicated endpoints accept at most ` +
					`${INVOKE_MAX_BODY_BYTES} bytes (10 MB).`,
				'body',
			);
		}
		const contentType = requestBody.kind === 'json' ? undefined : requestBody.contentType;
		if (contentType !== undefined && (typeof contentType !== 'string' || BAD_HEADER_VALUE.test(contentType))) {
			throw new VertexValidationError('The body content type must be text without line breaks.', 'body');
		}
		headers['content-type'] ??= contentType || DEFAULT_CONTENT_TYPES[requestBody.kind];
		body = serialized.bytes;
	}

	return {
		method,
		url,
		headers,
		body,
		signal,
		retry: input.retry ?? false,
		headersTimeoutMs: timeoutMs,
		bodyTimeoutMs: timeoutMs,
		throwOnHttpError: input.throwOnHttpError ?? true,
	};
}
