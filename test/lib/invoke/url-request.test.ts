import { VertexValidationError } from '../../../lib/errors';
import {
	buildInvokeRequest,
	buildInvokeUrl,
	INVOKE_DEFAULT_TIMEOUT_MS,
	prepareInvoke,
	INVOKE_MAX_BODY_BYTES,
	type InvokeInput,
} from '../../../lib/invoke';

const ENDPOINT = 'projects/123456789012/locations/us-central1/endpoints/8123456789';
const DNS_BASE = 'https://8123456789.us-central1-123456789012.prediction.vertexai.goog';
const TARGET = { baseUrl: DNS_BASE, endpointName: ENDPOINT };

function fieldOf(call: () => unknown): string {
	try {
		call();
	} catch (error) {
		if (error instanceof VertexValidationError) return error.field;
		throw error;
	}
	throw new Error('expected a VertexValidationError');
}

describe('buildInvokeUrl', () => {
	it('builds the traffic-split URL', () => {
		expect(buildInvokeUrl({ baseUrl: DNS_BASE, endpointName: ENDPOINT, path: '/v1/chat/completions' })).toBe(
			`${DNS_BASE}/v1/${ENDPOINT}/invoke/v1/chat/completions`,
		);
	});

	it('builds the URL for one deployed model, and with v1beta1', () => {
		expect(
			buildInvokeUrl({
				baseUrl: `${DNS_BASE}/`,
				endpointName: ENDPOINT,
				path: '/generate',
				deployedModelId: '1206978444030640128',
				apiVersion: 'v1beta1',
			}),
		).toBe(`${DNS_BASE}/v1beta1/${ENDPOINT}/deployedModels/1206978444030640128/invoke/generate`);
	});

	it('keeps a custom base URL with its own path prefix, and encodes the path', () => {
		expect(buildInvokeUrl({ baseUrl: 'http://127.0.0.1:8099/psc/', endpointName: ENDPOINT, path: '/a b' })).toBe(
			`http://127.0.0.1:8099/psc/v1/${ENDPOINT}/invoke/a%20b`,
		);
	});

	it('treats an empty deployed model id as "use the traffic split"', () => {
		expect(buildInvokeUrl({ ...TARGET, path: '/x', deployedModelId: '' })).toBe(`${DNS_BASE}/v1/${ENDPOINT}/invoke/x`);
	});

	it.each([
		[{ baseUrl: 'ftp://host' }, 'baseUrl'],
		[{ baseUrl: 'not a url' }, 'baseUrl'],
		[{ baseUrl: `${DNS_BASE}?x=1` }, 'baseUrl'],
		[{ baseUrl: `${DNS_BASE}#x` }, 'baseUrl'],
		[{ baseUrl: 'https://user:pass@host' }, 'baseUrl'],
		[{ endpointName: '8123456789' }, 'endpoint'],
		[{ endpointName: `${ENDPOINT}/../x` }, 'endpoint'],
		[{ endpointName: 'projects/p/locations/l/models/m' }, 'endpoint'],
		[{ deployedModelId: 'abc' }, 'deployedModelId'],
		[{ deployedModelId: '12/../34' }, 'deployedModelId'],
		[{ apiVersion: 'v2' as never }, 'apiVersion'],
		[{ path: '/a?b=1' }, 'path'],
		[{ path: '/v2/x', allowedPathPrefixes: ['/v1'] }, 'path'],
	])('refuses %j (field %s)', (override, field) => {
		expect(fieldOf(() => buildInvokeUrl({ ...TARGET, path: '/v1/chat', ...override }))).toBe(field);
	});
});

