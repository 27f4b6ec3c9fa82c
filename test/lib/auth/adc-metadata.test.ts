/**
 * Application Default Credentials on a Google Cloud VM: with no key file, google-auth-library asks the
 * metadata server for the default service account's token. GCE_METADATA_HOST points it at a loopback
 * server answering as the metadata server does (Metadata-Flavor: Google). Run in a plain Node process
 * (see ../support/libProcess.ts): the token it hands out is the one the API sees, fetched once for many calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakeGoogle, sendJson } from '../support/fakeGoogle';
import { compileLib, runNode } from '../support/libProcess';

const TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token';

const workDir = mkdtempSync(join(tmpdir(), 'vertex-adc-'));
let libIndex: string;
let fake: FakeGoogle;
let metadata: Server;
const metadataRequests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
let vmToken: string;

function startMetadataServer(): Promise<Server> {
	const server = createServer((request, response) => {
		const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
		metadataRequests.push({ path, headers: request.headers });
		// The real server refuses requests without the header (an SSRF guard) and always answers with it.
		if (request.headers['metadata-flavor'] !== 'Google') {
			response.writeHead(403, { 'metadata-flavor': 'Google' }).end('Missing Metadata-Flavor:Google header.');
		} else if (path === TOKEN_PATH) {
			const body = JSON.stringify({ access_token: vmToken, expires_in: 3599, token_type: 'Bearer' });
			response.writeHead(200, { 'metadata-flavor': 'Google', 'content-type': 'application/json' }).end(body);
		} else if (path === '/computeMetadata/v1/instance' || path === '/computeMetadata/v1/instance/') {
			response.writeHead(200, { 'metadata-flavor': 'Google', 'content-type': 'application/text' }).end('attributes/\nid\n');
		} else {
			response.writeHead(404, { 'metadata-flavor': 'Google' }).end('Not Found');
		}
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
	libIndex = compileLib(join(workDir, 'build'));
	fake = await FakeGoogle.start();
	vmToken = fake.mintToken('ya29.vm-token');
	fake.route('GET', /\/models$/, (_request, response) => sendJson(response, 200, { models: [] }));
	metadata = await startMetadataServer();
}, 60_000);

afterAll(async () => {
	metadata.closeAllConnections();
	await new Promise<void>((resolve) => metadata.close(() => resolve()));
	await fake.close();
	rmSync(workDir, { recursive: true, force: true });
});

it('takes the token from the metadata server once, sends it to the API on every call, and the project from the environment', async () => {
	const options = { credential: { kind: 'applicationDefault' }, location: 'us-central1', apiBaseUrl: fake.url };
	const script = `
		const lib = require(${JSON.stringify(libIndex)});
		(async () => {
			const client = new lib.VertexClient(${JSON.stringify(options)});
			for (let i = 0; i < 3; i++) await client.listModels();
			console.log(JSON.stringify({ projectId: client.projectId }));
			await lib.closeSharedAgent();
		})().catch((error) => { console.error(error.message); process.exit(1); });
	`;
	const result = await runNode(script, {
		GCE_METADATA_HOST: `127.0.0.1:${(metadata.address() as AddressInfo).port}`,
		GCE_METADATA_IP: undefined,
		METADATA_SERVER_DETECTION: undefined,
		GOOGLE_APPLICATION_CREDENTIALS: undefined,
		// An empty gcloud folder: no user credentials file may answer in place of the metadata server.
		CLOUDSDK_CONFIG: workDir,
		GOOGLE_CLOUD_PROJECT: 'vm-project',
		GCLOUD_PROJECT: undefined,
	});
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	expect(JSON.parse(result.stdout.trim())).toEqual({ projectId: 'vm-project' });

	expect(fake.apiTokens()).toEqual([vmToken, vmToken, vmToken]);
	expect(fake.apiRequests.map((request) => request.path)).toEqual(Array(3).fill('/v1/projects/vm-project/locations/us-central1/models'));
	const tokenRequests = metadataRequests.filter((request) => request.path === TOKEN_PATH);
	expect(tokenRequests).toHaveLength(1);
	expect(tokenRequests[0].headers['metadata-flavor']).toBe('Google');
	expect(fake.tokenRequests).toHaveLength(0);
}, 60_000);
