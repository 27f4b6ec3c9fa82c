import { AUTHENTICATION_KINDS, clientOptionsFromFields, DEFAULT_LOCATION, VertexValidationError } from '../../lib';

describe("clientOptionsFromFields: a credential's stored fields as the client's options, for every adapter", () => {
	it('maps each kind to its credential, reading only the fields of that kind', () => {
		const fields = { serviceAccountJson: '{"k":1}', clientEmail: 'a@p.iam.gserviceaccount.com', privateKey: 'pem', externalAccountJson: '{"e":1}', accessToken: 'tok' };
		const credentials = Object.fromEntries(AUTHENTICATION_KINDS.map((kind) => [kind, clientOptionsFromFields({ ...fields, authentication: kind }, 'ua').credential]));
		expect(credentials).toEqual({
			serviceAccountJson: { kind: 'serviceAccountKey', keyJson: '{"k":1}' },
			serviceAccountEmailKey: { kind: 'serviceAccountKey', clientEmail: 'a@p.iam.gserviceaccount.com', privateKey: 'pem' },
			applicationDefault: { kind: 'applicationDefault' },
			externalAccount: { kind: 'externalAccount', configJson: '{"e":1}' },
			accessToken: { kind: 'accessToken', accessToken: 'tok' },
		});
	});

	it('defaults to a service account key and the default location; trims text and drops empty fields', () => {
		const options = clientOptionsFromFields({ serviceAccountJson: ' {} ', projectId: '  ', apiBaseUrl: ' http://127.0.0.1:1 ' }, 'ua');
		expect(options).toMatchObject({ credential: { kind: 'serviceAccountKey', keyJson: '{}' }, location: DEFAULT_LOCATION, apiBaseUrl: 'http://127.0.0.1:1', userAgent: 'ua' });
		expect(options.projectId).toBeUndefined();
	});

	it('refuses an unknown kind, naming the field', () => {
		expect(() => clientOptionsFromFields({ authentication: 'password' }, 'ua')).toThrow(expect.objectContaining({ field: 'credential.kind' }));
		expect(() => clientOptionsFromFields({ authentication: 'password' }, 'ua')).toThrow(VertexValidationError);
	});
});
