import { fieldRef, messageParts, VertexValidationError } from '../errors';
import type { HttpRequest } from '../http';
import { quoteForMessage } from '../secrets';
import { checkInvokePath } from './path';
import {
	HEADER_VALUE_RULE,
	INVOKE_MAX_BODY_BYTES,
	INVOKE_METHODS,
	MEDIA_TYPE_PATTERN,
	MEDIA_TYPE_RULE,
	invokeHeaderProblem,
	isHeaderValue,
	type InvokeApiVersion,
	type InvokeMethod,
} from './policy';
import { INVOKE_DEFAULT_TIMEOUT_MS, type InvokeBody, type InvokeInput } from './types';
import { checkApiVersion, checkDeployedModelId, invokeUrl } from './url';

export interface InvokeTarget {
	/** `https://{dedicatedEndpointDns}` or a custom base URL. */
	baseUrl: string;
	/** `projects/{p}/locations/{l}/endpoints/{e}`. */
	endpointName: string;
}

/**
 * An invoke input checked against the whole policy once (prepareInvoke) and ready to send as it is: the path
 * encoded, the headers lower-cased, the body serialised. Only the endpoint's address is still to be resolved.
 * Only prepareInvoke and withInvokeBody make one (the class is not exported), so holding one means it was checked.
 */
class PreparedInvoke {
	constructor(
		/** Endpoint id or full resource name, as given. */
		readonly endpoint: string,
		readonly method: InvokeMethod,
		/** Percent-encoded, under the allowed prefixes. */
		readonly encodedPath: string,
		readonly deployedModelId: string | undefined,
		readonly apiVersion: InvokeApiVersion,
		/** The caller's headers, lower-cased (null prototype), without the body's content type. */
		readonly callerHeaders: Readonly<Record<string, string>>,
		/** What is sent: the caller's headers and the body's content type. */
		readonly headers: Readonly<Record<string, string>>,
		readonly body: Uint8Array | string | undefined,
		readonly retry: boolean,
		readonly timeoutMs: number,
		readonly throwOnHttpError: boolean,
	) {}
}
export type { PreparedInvoke };

const HEADERS_RULE = 'an object of header names to text values';
const BODY_RULE = '{ kind: json, text or bytes, value }';
const JSON_BODY_RULE = 'a value JSON.stringify can write';

const DEFAULT_CONTENT_TYPES: Record<InvokeBody['kind'], string> = {
	json: 'application/json',
	text: 'text/plain; charset=utf-8',
	bytes: 'application/octet-stream',
};

/** Lower-cases and checks caller headers against the policy. Values are never quoted in errors: they may hold API keys. */
function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> {
	// Null prototype: names such as "constructor" or "__proto__" are plain keys here.
	const checked = Object.create(null) as Record<string, string>;
	if (headers === undefined) return checked;
	if (headers === null || typeof headers !== 'object') {
		throw new VertexValidationError(messageParts`The ${fieldRef('headers')} must be an object of header names to text values.`, 'headers', { rule: HEADERS_RULE });
	}
	for (const [name, value] of Object.entries(headers)) {
		const problem = invokeHeaderProblem(name, value);
		if (problem) throw new VertexValidationError(problem.message, 'headers', { rule: problem.rule });
		const lowerName = name.toLowerCase();
		if (lowerName in checked) {
			throw new VertexValidationError(messageParts`Header ${name} is given twice in the ${fieldRef('headers')} (header names ignore case).`, 'headers', { rule: 'each header name once' });
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
				throw new VertexValidationError(messageParts`The JSON ${fieldRef('body')} cannot be serialised: ${(error as Error).message}.`, 'body', { rule: JSON_BODY_RULE });
			}
			if (text === undefined) {
				throw new VertexValidationError(messageParts`The JSON ${fieldRef('body')} has no JSON value (it is undefined or a function).`, 'body', { rule: JSON_BODY_RULE });
			}
			return { bytes: text, size: Buffer.byteLength(text) };
		}
		case 'text':
			if (typeof body.value !== 'string') throw new VertexValidationError(messageParts`A text ${fieldRef('body')} must be a string.`, 'body', { rule: 'a string' });
			return { bytes: body.value, size: Buffer.byteLength(body.value) };
		case 'bytes':
			if (!(body.value instanceof Uint8Array)) {
				throw new VertexValidationError(messageParts`A bytes ${fieldRef('body')} must be a Uint8Array or Buffer.`, 'body', { rule: 'a Uint8Array or Buffer' });
			}
			return { bytes: body.value, size: body.value.byteLength };
		default:
			throw new VertexValidationError(
				messageParts`Unknown ${fieldRef('body', 'body')} kind ${quoteForMessage((body as { kind?: unknown }).kind)}; use json, text or bytes.`,
				'body',
				{ rule: BODY_RULE },
			);
	}
}

/** The body's bytes and its content type (the caller's header wins), checked against the size limit. */
function checkBody(body: InvokeBody, callerHeaders: Readonly<Record<string, string>>): { bytes: Uint8Array | string; contentType: string } {
	if (body === null || typeof body !== 'object') throw new VertexValidationError(messageParts`The ${fieldRef('body')} must be { kind, value }.`, 'body', { rule: BODY_RULE });
	const serialized = serializeBody(body);
	if (serialized.size > INVOKE_MAX_BODY_BYTES) {
		throw new VertexValidationError(
			messageParts`The request ${fieldRef('body')} is ${serialized.size} bytes; Vertex dedicated endpoints accept at most ${INVOKE_MAX_BODY_BYTES} bytes (10 MB).`,
			'body',
			{ rule: `at most ${INVOKE_MAX_BODY_BYTES} bytes` },
		);
	}
	const contentType = body.kind === 'json' ? undefined : body.contentType;
	if (contentType !== undefined && !isHeaderValue(contentType)) {
		throw new VertexValidationError(messageParts`The ${fieldRef('body')} content type must be one line of Latin-1 text.`, 'body', { rule: HEADER_VALUE_RULE });
	}
	if (contentType && !MEDIA_TYPE_PATTERN.test(contentType)) {
		throw new VertexValidationError(messageParts`The ${fieldRef('body')} content type must be ${MEDIA_TYPE_RULE}.`, 'body', { rule: MEDIA_TYPE_RULE });
	}
	return { bytes: serialized.bytes, contentType: callerHeaders['content-type'] ?? (contentType || DEFAULT_CONTENT_TYPES[body.kind]) };
}

