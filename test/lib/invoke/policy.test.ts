/**
 * The invoke request policy (lib/invoke/policy.ts) holds for every caller of the public client: each refused
 * header and each refused path throws VertexValidationError and no request reaches the server (a real one on
 * 127.0.0.1 that counts what it receives). And the editor's path pattern, derived from the policy, agrees with the
 * core over the core's path corpus.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	closeSharedAgent,
	INVOKE_MAX_BODY_BYTES,
	INVOKE_PATH_LINE,
	INVOKE_REFUSED_PATH_PATTERN,
	prepareInvoke,
	REFUSED_INVOKE_HEADERS,
	VertexClient,
	VertexValidationError,
	withInvokeBody,
	type InvokeInput,
} from '../../../lib';
import { isPreparedInvoke } from '../../../lib/invoke';
import { validateInvokePath } from '../../../lib/invoke';
import { ACCEPTED_PATHS, REFUSED_PATHS } from './path-corpus';

let server: Server;
let received = 0;
let client: VertexClient;

beforeAll(async () => {
	server = createServer((request, response) => {
		received++;
		request.resume();
		request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	client = new VertexClient({
		credential: { kind: 'accessToken', accessToken: 'ya29.policy-test-token' },
		projectId: 'test-project',
		location: 'us-central1',
		apiBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		retry: { maxAttempts: 1 },
	});
});

afterAll(async () => {
	await closeSharedAgent();
	await new Promise((resolve) => server.close(resolve));
});

const CLEAN: InvokeInput = { endpoint: 'ep1', path: '/x', body: { kind: 'json', value: {} } };

/** The field of the VertexValidationError `input` is refused with, by the client, with no request received. */
async function refusedField(input: InvokeInput): Promise<string> {
	const before = received;
	const error = await client.invoke(input).then(
		() => undefined,
		(failure: unknown) => failure,
	);
	expect(received).toBe(before);
	if (!(error instanceof VertexValidationError)) throw new Error(`expected a VertexValidationError, got ${String(error)}`);
	// prepareInvoke, the check-first step, refuses it the same way.
	expect(() => prepareInvoke(input)).toThrow(error.message);
	return error.field;
}

/** Every exactly refused name in three spellings, and names under each refused prefix. */
const REFUSED_NAMES = REFUSED_INVOKE_HEADERS.flatMap((rule) => [
	...rule.names.flatMap((name) => [name, name.toUpperCase(), name.replace(/(^|-)([a-z])/g, (_, dash, c: string) => dash + c.toUpperCase())]),
	...(rule.prefixes ?? []).flatMap((prefix) => [`${prefix}user-project`, `${prefix.toUpperCase()}Api-Key`, `${prefix}x`]),
]);

describe('the invoke policy, through the public client', () => {
	it('sends a clean request (the server counts it)', async () => {
		const before = received;
		const response = await client.invoke(CLEAN);
		await response.discard();
		expect(received).toBe(before + 1);
	});

	it('refuses the headers the issue named, as the Invoke node does', async () => {
		for (const name of ['X-Goog-User-Project', 'X-Forwarded-For', 'Forwarded', 'X-HTTP-Method-Override']) {
			expect(await refusedField({ ...CLEAN, headers: { [name]: 'other' } })).toBe('headers');
		}
	});

	it.each(REFUSED_NAMES)('refuses the %s header with its reason, sending nothing', async (name) => {
		const rule = REFUSED_INVOKE_HEADERS.find((candidate) => candidate.names.includes(name.toLowerCase()) || candidate.prefixes?.some((prefix) => name.toLowerCase().startsWith(prefix)));
		const input = { ...CLEAN, headers: { [name]: 'secret-value-123' } };
		expect(await refusedField(input)).toBe('headers');
		const message = await client.invoke(input).catch((error: Error) => error.message);
		expect(message).toContain(rule?.reason);
		expect(message).not.toContain('secret-value-123');
	});

	it.each([
		['a bad name', { 'bad name': 'x' }],
		['a line break', { 'x-a': 'a\r\nx-evil: 1' }],
		['a control character', { 'x-a': 'a\u0000b' }],
		['a C1 control character', { 'x-a': 'a\u0085b' }],
		['a value beyond Latin-1', { 'x-a': 'check ✓' }],
		['a value that is not text', { 'x-a': 1 as unknown as string }],
		['a name given twice', { 'X-A': '1', 'x-a': '2' }],
	])('refuses %s, sending nothing', async (_, headers) => {
		expect(await refusedField({ ...CLEAN, headers })).toBe('headers');
	});

	it('refuses a content type that is not one line of Latin-1, sending nothing', async () => {
		for (const contentType of ['text/plain\r\nx-evil: 1', 'text/plain; name=✓']) {
			expect(await refusedField({ ...CLEAN, body: { kind: 'text', value: 'x', contentType } })).toBe('body');
		}
	});

	it.each(REFUSED_PATHS)('refuses the path %j, sending nothing', async (path, reason) => {
		const field = await refusedField({ ...CLEAN, path });
		expect(field).toBe('path');
		expect(await client.invoke({ ...CLEAN, path }).catch((error: Error) => error.message)).toMatch(reason);
	});
});

