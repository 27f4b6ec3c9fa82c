/**
 * The credential kinds a user can configure, checked and normalised before any auth client exists.
 * Messages name the field at fault and never echo a secret.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { fieldRef, messageParts, VertexValidationError } from '../errors';
import { PROJECT_ID, SERVICE_ACCOUNT_EMAIL } from '../rules/ids';
import { quoteForMessage } from '../secrets';

/** A service account's own project, from its email (name@{project}.iam.gserviceaccount.com). */
const PROJECT_OF_SERVICE_ACCOUNT = new RegExp(`@(${PROJECT_ID.source})\\.iam\\.gserviceaccount\\.com$`);

const CREDENTIAL_KINDS_RULE = 'serviceAccountKey, applicationDefault, externalAccount or accessToken';

export type VertexCredential =
	| { kind: 'serviceAccountKey'; keyJson?: string | Record<string, unknown>; clientEmail?: string; privateKey?: string }
	| { kind: 'applicationDefault' }
	| { kind: 'externalAccount'; configJson: string | Record<string, unknown> }
	| { kind: 'accessToken'; accessToken: string };

export interface ServiceAccountKey {
	clientEmail: string;
	privateKey: string;
	privateKeyId?: string;
	projectId?: string;
}

export type ResolvedCredential =
	| { kind: 'serviceAccountKey'; key: ServiceAccountKey }
	| { kind: 'applicationDefault'; projectId?: string }
	| { kind: 'externalAccount'; config: Record<string, unknown> }
	| { kind: 'accessToken'; accessToken: string };