function checkTimeout(timeoutMs: number | undefined): number {
	if (timeoutMs === undefined) return INVOKE_DEFAULT_TIMEOUT_MS;
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		throw new VertexValidationError(messageParts`The ${fieldRef('timeoutMs', 'timeout')} must be a positive number of milliseconds.`, 'timeoutMs', { rule: 'a positive number of milliseconds' });
	}
	return timeoutMs;
}

function checkMethod(method: InvokeMethod): InvokeMethod {
	if (!INVOKE_METHODS.includes(method)) {
		throw new VertexValidationError(
			messageParts`${fieldRef('method', 'Method')} ${quoteForMessage(method)} is not supported by invoke; use ${INVOKE_METHODS.join(', ')}.`,
			'method',
			{ rule: INVOKE_METHODS.join(', ') },
		);
	}
	return method;
}

/**
 * Checks an invoke input against the whole policy (method, path and its allowed prefixes, deployed model id, API
 * version, headers, body, timeout) and returns it ready to send, sending nothing. What it returns is what
 * `client.invoke` sends: nothing is checked twice.
 */
export function prepareInvoke(input: InvokeInput): PreparedInvoke {
	if (input === null || typeof input !== 'object') {
		throw new VertexValidationError('The invoke input must be an object such as { endpoint, path, body }.', 'input', { rule: 'an object such as { endpoint, path, body }' });
	}
	const method = checkMethod(input.method ?? 'POST');
	const encodedPath = checkInvokePath(input.path, input.allowedPathPrefixes);
	const deployedModelId = checkDeployedModelId(input.deployedModelId);
	const apiVersion = checkApiVersion(input.apiVersion);
	const callerHeaders = checkHeaders(input.headers);
	const timeoutMs = checkTimeout(input.timeoutMs);
	const body = input.body === undefined ? undefined : checkBody(input.body, callerHeaders);
	return new PreparedInvoke(
		input.endpoint,
		method,
		encodedPath,
		deployedModelId,
		apiVersion,
		callerHeaders,
		body === undefined ? callerHeaders : withContentType(callerHeaders, body.contentType),
		body?.bytes,
		input.retry ?? false,
		timeoutMs,
		input.throwOnHttpError ?? true,
	);
}

/**
 * The prepared request with `body` (checked: kind, size, content type) in place of its own: for a caller that
 * prepares every request first and loads a large body (a file) only when it sends it.
 */
export function withInvokeBody(prepared: PreparedInvoke, body: InvokeBody | undefined): PreparedInvoke {
	const checked = body === undefined ? undefined : checkBody(body, prepared.callerHeaders);
	return new PreparedInvoke(
		prepared.endpoint,
		prepared.method,
		prepared.encodedPath,
		prepared.deployedModelId,
		prepared.apiVersion,
		prepared.callerHeaders,
		checked === undefined ? prepared.callerHeaders : withContentType(prepared.callerHeaders, checked.contentType),
		checked?.bytes,
		prepared.retry,
		prepared.timeoutMs,
		prepared.throwOnHttpError,
	);
}

function withContentType(headers: Readonly<Record<string, string>>, contentType: string): Record<string, string> {
	return Object.assign(Object.create(null) as Record<string, string>, headers, { 'content-type': contentType });
}

/** True for what prepareInvoke returned (and nothing else, whatever its fields). */
export function isPreparedInvoke(value: unknown): value is PreparedInvoke {
	return value instanceof PreparedInvoke;
}

/**
 * The URL last built for a prepared request, with the target it was built for: a batch sends one prepared request
 * to one target for every item, and building the URL checks the target again.
 */
const builtUrls = new WeakMap<PreparedInvoke, { target: InvokeTarget; url: string }>();

function urlOf(target: InvokeTarget, prepared: PreparedInvoke): string {
	const built = builtUrls.get(prepared);
	if (built !== undefined && built.target.baseUrl === target.baseUrl && built.target.endpointName === target.endpointName) return built.url;
	const url = invokeUrl(target.baseUrl, target.endpointName, prepared.encodedPath, prepared.deployedModelId, prepared.apiVersion);
	builtUrls.set(prepared, { target: { baseUrl: target.baseUrl, endpointName: target.endpointName }, url });
	return url;
}

/** Turns an invoke input (checked now) or a prepared one (checked already) into the request the transport sends. */
export function buildInvokeRequest(target: InvokeTarget, input: InvokeInput | PreparedInvoke, signal?: AbortSignal): HttpRequest {
	const prepared = isPreparedInvoke(input) ? input : prepareInvoke(input);
	return {
		method: prepared.method,
		url: urlOf(target, prepared),
		headers: prepared.headers,
		body: prepared.body,
		signal,
		retry: prepared.retry,
		headersTimeoutMs: prepared.timeoutMs,
		bodyTimeoutMs: prepared.timeoutMs,
		throwOnHttpError: prepared.throwOnHttpError,
	};
}

/** Checks an invoke input against the whole policy and sends nothing: prepareInvoke for a caller that only asks. */
export function checkInvokeInput(input: InvokeInput): void {
	prepareInvoke(input);
}
