/**
 * Self-signed JWT access tokens (point 3): with a service-account key, Google's clients sign their own
 * JWT (iss = sub = client_email, a scope or the API as audience, RS256, kid) and send it as the bearer
 * token with no token exchange. The emulator takes those its own key signed, and only those.
 */
import { generateKeyPairSync } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, CLOUD_PLATFORM, parentPath, readKey, signJwt, type KeyFile } from './helpers';

describe('emulator: self-signed JWT access tokens', () => {
	let emulator: RunningEmulator;
	let key: KeyFile;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		key = readKey(emulator);
	});
	afterAll(() => emulator.close());

	const now = (): number => Math.floor(Date.now() / 1000);
	const selfSigned = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, privateKey = key.private_key): string =>
		signJwt(privateKey, { alg: 'RS256', typ: 'JWT', kid: key.private_key_id, ...header }, { iss: key.client_email, sub: key.client_email, scope: CLOUD_PLATFORM, iat: now(), exp: now() + 3600, ...claims });
	const status = async (token: string): Promise<number> => (await apiClient(emulator, token)('GET', `${parentPath(emulator)}/endpoints`)).status;

	it('opens the API to a JWT with the cloud-platform scope, or with the API as its audience, minting nothing', async () => {
		expect(await status(selfSigned())).toBe(200);
		for (const aud of [`https://${emulator.location}-aiplatform.googleapis.com/`, 'https://aiplatform.googleapis.com/', 'https://127.0.0.1/']) {
			expect(await status(selfSigned({ scope: undefined, aud }))).toBe(200);
		}
		expect(emulator.tokensMinted()).toBe(0);
	});

	it('refuses one the emulator\'s key did not sign, or whose claims are not a service account\'s own, current, short-lived access', async () => {
		const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const refused = [
			selfSigned({}, {}, otherKey),
			selfSigned({}, { kid: 'another-key-id' }),
			selfSigned({}, { alg: 'HS256' }),
			selfSigned({ sub: 'someone-else@example.iam.gserviceaccount.com' }),
			selfSigned({ iss: 'someone-else@example.iam.gserviceaccount.com' }),
			selfSigned({ iat: now() - 7200, exp: now() - 3600 }),
			selfSigned({ exp: now() + 7200 }),
			selfSigned({ scope: 'https://www.googleapis.com/auth/devstorage.read_only' }),
			selfSigned({ scope: undefined, aud: 'https://storage.googleapis.com/' }),
		];
		for (const token of refused) {
			const answer = await apiClient(emulator, token)('GET', `${parentPath(emulator)}/endpoints`);
			expect(answer.status).toBe(401);
			expect(answer.json.error.status).toBe('UNAUTHENTICATED');
		}
	});

	it('keeps POST /emulator/tokens:revoke working: one JWT by name, or all issued so far along with every minted token', async () => {
		const revoke = async (body: Record<string, unknown>): Promise<number> =>
			((await (await fetch(`${emulator.baseUrl}/emulator/tokens:revoke`, { method: 'POST', body: JSON.stringify(body) })).json()) as { revoked: number }).revoked;
		const named = selfSigned({ jti: 'one' });
		expect(await revoke({ token: named })).toBe(1);
		expect(await status(named)).toBe(401);

		const before = selfSigned({ jti: 'before' });
		const minted = await accessToken(emulator);
		expect(await status(before)).toBe(200);
		expect(await revoke({})).toBe(1);
		expect(await status(before)).toBe(401);
		expect(await status(minted)).toBe(401);
		// A JWT signed after the revocation (iat past the revoking second) opens the API again.
		expect(await status(selfSigned({ jti: 'after', iat: now() + 1 }))).toBe(200);
	});
});
