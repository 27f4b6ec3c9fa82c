/**
 * Secrets never come back in errors.
 *
 * The canary: a server on 127.0.0.1, used as custom API endpoint, token URL and IAM credentials base (so the token
 * is sent to it by design), echoes the Authorization header and the request body into every error field it can:
 * Google's envelope message and status, BadRequest field violations, ErrorInfo metadata (the denied permission),
 * other details, a failed operation's message, a poll failure a wait times out on, a model server's own 4xx / 5xx
 * body, a 200 answer that is not JSON or not the expected shape, a stream line that is not JSON, a 401 even after a
 * fresh token, and token / impersonation endpoints that echo the signed JWT assertion and the source token in
 * their errors. No token, assertion or private key fragment may appear in any error's message, status, details,
 * field violations, cause chain, String(error), stack or inspection.
 *
 * Then: secrets pasted into the wrong field (project id, location, URLs, ids, names, paths) are never quoted back,
 * and ordinary values are quoted at most 60 characters long.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';

import { GoogleVertexAiApi } from '../../credentials/GoogleVertexAiApi.credentials';
import {
	closeSharedAgent,
	holdsPrivateKey,
	quoteForMessage,
	scrubSecrets,
	SECRET_NOT_SHOWN,
	VertexApiError,
	VertexClient,
	VertexOperationError,
	VertexStreamError,
	VertexValidationError,
	type VertexClientOptions,
} from './support/lib-internals';
import { makeServiceAccountKey } from './support/fakeGoogle';

const { key } = makeServiceAccountKey('test-project', 'canary');
const KEY_BODY = key.private_key.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

/** What the echo server issued and received: every one a secret. */
const issuedTokens: string[] = [];
const assertions: string[] = [];
let server: Server;
let base = '';

function send(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	response.writeHead(status, { 'content-type': contentType });
	response.end(text);
}

/**
 * Everything the request carried that could be secret, as a server reflecting it would write it. The token also
 * goes back bare, without its "Bearer " prefix: only the scrubber's memory of the tokens sent can catch it then.
 */
function echoOf(request: IncomingMessage, body: string): string {
	const authorization = request.headers.authorization ?? '';
	const bareToken = authorization.replace(/^Bearer\s+/i, '');
	return `authorization=${authorization} caller=${bareToken} body=${body} headers=${JSON.stringify(request.headers)}`;
}

