/**
 * Parameters that reach a request body beyond the named ones: the customer-managed encryption key (CMEK) of Upload
 * and Create, and "Additional Fields (JSON)" of Upload, Create and Deploy, which the core checks against the API's
 * proto messages before anything is sent (lib/schemas/additionalFields.ts). The nodes only map them.
 */
import type { INodeProperties } from 'n8n-workflow';

import { KMS_KEY_NAME } from '../../lib';
import type { ParameterReader } from './read';

/** The CMEK option: the Cloud KMS key Vertex AI encrypts the resource with. */
export function kmsKeyOption(what: string): INodeProperties {
	return {
		displayName: 'Encryption Key (CMEK)',
		name: 'kmsKeyName',
		type: 'string',
		default: '',
		placeholder: 'e.g. projects/my-project/locations/us-central1/keyRings/my-ring/cryptoKeys/my-key',
		description: `Cloud KMS key that encrypts the ${what} (customer-managed encryption). It must be in the credential's location, and Vertex AI's service agent needs the Encrypter/Decrypter role on it.`,
	};
}

/** `{ kmsKeyName }` for the CMEK option, checked; undefined when not given. */
export function encryptionSpecOf(read: ParameterReader, itemIndex: number, path = 'options.kmsKeyName'): { kmsKeyName: string } | undefined {
	const kmsKeyName = read.text(itemIndex, path, KMS_KEY_NAME);
	return kmsKeyName ? { kmsKeyName } : undefined;
}

/** The Additional Fields (JSON) option; `message` is the request body's proto message, `example` a field of it. */
export function additionalFieldsOption(message: string, example: string): INodeProperties {
	return {
		displayName: 'Additional Fields (JSON)',
		name: 'additionalFields',
		type: 'json',
		default: '{}',
		description: `Further fields of the request body (the ${message} message of Vertex AI's REST API, JSON names), e.g. ${example}. Every key is checked against the API before anything is sent: a misspelled field or a wrong type is an error naming it. The parameters above win over the same field given here.`,
	};
}

/** The Additional Fields option as an object for the core (which checks it); undefined when empty. */
export function additionalFieldsOf(read: ParameterReader, itemIndex: number, path = 'options.additionalFields'): Record<string, unknown> | undefined {
	if (!read.isSet(itemIndex, path)) return undefined;
	const { text, value } = read.json(itemIndex, path);
	const parsed = text === undefined ? value : text.trim() === '' ? {} : (JSON.parse(text) as unknown);
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw read.error(itemIndex, path, `${read.where(path)} must be a JSON object, e.g. {"description": "..."}.`);
	}
	return Object.keys(parsed).length > 0 ? (parsed as Record<string, unknown>) : undefined;
}
