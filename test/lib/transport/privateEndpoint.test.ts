/**
 * Invoke through a Private Service Connect address: a real TLS server on 127.0.0.1 with a certificate from a CA made
 * for the test stands in for the forwarding rule. The call goes there (same invoke paths as the dedicated DNS), is
 * verified against the pasted CA (or, only when chosen, against nothing), and no request, so no token, reaches a
 * server whose certificate does not check out. The control plane is never asked.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

import {
	closeSharedAgent,
	forgetSecrets,
	scrubSecrets,
	VertexClient,
	VertexTransportError,
	VertexValidationError,
	type PrivateEndpointOptions,
} from '../support/lib-internals';
import { makeTestPki } from '../support/testCertificates';

const SERVER_NAME = 'psc.test.internal';
const pki = makeTestPki([SERVER_NAME]);
const TOKEN = 'ya29.private-endpoint-test-token';
const ENDPOINT = 'projects/my-project/locations/us-central1/endpoints/1234567';

interface Seen {
	method?: string;
	url?: string;
	authorization?: string;
	host?: string;
}

let server: Server;
let controlPlane: HttpServer;
let address = '';
let controlPlaneBase = '';
const seen: Seen[] = [];
const controlPlaneSeen: string[] = [];

beforeAll(async () => {
	server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (request, response) => {
		seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, host: request.headers.host });
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(JSON.stringify({ reached: request.url }));
	});
	controlPlane = createHttpServer((request, response) => {
		controlPlaneSeen.push(`${request.method} ${request.url}`);
		response.writeHead(500).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	await new Promise<void>((resolve) => controlPlane.listen(0, '127.0.0.1', resolve));
	address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
	controlPlaneBase = `http://127.0.0.1:${(controlPlane.address() as AddressInfo).port}`;
});

beforeEach(() => {
	seen.length = 0;
	controlPlaneSeen.length = 0;
});

afterAll(async () => {
	await closeSharedAgent();
	forgetSecrets();
	await new Promise((resolve) => server.close(resolve));
	await new Promise((resolve) => controlPlane.close(resolve));
});

function client(privateEndpointCaCertificate?: string): VertexClient {
	return new VertexClient({
		credential: { kind: 'accessToken', accessToken: TOKEN },
		projectId: 'my-project',
		location: 'us-central1',
		apiBaseUrl: controlPlaneBase,
		retry: { maxAttempts: 1 },
		privateEndpointCaCertificate,
	});
}

async function invoke(privateEndpoint: PrivateEndpointOptions, extra: { deployedModelId?: string; clientCa?: string } = {}) {
	const { clientCa, ...target } = extra;
	const response = await client(clientCa).invoke(
		{ endpoint: '1234567', method: 'POST', path: '/v1/chat/completions', body: { kind: 'json', value: { messages: [] } }, ...target },
		{ privateEndpoint },
	);
	return await response.json();
}

async function failure(call: () => Promise<unknown>): Promise<Error> {
	try {
		await call();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the call to fail');
}


describe('invoke through a private address with a pasted CA', () => {
	it('sends the invoke path to the named address with the token, and nothing to the control plane', async () => {
		const body = await invoke({ address, caCertificate: pki.caPem, tlsServerName: SERVER_NAME });
		expect(body).toEqual({ reached: `/v1/${ENDPOINT}/invoke/v1/chat/completions` });
		expect(seen).toEqual([{ method: 'POST', url: `/v1/${ENDPOINT}/invoke/v1/chat/completions`, authorization: `Bearer ${TOKEN}`, host: address }]);
		expect(controlPlaneSeen).toEqual([]);
	});

	it('keeps working after the Agents were closed: the private Agent is looked up at each request', async () => {
		const shared = client();
		const privateEndpoint = { address, caCertificate: pki.caPem, tlsServerName: SERVER_NAME };
		const call = async () => await (await shared.invoke({ endpoint: '1234567', path: '/x' }, { privateEndpoint })).json();
		await call();
		await closeSharedAgent();
		await call();
		expect(seen).toHaveLength(2);
	});

	it('keeps the deployedModels path to call one deployed model', async () => {
		await invoke({ address: `https://${address}/`, caCertificate: pki.caPem, tlsServerName: SERVER_NAME }, { deployedModelId: '42' });
		expect(seen.map((request) => request.url)).toEqual([`/v1/${ENDPOINT}/deployedModels/42/invoke/v1/chat/completions`]);
	});

	it('refuses a certificate the pasted CA did not sign: the connection fails, no request (so no token) arrives', async () => {
		const error = await failure(() => invoke({ address, caCertificate: pki.otherCaPem, tlsServerName: SERVER_NAME }));
		expect(error).toBeInstanceOf(VertexTransportError);
		expect(error.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ could not be verified/);
		expect(seen).toEqual([]);
	});

	it('without a CA or the self-signed choice, verifies against public CAs only, which do not sign it', async () => {
		const error = await failure(() => invoke({ address, tlsServerName: SERVER_NAME }));
		expect(error).toBeInstanceOf(VertexTransportError);
		expect(seen).toEqual([]);
	});

	it('checks the certificate against the address when no TLS server name is given (an IP the certificate does not name)', async () => {
		const error = await failure(() => invoke({ address, caCertificate: pki.caPem }));
		expect(error).toBeInstanceOf(VertexTransportError);
		expect((error as VertexTransportError).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
		expect(seen).toEqual([]);
	});
});

describe('accepting a self-signed certificate, only when chosen', () => {
	it('connects whatever the certificate when acceptSelfSignedCertificate is true', async () => {
		await invoke({ address, acceptSelfSignedCertificate: true });
		expect(seen).toHaveLength(1);
		expect(seen[0].authorization).toBe(`Bearer ${TOKEN}`);
	});

	it('is a conflict together with a pasted CA, refused before anything is sent', async () => {
		const error = await failure(() => invoke({ address, caCertificate: pki.caPem, acceptSelfSignedCertificate: true }));
		expect(error).toBeInstanceOf(VertexValidationError);
		expect(error).toMatchObject({ field: 'privateEndpoint.acceptSelfSignedCertificate' });
		expect(error.message).toMatch(/conflict/);
		expect(seen).toEqual([]);
	});
});

describe("the client's CA (privateEndpointCaCertificate: the n8n credential's), for every private address", () => {
	it('verifies the endpoint against it when the call names no CA', async () => {
		await invoke({ address, tlsServerName: SERVER_NAME }, { clientCa: pki.caPem });
		expect(seen).toHaveLength(1);
	});

	it("is replaced by a call's own CA", async () => {
		const error = await failure(() => invoke({ address, caCertificate: pki.otherCaPem, tlsServerName: SERVER_NAME }, { clientCa: pki.caPem }));
		expect(error).toBeInstanceOf(VertexTransportError);
		expect(seen).toEqual([]);
	});

	it('is a conflict with the self-signed choice, naming both, before anything is sent', async () => {
		const error = await failure(() => invoke({ address, acceptSelfSignedCertificate: true }, { clientCa: pki.caPem }));
		expect(error).toBeInstanceOf(VertexValidationError);
		expect(error).toMatchObject({ field: 'privateEndpoint.acceptSelfSignedCertificate' });
		expect(error.message).toMatch(/acceptSelfSignedCertificate and the credential's CA certificate for private endpoints \(privateEndpointCaCertificate\) conflict/);
		expect(() => client(pki.caPem).checkPrivateEndpoint({ address, acceptSelfSignedCertificate: true })).toThrow(/conflict/);
		expect(seen).toEqual([]);
	});

	it('refuses a private key there when the client is made, never quoting it', () => {
		const keyLines = pki.strayKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
		for (const pasted of [pki.strayKeyPem, `${pki.caPem}\n${pki.strayKeyPem}`, keyLines.join('\n'), 'not a certificate']) {
			let error: Error | undefined;
			try {
				client(pasted);
			} catch (thrown) {
				error = thrown as Error;
			}
			expect(error).toBeInstanceOf(VertexValidationError);
			expect(error).toMatchObject({ field: 'privateEndpointCaCertificate' });
			const shown = `${error?.message} ${JSON.stringify(error)} ${String(error?.stack)}`;
			for (const line of keyLines) expect(shown).not.toContain(line);
		}
	});
});

describe('what the CA field accepts', () => {
	it('refuses a private key pasted as the CA, never quoting it, and blanks its lines from later errors', async () => {
		const keyLines = pki.strayKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
		for (const pasted of [pki.strayKeyPem, `${pki.caPem}\n${pki.strayKeyPem}`, keyLines.join('\n')]) {
			const error = await failure(() => invoke({ address, caCertificate: pasted }));
			expect(error).toBeInstanceOf(VertexValidationError);
			expect(error).toMatchObject({ field: 'privateEndpoint.caCertificate' });
			expect(error.message).toMatch(/private key/);
			const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
			for (const line of keyLines) expect(shown).not.toContain(line);
		}
		expect(scrubSecrets(`a server echoed ${keyLines[0]}`)).not.toContain(keyLines[0]);
		expect(seen).toEqual([]);
	});

	it.each([
		['not PEM at all', 'my ca'],
		['a certificate with text after it', `${'-----BEGIN CERTIFICATE-----\n'}abc\n-----END CERTIFICATE-----\ntrailing`],
		['a damaged certificate', '-----BEGIN CERTIFICATE-----\nTUlJQ2RlYWRiZWVm\n-----END CERTIFICATE-----'],
	])('refuses %s, naming the field', async (_case, pasted) => {
		const error = await failure(() => invoke({ address, caCertificate: pasted }));
		expect(error).toBeInstanceOf(VertexValidationError);
		expect(error).toMatchObject({ field: 'privateEndpoint.caCertificate' });
		expect(seen).toEqual([]);
	});

	it.each([
		['a path', `${'10.0.0.3'}/v1`],
		['http', 'http://10.0.0.3'],
		['a user', 'user@10.0.0.3'],
		['empty', ' '],
	])('refuses an address with %s, naming the field', async (_case, pasted) => {
		const error = await failure(() => invoke({ address: pasted, acceptSelfSignedCertificate: true }));
		expect(error).toMatchObject({ field: 'privateEndpoint.address' });
	});

	it('refuses an IP address as the TLS server name', async () => {
		const error = await failure(() => invoke({ address, caCertificate: pki.caPem, tlsServerName: '10.0.0.3' }));
		expect(error).toMatchObject({ field: 'privateEndpoint.tlsServerName' });
	});
});
