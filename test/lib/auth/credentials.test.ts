import { generateKeyPairSync } from 'node:crypto';

import { normalizePrivateKey, resolveCredential, VertexClient, VertexValidationError } from '../support/lib-internals';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyBodyLine = pem.split('\n')[1];

function fieldOf(run: () => unknown): string | undefined {
	try {
		run();
	} catch (error) {
		if (error instanceof VertexValidationError) {
			expect(error.message).not.toContain(keyBodyLine);
			return error.field;
		}
		throw error;
	}
	return undefined;
}

describe('service account keys', () => {
	it('normalises keys pasted with literal \\n, CRLF or surrounding quotes to the same PEM', () => {
		expect(normalizePrivateKey(pem.replace(/\n/g, '\\n'), 'k')).toBe(pem);
		expect(normalizePrivateKey(pem.replace(/\n/g, '\r\n'), 'k')).toBe(pem);
		expect(normalizePrivateKey(`"${pem.trim().replace(/\n/g, '\\n')}"`, 'k')).toBe(pem);
	});

	it('reads the whole key JSON, string or object, with its project', () => {
		const json = { type: 'service_account', project_id: 'p-123456', private_key: pem, client_email: 'sa@p-123456.iam.gserviceaccount.com', private_key_id: 'k1' };
		for (const keyJson of [JSON.stringify(json), json]) {
			const resolved = resolveCredential({ kind: 'serviceAccountKey', keyJson });
			expect(resolved).toMatchObject({ kind: 'serviceAccountKey', key: { projectId: 'p-123456', clientEmail: json.client_email, privateKeyId: 'k1' } });
		}
	});

	it('names the field at fault and never echoes the key', () => {
		expect(fieldOf(() => resolveCredential({ kind: 'serviceAccountKey', keyJson: `{"private_key": "${keyBodyLine}` }))).toBe('credential.keyJson');
		expect(fieldOf(() => resolveCredential({ kind: 'serviceAccountKey', keyJson: { client_email: 'a@b.c', private_key: 'nope' } }))).toBe(
			'credential.keyJson.private_key',
		);
		expect(fieldOf(() => resolveCredential({ kind: 'serviceAccountKey', keyJson: { private_key: pem } }))).toBe('credential.keyJson.client_email');
		expect(fieldOf(() => resolveCredential({ kind: 'serviceAccountKey', keyJson: { type: 'external_account' } }))).toBe('credential.keyJson');
		expect(
			fieldOf(() =>
				resolveCredential({ kind: 'serviceAccountKey', clientEmail: 'sa@p.iam.gserviceaccount.com', privateKey: pem.replace(keyBodyLine, 'AAAA') }),
			),
		).toBe('credential.privateKey');
		expect(fieldOf(() => resolveCredential({ kind: 'serviceAccountKey', clientEmail: 'not-an-email', privateKey: pem }))).toBe('credential.clientEmail');
	});

	it('takes the project from the client email when only email + key are given', () => {
		const client = new VertexClient({
			credential: { kind: 'serviceAccountKey', clientEmail: 'runner@my-project-42.iam.gserviceaccount.com', privateKey: pem },
			location: 'us-central1',
		});
		expect(client.projectId).toBe('my-project-42');
		expect(client.modelName('m1')).toBe('projects/my-project-42/locations/us-central1/models/m1');
		expect(client.endpointName('projects/123/locations/us-central1/endpoints/77')).toBe('projects/123/locations/us-central1/endpoints/77');
	});
});

describe('other credential kinds', () => {
	it('checks external account configurations and access tokens', () => {
		expect(fieldOf(() => resolveCredential({ kind: 'externalAccount', configJson: '{"type":"service_account"}' }))).toBe('credential.configJson');
		expect(fieldOf(() => resolveCredential({ kind: 'externalAccount', configJson: { type: 'external_account', audience: 'a' } }))).toBe(
			'credential.configJson.credential_source',
		);
		expect(fieldOf(() => resolveCredential({ kind: 'accessToken', accessToken: '' }))).toBe('credential.accessToken');
		expect(resolveCredential({ kind: 'accessToken', accessToken: 'Bearer ya29.abc' })).toEqual({ kind: 'accessToken', accessToken: 'ya29.abc' });
		expect(fieldOf(() => resolveCredential({ kind: 'password' } as never))).toBe('credential.kind');
	});

	it('refuses a bad impersonation target and a bad location by name', () => {
		const base = { credential: { kind: 'accessToken' as const, accessToken: 'ya29.abcdefgh' }, projectId: 'my-project' };
		expect(fieldOf(() => new VertexClient({ ...base, location: 'us-central1', impersonateServiceAccount: 'not an email' }))).toBe(
			'impersonateServiceAccount',
		);
		expect(fieldOf(() => new VertexClient({ ...base, location: 'US Central' }))).toBe('location');
		expect(fieldOf(() => new VertexClient({ ...base, location: 'us-central1', tokenUrl: 'http://10.1.2.3/token' }))).toBe('tokenUrl');
		expect(fieldOf(() => new VertexClient({ ...base, projectId: 'Bad Project', location: 'us-central1' }))).toBe('projectId');
	});
});