describe('buildInvokeRequest', () => {
	it('builds the URL of each target a prepared request is sent to, again and again', () => {
		const prepared = prepareInvoke({ endpoint: '8123456789', path: '/v1/chat', body: { kind: 'json', value: {} } });
		const other = { baseUrl: 'http://127.0.0.1:8080', endpointName: 'projects/my-project/locations/europe-west4/endpoints/4242' };
		const urls = [TARGET, other, TARGET, other].map((target) => buildInvokeRequest(target, prepared).url);
		expect(urls).toEqual([
			`${DNS_BASE}/v1/${ENDPOINT}/invoke/v1/chat`,
			`http://127.0.0.1:8080/v1/${other.endpointName}/invoke/v1/chat`,
			`${DNS_BASE}/v1/${ENDPOINT}/invoke/v1/chat`,
			`http://127.0.0.1:8080/v1/${other.endpointName}/invoke/v1/chat`,
		]);
	});

	const base: InvokeInput = { endpoint: '8123456789', path: '/v1/chat/completions' };

	it('sends a JSON body as POST with application/json, no retry, and the default timeouts', () => {
		const signal = new AbortController().signal;
		const request = buildInvokeRequest(TARGET, { ...base, body: { kind: 'json', value: { stream: true } } }, signal);
		expect(request).toEqual({
			method: 'POST',
			url: `${DNS_BASE}/v1/${ENDPOINT}/invoke/v1/chat/completions`,
			headers: { 'content-type': 'application/json' },
			body: '{"stream":true}',
			signal,
			retry: false,
			headersTimeoutMs: INVOKE_DEFAULT_TIMEOUT_MS,
			bodyTimeoutMs: INVOKE_DEFAULT_TIMEOUT_MS,
			throwOnHttpError: true,
		});
	});

	it('picks the content type: caller header, else body.contentType, else one for the kind', () => {
		const text = buildInvokeRequest(TARGET, { ...base, body: { kind: 'text', value: 'hi' } });
		expect(text.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8' });
		const bytes = buildInvokeRequest(TARGET, { ...base, body: { kind: 'bytes', value: Uint8Array.of(1, 2) } });
		expect(bytes.headers).toEqual({ 'content-type': 'application/octet-stream' });
		expect(bytes.body).toEqual(Uint8Array.of(1, 2));
		const typed = buildInvokeRequest(TARGET, {
			...base,
			body: { kind: 'bytes', value: Uint8Array.of(1), contentType: 'image/png' },
		});
		expect(typed.headers).toEqual({ 'content-type': 'image/png' });
		const callerSet = buildInvokeRequest(TARGET, {
			...base,
			headers: { 'Content-Type': 'application/vnd.custom+json' },
			body: { kind: 'json', value: [1] },
		});
		expect(callerSet.headers).toEqual({ 'content-type': 'application/vnd.custom+json' });
		expect(buildInvokeRequest(TARGET, base).headers).toEqual({});
		expect(buildInvokeRequest(TARGET, base).body).toBeUndefined();
	});

	it('lower-cases caller headers and passes retry, timeout and throwOnHttpError through', () => {
		const request = buildInvokeRequest(TARGET, {
			...base,
			headers: { 'X-Request-Id': 'abc', Accept: 'text/event-stream' },
			retry: true,
			timeoutMs: 1234,
			throwOnHttpError: false,
		});
		expect(request.headers).toEqual({ 'x-request-id': 'abc', accept: 'text/event-stream' });
		expect(request).toMatchObject({ retry: true, headersTimeoutMs: 1234, bodyTimeoutMs: 1234, throwOnHttpError: false });
	});

	it.each(['Authorization', 'authorization', 'AUTHORIZATION', 'Host', 'host', 'Content-Length', 'Transfer-Encoding'])(
		'refuses the %s header',
		(name) => {
			const call = () => buildInvokeRequest(TARGET, { ...base, headers: { [name]: 'Bearer secret-token-123' } });
			expect(fieldOf(call)).toBe('headers');
			expect(call).toThrow(new RegExp(`The ${name} header cannot be set`));
			// The value may be a secret: it never shows in the message.
			expect(call).not.toThrow(/secret-token-123/);
		},
	);

	it('refuses bad header names, values with line breaks, and case duplicates without quoting values', () => {
		const badValue = () => buildInvokeRequest(TARGET, { ...base, headers: { 'x-api-key': 'key-42\r\nx-evil: 1' } });
		expect(fieldOf(badValue)).toBe('headers');
		expect(badValue).not.toThrow(/key-42/);
		expect(fieldOf(() => buildInvokeRequest(TARGET, { ...base, headers: { 'bad name': 'x' } }))).toBe('headers');
		expect(fieldOf(() => buildInvokeRequest(TARGET, { ...base, headers: { 'x-a': 1 as never } }))).toBe('headers');
		const duplicate = () => buildInvokeRequest(TARGET, { ...base, headers: { 'X-A': '1', 'x-a': '2' } });
		expect(duplicate).toThrow(/given twice/);
	});

	it('accepts a body of exactly 10 MB and refuses one byte more, before sending', () => {
		const limit = new Uint8Array(INVOKE_MAX_BODY_BYTES);
		expect(buildInvokeRequest(TARGET, { ...base, body: { kind: 'bytes', value: limit } }).body).toBe(limit);
		const over = new Uint8Array(INVOKE_MAX_BODY_BYTES + 1);
		const call = () => buildInvokeRequest(TARGET, { ...base, body: { kind: 'bytes', value: over } });
		expect(fieldOf(call)).toBe('body');
		expect(call).toThrow(/10485761 bytes; Vertex dedicated endpoints accept at most 10485760 bytes/);
	});

	it('measures text and JSON bodies in UTF-8 bytes', () => {
		// 3.5 M three-byte characters: under the limit in characters, over it in bytes.
		const text = '€'.repeat(3_500_000);
		expect(fieldOf(() => buildInvokeRequest(TARGET, { ...base, body: { kind: 'text', value: text } }))).toBe('body');
		expect(fieldOf(() => buildInvokeRequest(TARGET, { ...base, body: { kind: 'json', value: { text } } }))).toBe(
			'body',
		);
	});

	it('refuses bodies that cannot be sent', () => {
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		for (const body of [
			{ kind: 'json', value: cyclic },
			{ kind: 'json', value: 10n },
			{ kind: 'json', value: undefined },
			{ kind: 'text', value: 42 },
			{ kind: 'bytes', value: 'not bytes' },
			{ kind: 'form', value: {} },
			{ kind: 'text', value: 'x', contentType: 'text/plain\r\nx-evil: 1' },
		]) {
			expect(fieldOf(() => buildInvokeRequest(TARGET, { ...base, body: body as never }))).toBe('body');
		}
	});

	it('allows POST only, and refuses a bad timeout', () => {
		for (const method of ['GET', 'PUT', 'DELETE', 'post']) {
			const call = () => buildInvokeRequest(TARGET, { ...base, method: method as never });
			expect(fieldOf(call)).toBe('method');
			expect(call).toThrow(/use POST/);
		}
		for (const timeoutMs of [0, -1, Number.NaN, Infinity]) {
			expect(fieldOf(() => buildInvokeRequest(TARGET, { ...base, timeoutMs }))).toBe('timeoutMs');
		}
	});
});
