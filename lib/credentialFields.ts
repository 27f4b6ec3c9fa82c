import type { VertexClientOptions } from './client';
import type { VertexCredential } from './auth';
import { fieldRef, messageParts, VertexValidationError } from './errors';

/**
 * The credential as a workflow engine stores it: one flat record of named fields (n8n's credential, Node-RED's
 * config node with its credentials). Both adapters map it to the client's options here, so the kinds, the field
 * names and the defaults are one.
 */
export const AUTHENTICATION_KINDS = ['serviceAccountJson', 'serviceAccountEmailKey', 'applicationDefault', 'externalAccount', 'accessToken'] as const;
export type AuthenticationKind = (typeof AUTHENTICATION_KINDS)[number];

/** The location used when a credential names none. */
export const DEFAULT_LOCATION = 'us-central1';

function text(fields: Record<string, unknown>, name: string): string | undefined {
	const value = fields[name];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function credentialOf(kind: AuthenticationKind, fields: Record<string, unknown>): VertexCredential {
	switch (kind) {
		case 'serviceAccountEmailKey':
			return { kind: 'serviceAccountKey', clientEmail: text(fields, 'clientEmail'), privateKey: text(fields, 'privateKey') };
		case 'applicationDefault':
			return { kind: 'applicationDefault' };
		case 'externalAccount':
			return { kind: 'externalAccount', configJson: text(fields, 'externalAccountJson') ?? '' };
		case 'accessToken':
			return { kind: 'accessToken', accessToken: text(fields, 'accessToken') ?? '' };
		default:
			return { kind: 'serviceAccountKey', keyJson: text(fields, 'serviceAccountJson') };
	}
}

/**
 * The client's options from a credential's fields (`authentication` one of AUTHENTICATION_KINDS, unset meaning a
 * service account key JSON). Only the fields of the chosen kind are read; nothing is checked here that the client
 * checks when it is made.
 */
export function clientOptionsFromFields(fields: Record<string, unknown>, userAgent: string): VertexClientOptions {
	const kind = (text(fields, 'authentication') ?? 'serviceAccountJson') as AuthenticationKind;
	if (!AUTHENTICATION_KINDS.includes(kind)) {
		throw new VertexValidationError(messageParts`${fieldRef('credential.kind')} must be one of ${AUTHENTICATION_KINDS.join(', ')}.`, 'credential.kind');
	}
	return {
		credential: credentialOf(kind, fields),
		impersonateServiceAccount: text(fields, 'impersonateServiceAccount'),
		projectId: text(fields, 'projectId'),
		location: text(fields, 'location') ?? DEFAULT_LOCATION,
		apiBaseUrl: text(fields, 'apiBaseUrl'),
		tokenUrl: text(fields, 'tokenUrl'),
		iamCredentialsBaseUrl: text(fields, 'iamCredentialsBaseUrl'),
		privateEndpointCaCertificate: text(fields, 'privateEndpointCaCertificate'),
		userAgent,
	};
}
