/**
 * Auth end to end over 127.0.0.1: real JWTs signed by google-auth-library with a key made at run time,
 * exchanged at a token endpoint that verifies them; token reuse, early refresh, impersonation, ADC,
 * external accounts and plain tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { clearVertexClientCache, closeSharedAgent, getVertexClient, VertexApiError, VertexClient } from '../../../lib';
import { holdsRememberedSecret, rememberSecret } from '../../../lib/secrets';
import { FakeGoogle, makeServiceAccountKey, sendJson } from '../support/fakeGoogle';

let fake: FakeGoogle;
const { key, publicKey } = makeServiceAccountKey('test-project');
const tempDir = mkdtempSync(join(tmpdir(), 'vertex-auth-'));

beforeAll(async () => {
	fake = await FakeGoogle.start();
	fake.trustKey(key.client_email, publicKey);
	fake.route('GET', /\/models$/, (_request, response) => sendJson(response, 200, { models: [] }));
});

afterAll(async () => {
	clearVertexClientCache();
	await closeSharedAgent();
	await fake.close();
	rmSync(tempDir, { recursive: true, force: true });
});

beforeEach(() => {
	fake.tokenRequests.length = 0;
	fake.apiRequests.length = 0;
	fake.iamRequests.length = 0;
	fake.tokenRefusals.length = 0;
});

function keyClient(extra: Partial<ConstructorParameters<typeof VertexClient>[0]> = {}): VertexClient {
	return new VertexClient({
		credential: { kind: 'serviceAccountKey', keyJson: JSON.stringify(key) },
		location: 'us-central1',
		apiBaseUrl: fake.url,
		tokenUrl: `${fake.url}/token`,
		...extra,
	});
}

describe('service account key', () => {
	it('exchanges a real signed JWT at the custom token URL and uses one token for 50 API calls', async () => {
		const client = keyClient();
		await client.listModels();
		await Promise.all(Array.from({ length: 24 }, () => client.listModels()));
		for (let i = 0; i < 25; i++) await client.listModels();

		expect(fake.tokenRefusals).toEqual([]);
		expect(fake.tokenRequests).toHaveLength(1);
		expect(fake.apiRequests).toHaveLength(50);
		expect(new Set(fake.apiTokens()).size).toBe(1);
		expect(client.projectId).toBe('test-project');
		// The request went to the project named in the key.
		expect(fake.apiRequests[0].path).toBe('/v1/projects/test-project/locations/us-central1/models');
	});

	it('shares concurrent first calls: many parallel calls on a fresh client fetch one token', async () => {
		const client = keyClient({ userAgent: 'parallel-test' });
		await Promise.all(Array.from({ length: 20 }, () => client.listModels()));
		expect(fake.tokenRequests).toHaveLength(1);
		expect(fake.apiRequests[0].headers['user-agent']).toBe('parallel-test');
	});

	it('refreshes a token that is close to expiry, then reuses the fresh one', async () => {
		// 200 s is inside the 5-minute refresh margin: the next call must fetch a new token.
		fake.tokenLifetimes.push(200, 3600);
		const client = keyClient({ projectId: 'other-project' });
		await client.listModels();
		await client.listModels();
		await client.listModels();
		const tokens = fake.apiTokens();
		expect(fake.tokenRequests).toHaveLength(2);
		expect(tokens[1]).not.toBe(tokens[0]);
		expect(tokens[2]).toBe(tokens[1]);
	});

	it('accepts email + private key pasted with literal \\n sequences', async () => {
		const client = keyClient({
			credential: {
				kind: 'serviceAccountKey',
				clientEmail: key.client_email,
				privateKey: key.private_key.replace(/\n/g, '\\n'),
			},
		});
		expect(client.projectId).toBe('test-project');
		await client.listModels();
		expect(fake.tokenRefusals).toEqual([]);
		expect(fake.tokenRequests).toHaveLength(1);
	});

	it('reports a refused key without leaking the private key', async () => {
		const other = makeServiceAccountKey('test-project', 'unknown-sa');
		const client = keyClient({ credential: { kind: 'serviceAccountKey', keyJson: other.key } });
		const error = await client.listModels().catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(VertexApiError);
		expect((error as VertexApiError).message).toMatch(/Could not obtain an access token for service account unknown-sa@/);
		expect((error as VertexApiError).message).toContain('invalid_grant');
		const keyBody = other.key.private_key.split('\n')[1];
		expect(String(error)).not.toContain(keyBody);
		expect(JSON.stringify(error)).not.toContain(keyBody);
		expect(fake.apiRequests).toHaveLength(0);
	});

	it('getVertexClient returns one client per distinct options', () => {
		const options = {
			credential: { kind: 'serviceAccountKey' as const, keyJson: JSON.stringify(key) },
			location: 'us-central1',
			apiBaseUrl: fake.url,
			tokenUrl: `${fake.url}/token`,
		};
		const first = getVertexClient(options);
		expect(getVertexClient({ ...options, credential: { ...options.credential } })).toBe(first);
		expect(getVertexClient({ ...options, location: 'europe-west4' })).not.toBe(first);
	});
});

describe('impersonation', () => {
	it('gets the target account token from :generateAccessToken with the source token, and reuses it', async () => {
		const target = 'deployer@test-project.iam.gserviceaccount.com';
		const client = keyClient({ impersonateServiceAccount: target, iamCredentialsBaseUrl: fake.url });
		await client.listModels();
		await client.listModels();

		expect(fake.iamRequests).toHaveLength(1);
		expect(fake.iamRequests[0].path).toBe(`/v1/projects/-/serviceAccounts/${target}:generateAccessToken`);
		const sourceToken = String(fake.iamRequests[0].headers.authorization).replace('Bearer ', '');
		const apiTokens = fake.apiTokens();
		expect(apiTokens[0]).toMatch(/^ya29\.impersonated-/);
		expect(apiTokens[1]).toBe(apiTokens[0]);
		expect(apiTokens[0]).not.toBe(sourceToken);
		expect(client.credentialDescription).toContain(target);
	});
});

describe('plain access token', () => {
	it('sends the given token as is and never calls a token endpoint', async () => {
		const token = fake.mintToken('ya29.user-token');
		const client = new VertexClient({
			credential: { kind: 'accessToken', accessToken: token },
			projectId: 'token-project',
			location: 'europe-west4',
			apiBaseUrl: fake.url,
		});
		await client.listModels();
		expect(fake.apiTokens()).toEqual([token]);
		expect(fake.tokenRequests).toHaveLength(0);
		expect(fake.apiRequests[0].path).toBe('/v1/projects/token-project/locations/europe-west4/models');
	});

	it('needs a projectId, and says so by name', () => {
		expect(() => new VertexClient({ credential: { kind: 'accessToken', accessToken: 'ya29.abcdefgh' }, location: 'us-central1' })).toThrow(
			expect.objectContaining({ field: 'projectId' }),
		);
	});
});

describe('Application Default Credentials', () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env = { ...saved };
	});

	it('loads the key file GOOGLE_APPLICATION_CREDENTIALS names, with its project, through the custom token URL', async () => {
		const file = join(tempDir, 'adc.json');
		writeFileSync(file, JSON.stringify(key));
		process.env.GOOGLE_APPLICATION_CREDENTIALS = file;
		delete process.env.GOOGLE_CLOUD_PROJECT;
		delete process.env.GCLOUD_PROJECT;
		const client = new VertexClient({
			credential: { kind: 'applicationDefault' },
			location: 'us-central1',
			apiBaseUrl: fake.url,
			tokenUrl: `${fake.url}/token`,
		});
		expect(client.projectId).toBe('test-project');
		await client.listModels();
		await client.listModels();
		expect(fake.tokenRefusals).toEqual([]);
		expect(fake.tokenRequests).toHaveLength(1);
	});
});

// The STS exchange itself runs in a real Node process: see external-account.test.ts.
describe('external account (workload identity federation)', () => {
	function config(tokenUrl: string) {
		const subjectFile = join(tempDir, 'subject-token.txt');
		writeFileSync(subjectFile, 'subject-token-from-idp');
		return {
			type: 'external_account',
			audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/provider',
			subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
			token_url: tokenUrl,
			credential_source: { file: subjectFile },
		};
	}

	it('refuses a configuration that would send tokens to a non-Google token URL', () => {
		const before = fake.requests.length;
		expect(
			() =>
				new VertexClient({
					credential: { kind: 'externalAccount', configJson: config('https://tokens.example.com/token') },
					projectId: 'wif-project',
					location: 'us-central1',
				}),
		).toThrow(expect.objectContaining({ field: 'credential.configJson.token_url' }));
		expect(fake.requests).toHaveLength(before);
	});
});

describe('the secrets a credential in use holds', () => {
	it('stay remembered however many other secrets came since: each token it mints tells them again', async () => {
		// 200 s is inside the refresh margin: the second call mints a second token.
		fake.tokenLifetimes.push(200, 3600);
		const client = keyClient({ projectId: 'long-running-project' });
		await client.listModels();
		// Other credentials' tokens over weeks: more than the remembered set keeps.
		for (let n = 0; n < 1_000; n++) rememberSecret(`ya29.another-credential-token-${n}`);
		const keyLine = key.private_key.split('\n')[1];
		expect(holdsRememberedSecret(`echoed: ${keyLine}`)).toBe(false);
		await client.listModels();
		expect(fake.tokenRequests).toHaveLength(2);
		expect(holdsRememberedSecret(`echoed: ${keyLine}`)).toBe(true);
	});
});