function parseJsonObject(value: string | Record<string, unknown>, field: string, what: string): Record<string, unknown> {
	if (typeof value !== 'string') {
		if (value && typeof value === 'object' && !Array.isArray(value)) return value;
		throw new VertexValidationError(messageParts`${fieldRef(field)} must be the ${what} as a JSON object.`, field);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		// The parser's message quotes the input, which may hold a private key: say only what is wrong.
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} is not valid JSON: paste the whole ${what} file content, from the opening { to the closing }.`,
			field,
		);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new VertexValidationError(messageParts`${fieldRef(field)} must be a JSON object (the ${what}).`, field);
	}
	return parsed as Record<string, unknown>;
}

/**
 * A PEM private key as pasted: surrounding quotes dropped, literal "\n" sequences and CRLF turned into
 * newlines. Checked with node:crypto so a broken key fails here, not at the token endpoint.
 */
export function normalizePrivateKey(value: string, field: string): string {
	let key = value.trim();
	if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
	key = key.replace(/\\r\\n|\\n/g, '\n').replace(/\r\n/g, '\n').trim();
	if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} is not a PEM private key: paste the whole private_key value of the service account key, from its BEGIN PRIVATE KEY line to its END PRIVATE KEY line.`,
			field,
		);
	}
	try {
		createPrivateKey(key);
	} catch {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} could not be read as a private key: copy the private_key value whole, including the BEGIN and END lines.`,
			field,
		);
	}
	return `${key}\n`;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function resolveServiceAccountKey(credential: Extract<VertexCredential, { kind: 'serviceAccountKey' }>): ServiceAccountKey {
	if (credential.keyJson !== undefined && credential.keyJson !== '') {
		const field = 'credential.keyJson';
		const json = parseJsonObject(credential.keyJson, field, 'service account key');
		if (json.type !== undefined && json.type !== 'service_account') {
			throw new VertexValidationError(
				messageParts`${fieldRef(field)} is a ${quoteForMessage(json.type)} credential, not a service account key (type "service_account")${json.type === 'external_account' ? ': use the external account credential kind' : ''}.`,
				field,
			);
		}
		const clientEmail = text(json.client_email);
		if (!clientEmail || !SERVICE_ACCOUNT_EMAIL.pattern.test(clientEmail)) {
			throw new VertexValidationError(messageParts`${fieldRef(field)} has no valid client_email.`, `${field}.client_email`);
		}
		if (typeof json.private_key !== 'string') {
			throw new VertexValidationError(messageParts`${fieldRef(field)} has no private_key.`, `${field}.private_key`);
		}
		return {
			clientEmail,
			privateKey: normalizePrivateKey(json.private_key, `${field}.private_key`),
			privateKeyId: text(json.private_key_id),
			projectId: text(json.project_id),
		};
	}
	const clientEmail = text(credential.clientEmail);
	if (!clientEmail || !SERVICE_ACCOUNT_EMAIL.pattern.test(clientEmail)) {
		throw new VertexValidationError(
			messageParts`${fieldRef('credential.clientEmail')} must be the service account email (name@project.iam.gserviceaccount.com), or give the whole key as ${fieldRef('credential.keyJson', 'keyJson')}.`,
			'credential.clientEmail',
		);
	}
	if (!text(credential.privateKey)) {
		throw new VertexValidationError(messageParts`${fieldRef('credential.privateKey')} is required with ${fieldRef('credential.clientEmail', 'clientEmail')}.`, 'credential.privateKey');
	}
	const projectFromEmail = PROJECT_OF_SERVICE_ACCOUNT.exec(clientEmail)?.[1];
	return {
		clientEmail,
		privateKey: normalizePrivateKey(credential.privateKey as string, 'credential.privateKey'),
		projectId: projectFromEmail,
	};
}

/** The project ADC would use, found without network: env variables, then the key file they name. */
function adcProjectId(): string | undefined {
	const fromEnv = text(process.env.GOOGLE_CLOUD_PROJECT) ?? text(process.env.GCLOUD_PROJECT);
	if (fromEnv) return fromEnv;
	const file = text(process.env.GOOGLE_APPLICATION_CREDENTIALS);
	if (!file) return undefined;
	try {
		const json = JSON.parse(readFileSync(file, 'utf8')) as { project_id?: unknown; quota_project_id?: unknown };
		return text(json.project_id) ?? text(json.quota_project_id);
	} catch {
		return undefined;
	}
}

export function resolveCredential(credential: VertexCredential): ResolvedCredential {
	if (!credential || typeof credential !== 'object') {
		throw new VertexValidationError(messageParts`${fieldRef('credential')} is required.`, 'credential');
	}
	switch (credential.kind) {
		case 'serviceAccountKey':
			return { kind: 'serviceAccountKey', key: resolveServiceAccountKey(credential) };
		case 'applicationDefault':
			return { kind: 'applicationDefault', projectId: adcProjectId() };
		case 'externalAccount': {
			const field = 'credential.configJson';
			const config = parseJsonObject(credential.configJson, field, 'external account configuration');
			if (config.type !== 'external_account') {
				throw new VertexValidationError(
					messageParts`${fieldRef(field)} must be an external account (workload identity federation) configuration with "type": "external_account".`,
					field,
				);
			}
			if (!text(config.audience)) throw new VertexValidationError(messageParts`${fieldRef(field)} has no audience.`, `${field}.audience`);
			if (!config.credential_source || typeof config.credential_source !== 'object') {
				throw new VertexValidationError(messageParts`${fieldRef(field)} has no credential_source.`, `${field}.credential_source`);
			}
			return { kind: 'externalAccount', config };
		}
		case 'accessToken': {
			const token = text(credential.accessToken)?.replace(/^Bearer\s+/i, '');
			if (!token || /\s/.test(token)) {
				throw new VertexValidationError(
					messageParts`${fieldRef('credential.accessToken')} must be an OAuth access token (for example from \`gcloud auth print-access-token\`), a single word without spaces.`,
					'credential.accessToken',
				);
			}
			return { kind: 'accessToken', accessToken: token };
		}
		default:
			throw new VertexValidationError(
				messageParts`${fieldRef('credential.kind')} ${quoteForMessage((credential as { kind?: unknown }).kind)} is not known: use ${CREDENTIAL_KINDS_RULE}.`,
				'credential.kind',
				{ rule: CREDENTIAL_KINDS_RULE },
			);
	}
}

/** The project a credential names, when it names one. */
export function credentialProjectId(credential: ResolvedCredential): string | undefined {
	if (credential.kind === 'serviceAccountKey') return credential.key.projectId;
	if (credential.kind === 'applicationDefault') return credential.projectId;
	return undefined;
}

/** Who the credential is, for messages (never a secret). */
export function describeCredential(credential: ResolvedCredential): string {
	switch (credential.kind) {
		case 'serviceAccountKey':
			return `service account ${credential.key.clientEmail}`;
		case 'applicationDefault':
			return 'Application Default Credentials';
		case 'externalAccount':
			return 'the external account (workload identity federation)';
		case 'accessToken':
			return 'the access token';
	}
}

/** Secret strings a credential holds, to blank out of any text shown to the user. */
export function credentialSecrets(credential: ResolvedCredential): string[] {
	switch (credential.kind) {
		case 'serviceAccountKey': {
			const body = credential.key.privateKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
			return [credential.key.privateKey, body, ...credential.key.privateKey.split('\n').filter((line) => line.length >= 16)];
		}
		case 'accessToken':
			return [credential.accessToken];
		case 'externalAccount':
			return [text(credential.config.client_secret)].filter((value): value is string => !!value);
		default:
			return [];
	}
}
