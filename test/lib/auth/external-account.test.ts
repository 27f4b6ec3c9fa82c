/**
 * Workload identity federation in a real Node process. google-auth-library's STS client loads its
 * fetch through a dynamic import, which jest's module sandbox cannot run; a plain Node process (what
 * n8n is) can. The lib is compiled once into a temporary folder and driven from a child process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakeGoogle, sendJson } from '../support/fakeGoogle';
import { compileLib, runNode } from '../support/libProcess';

const workDir = mkdtempSync(join(tmpdir(), 'vertex-wif-'));
let libIndex: string;
let fake: FakeGoogle;

beforeAll(async () => {
	libIndex = compileLib(join(workDir, 'build'));
	fake = await FakeGoogle.start();
	fake.route('GET', /\/models$/, (_request, response) => sendJson(response, 200, { models: [{ name: 'm' }] }));
}, 60_000);

afterAll(async () => {
	await fake.close();
	rmSync(workDir, { recursive: true, force: true });
});

it('exchanges the subject token at the STS URL once and calls the API with the federated token', async () => {
	const subjectFile = join(workDir, 'subject-token.txt');
	writeFileSync(subjectFile, 'subject-token-from-idp');
	const config = {
		type: 'external_account',
		audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/provider',
		subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
		token_url: `${fake.url}/sts`,
		credential_source: { file: subjectFile },
	};
	const options = {
		credential: { kind: 'externalAccount', configJson: JSON.stringify(config) },
		projectId: 'wif-project',
		location: 'us-central1',
		apiBaseUrl: fake.url,
		tokenUrl: `${fake.url}/token`,
	};
	const script = `
		const lib = require(${JSON.stringify(libIndex)});
		(async () => {
			const client = new lib.VertexClient(${JSON.stringify(options)});
			const first = await client.listModels();
			await client.listModels();
			console.log(JSON.stringify({ models: first.models.length }));
			await lib.closeSharedAgent();
		})().catch((error) => { console.error(error.message); process.exit(1); });
	`;
	const result = await runNode(script);
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	expect(JSON.parse(result.stdout.trim())).toEqual({ models: 1 });
	const stsCalls = fake.requests.filter((request) => request.path === '/sts');
	expect(stsCalls).toHaveLength(1);
	expect(new URLSearchParams(stsCalls[0].body).get('subject_token')).toBe('subject-token-from-idp');
	expect(fake.apiRequests).toHaveLength(2);
	expect(fake.apiTokens().every((token) => token.startsWith('ya29.sts-token-'))).toBe(true);
}, 60_000);
