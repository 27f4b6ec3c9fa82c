/**
 * The config node: every credential kind the n8n credential offers maps to the core's credential, the secrets are
 * exactly the fields the editor declares as Node-RED credentials (so they are never written to the flow file),
 * and nothing else the editor saves is a secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { GoogleVertexAiApi } from '../../credentials/GoogleVertexAiApi.credentials';
import { AUTHENTICATION_KINDS, DEFAULT_LOCATION } from '../../lib';
import { clientOptionsOf, SECRET_FIELDS } from '../../node-red/src/config';

const HTML = readFileSync(join(__dirname, '..', '..', 'node-red', 'src', 'vertexAiConfig.html'), 'utf8');
const definition = (fields: Record<string, unknown>) => ({ id: 'c', type: 'vertex-ai-config', ...fields });

describe('the config node', () => {
	it('offers every credential kind the n8n credential offers', () => {
		const n8nKinds = (new GoogleVertexAiApi().properties.find((property) => property.name === 'authentication')?.options ?? []).map(
			(option) => (option as { value: string }).value,
		);
		expect([...AUTHENTICATION_KINDS].sort()).toEqual([...n8nKinds].sort());
		for (const kind of AUTHENTICATION_KINDS) expect(HTML).toContain(`<option value="${kind}">`);
	});

	it('maps each kind, with its secrets from the Node-RED credentials, to the core client options', () => {
		const base = { location: 'europe-west4', projectId: 'my-project', apiBaseUrl: ' http://127.0.0.1:1 ', impersonateServiceAccount: 'sa@p.iam.gserviceaccount.com' };
		expect(clientOptionsOf(definition({ ...base, authentication: 'serviceAccountJson' }), { serviceAccountJson: ' {"k":1} ' })).toMatchObject({
			credential: { kind: 'serviceAccountKey', keyJson: '{"k":1}' },
			location: 'europe-west4',
			projectId: 'my-project',
			apiBaseUrl: 'http://127.0.0.1:1',
			impersonateServiceAccount: 'sa@p.iam.gserviceaccount.com',
		});
		expect(clientOptionsOf(definition({ authentication: 'serviceAccountEmailKey', clientEmail: 'a@b' }), { privateKey: 'PEM' }).credential).toEqual({
			kind: 'serviceAccountKey',
			clientEmail: 'a@b',
			privateKey: 'PEM',
		});
		expect(clientOptionsOf(definition({ authentication: 'applicationDefault' })).credential).toEqual({ kind: 'applicationDefault' });
		expect(clientOptionsOf(definition({ authentication: 'externalAccount' }), { externalAccountJson: '{}' }).credential).toEqual({ kind: 'externalAccount', configJson: '{}' });
		expect(clientOptionsOf(definition({ authentication: 'accessToken' }), { accessToken: 'ya29.t' }).credential).toEqual({ kind: 'accessToken', accessToken: 'ya29.t' });
		// Unset: a service account key, in us-central1, as the editor's defaults say.
		expect(clientOptionsOf(definition({}), {})).toMatchObject({ credential: { kind: 'serviceAccountKey' }, location: 'us-central1' });
		// The editor cannot import the core: its defaults are checked against what the core does with unset fields.
		const editorDefault = (field: string) => new RegExp(`${field}: { value: '([^']*)'`).exec(HTML)?.[1];
		expect(editorDefault('location')).toBe(DEFAULT_LOCATION);
		const secrets = { serviceAccountJson: '{"k":1}' };
		expect(clientOptionsOf(definition({ authentication: editorDefault('authentication') }), secrets)).toEqual(clientOptionsOf(definition({}), secrets));
	});

	it('declares the secrets as Node-RED credentials in the runtime and the editor alike, and keeps them out of the saved properties', () => {
		const credentialsBlock = /credentials:\s*{([\s\S]*?)\n\s*},\n/.exec(HTML)?.[1] ?? '';
		const declared = [...credentialsBlock.matchAll(/(\w+):\s*{\s*type:\s*'password'\s*}/g)].map((match) => match[1]);
		expect(declared.sort()).toEqual(Object.keys(SECRET_FIELDS).sort());
		const defaultsBlock = /defaults:\s*{([\s\S]*?)\n\s*},\n/.exec(HTML)?.[1] ?? '';
		for (const secret of Object.keys(SECRET_FIELDS)) expect(defaultsBlock).not.toContain(`${secret}:`);
		expect(defaultsBlock).toContain('authentication:');
	});
});
