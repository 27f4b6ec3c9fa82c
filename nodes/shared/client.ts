import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { getVertexClient, type VertexClient, type VertexClientOptions, type VertexCredential } from '../../lib';

const USER_AGENT = 'n8n-nodes-vertex-invoke';

function text(data: ICredentialDataDecryptedObject, name: string): string | undefined {
	const value = data[name];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function credentialOf(data: ICredentialDataDecryptedObject): VertexCredential {
	switch (data.authentication) {
		case 'serviceAccountEmailKey':
			return {
				kind: 'serviceAccountKey',
				clientEmail: text(data, 'clientEmail'),
				privateKey: text(data, 'privateKey'),
			};
		case 'applicationDefault':
			return { kind: 'applicationDefault' };
		case 'externalAccount':
			return { kind: 'externalAccount', configJson: text(data, 'externalAccountJson') ?? '' };
		case 'accessToken':
			return { kind: 'accessToken', accessToken: text(data, 'accessToken') ?? '' };
		default:
			return { kind: 'serviceAccountKey', keyJson: text(data, 'serviceAccountJson') };
	}
}

/** Maps the n8n credential to the core client's options; no n8n type crosses into lib/. */
export function clientOptionsFromCredential(data: ICredentialDataDecryptedObject): VertexClientOptions {
	return {
		credential: credentialOf(data),
		impersonateServiceAccount: text(data, 'impersonateServiceAccount'),
		projectId: text(data, 'projectId'),
		location: text(data, 'location') ?? 'us-central1',
		apiBaseUrl: text(data, 'apiBaseUrl'),
		tokenUrl: text(data, 'tokenUrl'),
		iamCredentialsBaseUrl: text(data, 'iamCredentialsBaseUrl'),
		userAgent: USER_AGENT,
	};
}

/** The client for a credential; the core caches one per credential, so tokens are reused across runs. */
export function clientFromCredential(data: ICredentialDataDecryptedObject): VertexClient {
	return getVertexClient(clientOptionsFromCredential(data));
}
