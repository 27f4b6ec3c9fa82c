import { generateKeyPairSync } from 'node:crypto';
import { Impersonated, JWT } from 'google-auth-library';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, assertionFor, exchange, parentPath, readKey, signJwt } from './helpers';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** A google-auth-library JWT client whose token requests go to the emulator instead of Google. */
function jwtClient(emulator: RunningEmulator): JWT {
	const key = readKey(emulator);
	const client = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
	routeToEmulator(client, emulator);
	return client;
}

/**
 * google-auth-library hard-codes Google's token URL: a request interceptor on the client's own
 * transporter sends it to the emulator. gaxios is told to use Node's fetch because its lazy
 * `import('node-fetch')` fallback cannot run inside jest's CommonJS sandbox.
 */
function routeToEmulator(client: JWT | Impersonated, emulator: RunningEmulator): void {
	client.transporter.interceptors.request.add({
		resolved: async (options) => {
			if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(emulator.tokenUrl);
			options.fetchImplementation = fetch;
			return options;
		},
	});
}

describe('emulator auth', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
	});
	afterAll(() => emulator.close());

	it('writes a Google-layout service-account key whose token_uri is the emulator', () => {
		const key = readKey(emulator) as unknown as Record<string, string>;
		expect(key.type).toBe('service_account');
		expect(key.token_uri).toBe(emulator.tokenUrl);
		expect(key.private_key).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}\n/);
		expect(key.client_email).toMatch(/@emulator-project\.iam\.gserviceaccount\.com$/);
		for (const field of ['project_id', 'private_key_id', 'client_id', 'auth_uri', 'auth_provider_x509_cert_url', 'client_x509_cert_url']) expect(key[field]).toBeTruthy();
	});

	it('lets a real google-auth-library JWT client exchange its assertion, and the token opens the API', async () => {
		const before = emulator.tokensMinted();
		const client = jwtClient(emulator);
		const { token } = await client.getAccessToken();
		expect(token).toMatch(/^ya29\./);
		expect(emulator.tokensMinted()).toBe(before + 1);
		const list = await apiClient(emulator, token as string)('GET', `${parentPath(emulator)}/endpoints`);
		expect(list.status).toBe(200);
		// proto3 JSON: an empty list is an empty object.
		expect(list.json).toEqual({});
		// The library caches the token: a second call mints nothing.
		await client.getAccessToken();
		expect(emulator.tokensMinted()).toBe(before + 1);
	});

	it('answers the grant with access_token, expires_in and token_type', async () => {
		const { status, body } = await exchange(emulator, assertionFor(readKey(emulator)));
		expect(status).toBe(200);
		expect(body).toEqual({ access_token: expect.stringMatching(/^ya29\./), expires_in: 3600, token_type: 'Bearer' });
	});

	it('refuses an assertion signed by another key with invalid_grant', async () => {
		const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const { status, body } = await exchange(emulator, assertionFor(readKey(emulator), {}, otherKey));
		expect(status).toBe(400);
		expect(body).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
	});

	it('refuses a wrong issuer, an expired assertion and a foreign audience with invalid_grant', async () => {
		const key = readKey(emulator);
		const now = Math.floor(Date.now() / 1000);
		for (const claims of [{ iss: 'someone@else.iam.gserviceaccount.com' }, { iat: now - 7200, exp: now - 3600 }, { iat: now, exp: now + 7200 }, { aud: 'https://example.com/token' }]) {
			const { status, body } = await exchange(emulator, assertionFor(key, claims));
			expect(status).toBe(400);
			expect(body.error).toBe('invalid_grant');
		}
	});

	it('refuses an assertion without the cloud-platform scope with invalid_scope', async () => {
		const { status, body } = await exchange(emulator, assertionFor(readKey(emulator), { scope: 'https://www.googleapis.com/auth/userinfo.email' }));
		expect(status).toBe(400);
		expect(body.error).toBe('invalid_scope');
	});

	it('refuses a token that is not RS256 and a grant type it does not speak', async () => {
		const key = readKey(emulator);
		const unsigned = signJwt(key.private_key, { alg: 'none' }, { iss: key.client_email }).split('.').slice(0, 2).join('.') + '.';
		expect((await exchange(emulator, unsigned)).body.error).toBe('invalid_grant');
		const answer = await fetch(emulator.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=a' });
		expect(answer.status).toBe(400);
		expect(((await answer.json()) as Record<string, string>).error).toBe('unsupported_grant_type');
	});

	it('answers 401 UNAUTHENTICATED without a token and with a token it never minted', async () => {
		for (const token of [undefined, 'ya29.not-minted-here']) {
			const answer = await apiClient(emulator, token)('GET', `${parentPath(emulator)}/models`);
			expect(answer.status).toBe(401);
			expect(answer.json.error.status).toBe('UNAUTHENTICATED');
			expect(answer.json.error.code).toBe(401);
			expect(answer.headers.get('www-authenticate')).toContain('Bearer');
		}
		const rejected = emulator.requestLog('rejected').filter((entry) => entry.status === 401);
		expect(rejected.length).toBeGreaterThanOrEqual(2);
		// The log names the failure, never the token.
		expect(JSON.stringify(emulator.requestLog())).not.toContain('ya29.not-minted-here');
	});

	it('serves tokens from the metadata-server route only with Metadata-Flavor: Google', async () => {
		const url = `${emulator.metadataUrl}/computeMetadata/v1/instance/service-accounts/default/token?scopes=https://www.googleapis.com/auth/cloud-platform`;
		expect((await fetch(url)).status).toBe(403);
		const answer = await fetch(url, { headers: { 'metadata-flavor': 'Google' } });
		expect(answer.status).toBe(200);
		expect(answer.headers.get('metadata-flavor')).toBe('Google');
		const body = (await answer.json()) as Record<string, string>;
		const list = await apiClient(emulator, body.access_token)('GET', `${parentPath(emulator)}/models`);
		expect(list.status).toBe(200);
		const projectId = await fetch(`${emulator.metadataUrl}/computeMetadata/v1/project/project-id`, { headers: { 'metadata-flavor': 'Google' } });
		expect(await projectId.text()).toBe(emulator.projectId);
	});

	it('mints impersonated tokens through :generateAccessToken for google-auth-library Impersonated', async () => {
		const source = jwtClient(emulator);
		const target = `runner@${emulator.projectId}.iam.gserviceaccount.com`;
		const impersonated = new Impersonated({
			sourceClient: source,
			targetPrincipal: target,
			targetScopes: ['https://www.googleapis.com/auth/cloud-platform'],
			lifetime: 600,
			endpoint: emulator.iamCredentialsBaseUrl,
		});
		routeToEmulator(impersonated, emulator);
		const { token } = await impersonated.getAccessToken();
		expect(token).toMatch(/^ya29\./);
		expect((await apiClient(emulator, token as string)('GET', `${parentPath(emulator)}/models`)).status).toBe(200);
		// Without a caller token the IAM route is closed.
		const anonymous = await fetch(`${emulator.iamCredentialsBaseUrl}/v1/projects/-/serviceAccounts/${target}:generateAccessToken`, { method: 'POST', body: '{}' });
		expect(anonymous.status).toBe(401);
	});
});

describe('emulator auth with short-lived tokens', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({ tokenLifetimeSeconds: 1 });
	});
	afterAll(() => emulator.close());

	it('reports the configured lifetime and refuses the token once it has expired', async () => {
		const { body } = await exchange(emulator, assertionFor(readKey(emulator)));
		expect(body.expires_in).toBe(1);
		const api = apiClient(emulator, body.access_token as string);
		expect((await api('GET', `${parentPath(emulator)}/models`)).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1200));
		expect((await api('GET', `${parentPath(emulator)}/models`)).status).toBe(401);
		// A fresh exchange works again: this is what a refreshing client does.
		expect((await apiClient(emulator, await accessToken(emulator))('GET', `${parentPath(emulator)}/models`)).status).toBe(200);
	});
});