function envelope(code: number, status: string, echo: string) {
	return {
		error: {
			code,
			status,
			message: `Request had an error: ${echo}`,
			details: [
				{
					'@type': 'type.googleapis.com/google.rpc.BadRequest',
					fieldViolations: [
						{ field: `model.${echo}`, description: `bad value ${echo}` },
						{ field: 'displayName', description: `echo: ${echo}` },
					],
				},
				{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: `REASON ${echo}`, metadata: { permission: `aiplatform.${echo}`, body: echo } },
				{ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: echo, stackEntries: [echo], nested: { [echo]: [echo, { deeper: echo }] } },
			],
		},
	};
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	const body = Buffer.concat(chunks).toString('utf8');
	const url = new URL(request.url ?? '/', 'http://127.0.0.1');
	const path = url.pathname;
	const echo = echoOf(request, body);

	if (path.startsWith('/token')) {
		const assertion = new URLSearchParams(body).get('assertion');
		if (assertion) assertions.push(assertion);
		if (path === '/token/echo-json') return send(response, 400, { error: 'invalid_grant', error_description: `Invalid JWT: ${body}` });
		if (path === '/token/echo-text') return send(response, 400, `bad request: ${body}`, 'text/plain');
		if (path === '/token/echo-envelope') return send(response, 400, { error: { code: 400, message: `rejected ${body}`, status: 'INVALID_ARGUMENT' } });
		// Opaque tokens: nothing in their shape says "token", only the transport knows them.
		const token = randomBytes(30).toString('base64url');
		issuedTokens.push(token);
		return send(response, 200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
	}
	if (path.endsWith(':generateAccessToken')) {
		return send(response, 403, { error: { code: 403, status: 'PERMISSION_DENIED', message: `denied: ${echo}` } });
	}
	const route = `${request.method} ${path.replace(/^\/v1\/projects\/test-project\/locations\/us-central1/, '')}`;
	switch (route) {
		case 'GET /models/echo-envelope':
			return send(response, 400, envelope(400, `INVALID_ARGUMENT ${echo}`, echo));
		case 'GET /endpoints/echo-permission':
			return send(response, 403, envelope(403, 'PERMISSION_DENIED', echo));
		case 'POST /models:upload':
			return send(response, 400, envelope(400, 'INVALID_ARGUMENT', echo));
		case 'GET /models':
			return send(response, 500, `Internal error while handling ${echo}`, 'text/plain');
		case 'GET /endpoints':
			return send(response, 200, `<html>proxy page ${echo}</html>`, 'text/html');
		case 'GET /endpoints/echo-schema':
			return send(response, 200, { name: 'projects/test-project/locations/us-central1/endpoints/echo-schema', trafficSplit: { [echo]: 'all' } });
		case 'GET /models/always-401':
			return send(response, 401, envelope(401, 'UNAUTHENTICATED', echo));
		case 'GET /operations/1':
			return send(response, 200, {
				name: 'projects/test-project/locations/us-central1/operations/1',
				done: true,
				error: { code: 13, message: `deploy failed: ${echo}`, details: [{ echo }] },
			});
		case 'GET /operations/2':
			return send(response, 503, envelope(503, 'UNAVAILABLE', echo));
		case 'POST /endpoints/ep/invoke/server-error':
			return send(response, 500, `Traceback: request was ${echo}`, 'text/plain');
		case 'POST /endpoints/ep/invoke/openai-error':
			return send(response, 404, { error: { message: `no such route for ${echo}`, type: 'invalid_request_error' } });
		case 'POST /endpoints/ep/invoke/ndjson':
			return send(response, 200, `{"ok":1}\n{"broken": ${echo}\n`, 'application/x-ndjson');
		case 'POST /endpoints/ep/invoke/json':
			return send(response, 200, `{"answer": ${echo}`, 'application/json');
	}
	return send(response, 404, envelope(404, 'NOT_FOUND', echo));
}

beforeAll(async () => {
	server = createServer((request, response) => void handle(request, response));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await closeSharedAgent();
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

function clientWith(extra: Partial<VertexClientOptions> = {}): VertexClient {
	return new VertexClient({
		credential: { kind: 'serviceAccountKey', keyJson: JSON.stringify(key) },
		location: 'us-central1',
		apiBaseUrl: base,
		tokenUrl: `${base}/token`,
		retry: { maxAttempts: 1 },
		...extra,
	});
}

async function failureOf(work: () => Promise<unknown>): Promise<Error> {
	try {
		await work();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the call to fail');
}

/** Every text an error shows or carries: message, String(), stack, fields, inspection, down its cause chain. */
function textsOf(error: unknown): string[] {
	const texts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current; depth++) {
		if (current instanceof Error) {
			const fields = current as Error & Record<string, unknown>;
			texts.push(
				current.message,
				String(current),
				current.stack ?? '',
				JSON.stringify({ ...fields, status: fields.status, fieldViolations: fields.fieldViolations, details: fields.details }),
				inspect(current, { depth: 12 }),
			);
			current = current.cause;
		} else {
			texts.push(typeof current === 'string' ? current : inspect(current, { depth: 12 }));
			current = undefined;
		}
	}
	return texts;
}

/** 16-character pieces of a secret, every 4 characters: any of them in a text is a leak. */
function fragmentsOf(secret: string): string[] {
	const fragments: string[] = [];
	for (let at = 0; at + 16 <= secret.length; at += 4) fragments.push(secret.slice(at, at + 16));
	return fragments.length ? fragments : [secret];
}

function leaksIn(errors: unknown[]): string[] {
	const secrets = [...issuedTokens, ...assertions, KEY_BODY];
	const leaks: string[] = [];
	for (const [index, error] of errors.entries()) {
		for (const text of textsOf(error)) {
			for (const secret of secrets) {
				const fragment = fragmentsOf(secret).find((piece) => text.includes(piece));
				if (fragment) leaks.push(`error #${index} (${(error as Error).name}) shows ${fragment}: ${text.slice(0, 300)}`);
			}
		}
	}
	return leaks;
}

describe('a server that reflects the token and the request body', () => {
	const errors: unknown[] = [];
	const client = () => clientWith();

	it('gets no token into API errors: envelope message and status, field violations, ErrorInfo, details', async () => {
		const c = client();
		const invalid = (await failureOf(() => c.getModel('echo-envelope'))) as VertexApiError;
		expect(invalid).toBeInstanceOf(VertexApiError);
		expect(invalid.fieldViolations).toHaveLength(2);
		expect(invalid.message).toContain('[redacted]');
		expect(invalid.fieldViolations[0].description).toContain('[redacted]');
		expect(JSON.stringify(invalid.details)).toContain('[redacted]');
		const denied = (await failureOf(() => c.getEndpoint('echo-permission'))) as VertexApiError;
		expect(denied.message).toMatch(/lacks the IAM permission "aiplatform\./);
		const upload = await failureOf(() =>
			c.uploadModel({ modelId: 'm', model: { displayName: 'm', containerSpec: { imageUri: 'us-docker.pkg.dev/p/r/i:1' } } }),
		);
		errors.push(invalid, denied, upload);
		expect(leaksIn(errors)).toEqual([]);
	});

	it('gets no token into errors from bodies that are not Google envelopes or not what was expected', async () => {
		const c = client();
		const plain = (await failureOf(() => c.listModels())) as VertexApiError;
		expect(plain.httpStatus).toBe(500);
		expect(String(plain.details)).toContain('[redacted]');
		const notJson = await failureOf(() => c.listEndpoints());
		const wrongShape = await failureOf(() => c.getEndpoint('echo-schema'));
		expect(wrongShape).toBeInstanceOf(VertexApiError);
		errors.push(plain, notJson, wrongShape);
		expect(leaksIn(errors)).toEqual([]);
	});

	it('gets no token into failed-operation messages, nor into a wait that times out on failing polls', async () => {
		const c = client();
		const failed = (await failureOf(() => c.waitForOperation('projects/test-project/locations/us-central1/operations/1'))) as VertexOperationError;
		expect(failed).toBeInstanceOf(VertexOperationError);
		expect(failed.message).toMatch(/^The operation failed: deploy failed: authorization=Bearer \[redacted\]/);
		expect(failed.context).toMatch(/^INTERNAL, code 13; operation /);
		const timedOut = (await failureOf(() =>
			c.waitForOperation('projects/test-project/locations/us-central1/operations/2', { timeoutMs: 400, initialDelayMs: 50, maxDelayMs: 100 }),
		)) as VertexOperationError;
		expect(timedOut.reason).toBe('timeout');
		expect(timedOut.cause).toBeInstanceOf(VertexApiError);
		errors.push(failed, timedOut);
		expect(leaksIn(errors)).toEqual([]);
	});

	it("gets no token into a model server's own error answers or into stream errors", async () => {
		const c = client();
		const serverError = await failureOf(() => c.invoke({ endpoint: 'ep', path: '/server-error', body: { kind: 'text', value: 'hello' } }));
		const openAiError = await failureOf(() => c.invoke({ endpoint: 'ep', path: '/openai-error', body: { kind: 'json', value: { q: 1 } } }));
		const ndjson = await c.invoke({ endpoint: 'ep', path: '/ndjson', body: { kind: 'json', value: {} } });
		const streamError = await failureOf(async () => {
			for await (const chunk of ndjson.chunks()) void chunk;
		});
		expect(streamError).toBeInstanceOf(VertexStreamError);
		const json = await c.invoke({ endpoint: 'ep', path: '/json' });
		const jsonError = await failureOf(() => json.json());
		expect(jsonError).toBeInstanceOf(VertexStreamError);
		errors.push(serverError, openAiError, streamError, jsonError);
		expect(leaksIn(errors)).toEqual([]);
	});

	it('gets neither token into the error of a 401 that a fresh token gets too', async () => {
		const before = issuedTokens.length;
		const error = (await failureOf(() => client().getModel('always-401'))) as VertexApiError;
		expect(error.httpStatus).toBe(401);
		expect(error.message).toContain('even with a freshly minted token');
		expect(issuedTokens.length - before).toBe(2);
		errors.push(error);
		expect(leaksIn(errors)).toEqual([]);
	});

	it.each(['echo-json', 'echo-text', 'echo-envelope'])(
		'gets no signed JWT assertion into the error of a token URL that echoes it (%s)',
		async (route) => {
			const before = assertions.length;
			const error = await failureOf(() => clientWith({ tokenUrl: `${base}/token/${route}` }).listModels());
			expect(error).toBeInstanceOf(VertexApiError);
			expect(error.message).toMatch(/Could not obtain an access token/);
			expect(assertions.length).toBeGreaterThan(before);
			errors.push(error);
			expect(leaksIn(errors)).toEqual([]);
		},
	);

	it('gets no source token into the error of an IAM credentials endpoint that echoes it', async () => {
		const error = await failureOf(() =>
			clientWith({ impersonateServiceAccount: 'target@test-project.iam.gserviceaccount.com', iamCredentialsBaseUrl: base }).listModels(),
		);
		expect(error.message).toMatch(/Could not obtain an access token/);
		errors.push(error);
		expect(leaksIn(errors)).toEqual([]);
	});

	it('saw every kind of echo, and no error anywhere holds a secret', () => {
		expect(errors.length).toBeGreaterThanOrEqual(17);
		expect(issuedTokens.length).toBeGreaterThan(3);
		expect(assertions.length).toBeGreaterThan(3);
		expect(leaksIn(errors)).toEqual([]);
	});
});

describe('secrets pasted into the wrong field', () => {
	const random = (bytes: number) => randomBytes(bytes).toString('base64url');
	const jwt = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ${random(60)}.${random(128)}`;
	const cores: Array<[string, string, string]> = [
		['a PEM private key', key.private_key, KEY_BODY],
		['a whole service account key', JSON.stringify(key), KEY_BODY],
		['an external account with a client secret', JSON.stringify({ type: 'external_account', client_secret: 'GOCSPX-abcdefghijklmnop' }), 'GOCSPX-abcdefghijklmnop'],
		['a Google access token', `ya29.${random(60)}`, ''],
		['a bearer header', `Bearer ${random(30)}`, ''],
		['a signed JWT', jwt, jwt],
		// Starts with a capital, so it is never by chance a valid id or version alias (those start lower-case), and has
		// no "/" (standard base64's "/" would cut it into path segments too short to look like a secret).
		['a long base64 run', `K${random(48)}`, ''],
		['a long hex run', randomBytes(24).toString('hex').toUpperCase(), ''],
	];
	for (const entry of cores) if (!entry[2]) entry[2] = entry[1];

	const fields: Array<[string, (value: string) => Promise<unknown>]> = [
		['projectId', async (value) => clientWith({ projectId: value })],
		['location', async (value) => clientWith({ location: value })],
		['apiBaseUrl', async (value) => clientWith({ apiBaseUrl: value })],
		['tokenUrl', async (value) => clientWith({ tokenUrl: value })],
		['iamCredentialsBaseUrl', async (value) => clientWith({ iamCredentialsBaseUrl: value })],
		['model', (value) => clientWith().getModel(value)],
		['endpoint', (value) => clientWith().getEndpoint(value)],
		['operationName', (value) => clientWith().getOperation(value)],
		// A secret under "/" is a path like any other (sent, encoded); one without the "/" is refused, and quoted.
		['path', (value) => clientWith().invoke({ endpoint: 'ep', path: value })],
		['path', (value) => clientWith().invoke({ endpoint: 'ep', path: `/v1/${value}/../x` })],
		['deployedModelId', (value) => clientWith().invoke({ endpoint: 'ep', path: '/a', deployedModelId: value })],
		['model', (value) => clientWith().deleteModelVersion(`m@${value}`)],
		['privateEndpoint.address', (value) => clientWith().invoke({ endpoint: 'ep', path: '/a' }, { privateEndpoint: { address: value, acceptSelfSignedCertificate: true } })],
		['privateEndpoint.tlsServerName', (value) => clientWith().invoke({ endpoint: 'ep', path: '/a' }, { privateEndpoint: { address: '10.0.0.3', tlsServerName: value } })],
		['modelId', (value) => clientWith().uploadModel({ modelId: value, model: { displayName: 'm', containerSpec: { imageUri: 'i' } } })],
	];

	const cases = fields.flatMap(([field, call]) => cores.map(([what, value, core]) => [field, what, call, value, core] as const));

	it.each(cases)('%s: %s is not quoted back', async (field, _what, call, value, core) => {
		const error = await failureOf(() => call(value));
		expect(error).toBeInstanceOf(VertexValidationError);
		expect((error as VertexValidationError).field).toBe(field);
		const texts = textsOf(error).join('\n');
		expect(fragmentsOf(core).filter((fragment) => texts.includes(fragment))).toEqual([]);
		expect(error.message).toContain(SECRET_NOT_SHOWN);
	});

	// The CA fields take PEM, so they never quote anything back; a key pasted there is refused as a key, and a later
	// echo of it is blanked (these values are blanked by their form alone; that a refused key's lines are remembered is
	// tested in transport/privateEndpoint.test.ts). The request's CA is refused by the invoke, the client's (the n8n
	// credential's Private Endpoint CA Certificate) when the client is made.
	const caFields: Array<[string, (value: string) => Promise<unknown>]> = [
		['privateEndpoint.caCertificate', (value) => clientWith().invoke({ endpoint: 'ep', path: '/a' }, { privateEndpoint: { address: '10.0.0.3', caCertificate: value } })],
		['privateEndpointCaCertificate', async (value) => clientWith({ privateEndpointCaCertificate: value })],
	];
	const caCases = caFields.flatMap(([field, call]) => cores.map(([what, value, core]) => [field, what, call, value, core] as const));

	it.each(caCases)('%s: %s is refused and not shown', async (field, _what, call, value, core) => {
		const error = await failureOf(() => call(value));
		expect(error).toBeInstanceOf(VertexValidationError);
		expect((error as VertexValidationError).field).toBe(field);
		const texts = textsOf(error).join('\n');
		expect(fragmentsOf(core).filter((fragment) => texts.includes(fragment))).toEqual([]);
		const echoed = scrubSecrets(`a server echoed: ${value}`);
		expect(fragmentsOf(core).filter((fragment) => echoed.includes(fragment))).toEqual([]);
	});

	it('knows a private key in any form it is pasted in, and a certificate as no key', () => {
		const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
		const sec1 = privateKey.export({ format: 'pem', type: 'sec1' }).toString();
		const pkcs8Body = (privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).toString('base64');
		for (const pasted of [key.private_key, sec1, JSON.stringify(key), KEY_BODY, pkcs8Body, `${pkcs8Body.slice(0, 64)}\n${pkcs8Body.slice(64)}`]) {
			expect(holdsPrivateKey(pasted)).toBe(true);
		}
		const spki = publicKey.export({ format: 'pem', type: 'spki' }).toString();
		for (const pasted of [spki, '-----BEGIN CERTIFICATE-----\nTUlJQ2RlYWRiZWVm\n-----END CERTIFICATE-----', 'plain words']) {
			expect(holdsPrivateKey(pasted)).toBe(false);
		}
	});

	it('quotes an ordinary bad value, but at most its first 60 characters', async () => {
		const long = `Not-A-Model-Id-${'x'.repeat(200)}`;
		const error = await failureOf(() => clientWith().getModel(long));
		expect(error.message).toContain(`"${long.slice(0, 60)}"…`);
		expect(error.message).not.toContain(long.slice(0, 61));
		expect(quoteForMessage('my project')).toBe('"my project"');
		expect(quoteForMessage('a\r\nb')).toBe('"a\\r\\nb"');
		expect(quoteForMessage({ private_key: 'x' })).toBe('(an object)');
	});

	it('keeps paths and names that only look long readable', () => {
		for (const value of ['projects/My-Project-123/locations/us-central1/endpoints/ep1', '/v1/Models/LlamaModel3/Generate/Stream', 'my-very-long-model-name-for-customer-support-2024']) {
			expect(quoteForMessage(value)).not.toBe(SECRET_NOT_SHOWN);
		}
	});

	it('scrubs tokens, JWTs, keys and secret fields, but leaves prose alone', () => {
		const text = `Authorization: Bearer ${random(20)} ya29.${random(30)} ${jwt} ${key.private_key} {"client_secret": "s3cr3t-value-here"} assertion=${random(30)}`;
		const scrubbed = scrubSecrets(text);
		expect(scrubbed).not.toMatch(/ya29\.|eyJ|BEGIN PRIVATE|s3cr3t/);
		expect(scrubbed).toContain('Bearer [redacted]');
		expect(scrubSecrets('a bearer token is only sent to the configured host')).toBe('a bearer token is only sent to the configured host');
	});

	it('makes the External Account JSON a password field in the credential', () => {
		const property = new GoogleVertexAiApi().properties.find((candidate) => candidate.name === 'externalAccountJson');
		expect(property?.typeOptions?.password).toBe(true);
	});
});
