/** The emulator's service account: an RSA key made at run time, written as Google's key-file JSON. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomDigits } from './ids';

export interface ServiceAccount {
	keyFile: string;
	clientEmail: string;
	privateKeyId: string;
	publicKey: KeyObject;
}

const KEY_FILE_NAME = 'service-account-key.json';

/**
 * Writes (or reuses, when the state dir already holds one for this project) the key file. Reuse
 * keeps a user's saved credentials working across restarts; `token_uri` is refreshed every start
 * because the port may change.
 */
export function prepareServiceAccount(stateDir: string, projectId: string, tokenUrl: string): ServiceAccount {
	const keyFile = path.join(stateDir, KEY_FILE_NAME);
	const existing = readExisting(keyFile, projectId);
	const privateKeyPem = existing?.privateKeyPem ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
	const privateKeyId = existing?.privateKeyId ?? randomBytes(20).toString('hex');
	const clientId = existing?.clientId ?? randomDigits(21);
	const clientEmail = `vertex-emulator@${projectId}.iam.gserviceaccount.com`;
	const keyJson = {
		type: 'service_account',
		project_id: projectId,
		private_key_id: privateKeyId,
		private_key: privateKeyPem,
		client_email: clientEmail,
		client_id: clientId,
		auth_uri: 'https://accounts.google.com/o/oauth2/auth',
		token_uri: tokenUrl,
		auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
		client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
		universe_domain: 'googleapis.com',
	};
	writeFileSync(keyFile, `${JSON.stringify(keyJson, null, 2)}\n`, { mode: 0o600 });
	return { keyFile, clientEmail, privateKeyId, publicKey: createPublicKey(createPrivateKey(privateKeyPem)) };
}

function readExisting(keyFile: string, projectId: string): { privateKeyPem: string; privateKeyId: string; clientId: string } | undefined {
	if (!existsSync(keyFile)) return undefined;
	try {
		const parsed = JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, unknown>;
		if (parsed.project_id !== projectId || typeof parsed.private_key !== 'string') return undefined;
		createPrivateKey(parsed.private_key);
		return {
			privateKeyPem: parsed.private_key,
			privateKeyId: String(parsed.private_key_id),
			clientId: String(parsed.client_id),
		};
	} catch {
		// An unreadable key file is replaced by a fresh one.
		return undefined;
	}
}