describe('a prepared request', () => {
	it('is sent as it was checked, and a body added later is checked before it is sent', async () => {
		const prepared = prepareInvoke({ ...CLEAN, headers: { 'X-Request-Id': 'r1' }, body: { kind: 'bytes', value: new Uint8Array(), contentType: 'audio/wav' } });
		expect(prepared.headers).toEqual({ 'x-request-id': 'r1', 'content-type': 'audio/wav' });
		const before = received;
		const tooLarge = () => withInvokeBody(prepared, { kind: 'bytes', value: new Uint8Array(INVOKE_MAX_BODY_BYTES + 1), contentType: 'audio/wav' });
		expect(tooLarge).toThrow(expect.objectContaining({ field: 'body' }) as Error);
		const response = await client.invoke(withInvokeBody(prepared, { kind: 'bytes', value: new Uint8Array([1, 2, 3]), contentType: 'audio/wav' }));
		await response.discard();
		expect(received).toBe(before + 1);
	});

	it('is only what prepareInvoke made: a look-alike object is checked as an input', async () => {
		const lookAlike = { ...prepareInvoke(CLEAN), path: '/a/../b', headers: { 'X-Goog-User-Project': 'other' } };
		expect(isPreparedInvoke(lookAlike)).toBe(false);
		expect(await refusedField(lookAlike as unknown as InvokeInput)).toBe('path');
	});
});

describe("the editor's path pattern, derived from the policy", () => {
	/** What the Invoke node's editor flags: a path that is not one line starting with "/", or that the pattern matches. */
	const editorFlags = (path: string) => !INVOKE_PATH_LINE.test(path) || new RegExp(INVOKE_REFUSED_PATH_PATTERN).test(path);
	const coreRefuses = (path: string) => {
		try {
			validateInvokePath(path);
			return false;
		} catch {
			return true;
		}
	};

	it('flags no path the core accepts', () => {
		expect(ACCEPTED_PATHS.map(([path]) => path).filter(editorFlags)).toEqual([]);
	});

	it('flags only paths the core refuses, and misses exactly those one pattern cannot see', () => {
		const paths = REFUSED_PATHS.map(([path]) => path);
		expect(paths.filter(editorFlags).filter((path) => !coreRefuses(path))).toEqual([]);
		// Refusals that need decoding (double encoding, encoded control characters, invalid UTF-8) or a surrogate check.
		expect(paths.filter((path) => !editorFlags(path))).toEqual([
			'/a/%252e%252e/admin',
			'/a/%252F',
			'/a/b%0a',
			'/a/b%0D%0AHost:x',
			'/a/b%00',
			'/a/b%7F',
			'/a/b%c2%85',
			'/a/%ff',
			'/a/\ud800',
		]);
	});
});
