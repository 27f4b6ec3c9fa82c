/**
 * What the "vertex-ai-config" node holds, and how the other nodes get its client: the credential kinds, which
 * fields are secrets, and the core client's options from the node's properties.
 */
import {
	clientOptionsFromFields,
	getVertexClient,
	renderMessage,
	VertexValidationError,
	whatWasSent,
	type VertexClient,
	type VertexClientOptions,
} from '../../lib';

import { VertexNodeError, wordsOf } from './fields';
import type { CredentialDefinition, NodeAPI, NodeDefinition, RuntimeNode } from './red';

export const CONFIG_TYPE = 'vertex-ai-config';

const USER_AGENT = 'node-red-vertex-ai';

/** Fields held as Node-RED credentials: never written to the flow file, never sent back to the editor. */
export const SECRET_FIELDS: Record<string, CredentialDefinition> = {
	serviceAccountJson: { type: 'password' },
	privateKey: { type: 'password' },
	externalAccountJson: { type: 'password' },
	accessToken: { type: 'password' },
};

/** The config node's labels (as its editor shows them) by the core's field paths. */
const LABELS = new Map<string, string>([
	['credential.keyJson', '"Service Account Key (JSON)"'],
	['credential.clientEmail', '"Client Email"'],
	['credential.privateKey', '"Private Key"'],
	['credential.configJson', '"External Account Configuration (JSON)"'],
	['credential.accessToken', '"Access Token"'],
	['credential.kind', '"Authentication"'],
	['credential', '"Authentication"'],
	['projectId', '"Project"'],
	['location', '"Location"'],
	['apiBaseUrl', '"API Base URL"'],
	['tokenUrl', '"Token URL"'],
	['iamCredentialsBaseUrl', '"IAM Credentials Base URL"'],
	['impersonateServiceAccount', '"Impersonate Service Account"'],
]);

/** The core client's options from a config node's properties and credentials; no Node-RED type crosses into lib/. */
export function clientOptionsOf(definition: NodeDefinition, secrets: Record<string, string | undefined> = {}): VertexClientOptions {
	// The flow file's properties never hold a secret or a CA (the editor has no such field): only the credentials do.
	return clientOptionsFromFields({ ...definition, privateEndpointCaCertificate: undefined, ...secrets }, USER_AGENT);
}

/** A config node as the other nodes see it. */
export interface VertexConfigNode extends RuntimeNode {
	/** The checked client (the core caches one per configuration); a problem names the config's field. */
	client(): VertexClient;
}

/** The client of the config node `configId`, or an error saying that the node has no usable config. */
export function clientOf(RED: NodeAPI, configId: unknown): VertexClient {
	const config = typeof configId === 'string' ? (RED.nodes.getNode(configId) as VertexConfigNode | null) : null;
	if (!config || typeof config.client !== 'function') {
		throw new VertexNodeError('"Vertex AI" is not set: choose or add a Vertex AI config (credential, project, location). Nothing was sent.', 'vertex');
	}
	return config.client();
}

/**
 * The client of a config node's properties and credentials; a problem is an error naming the config's field
 * by its label, never quoting its value (a key pasted into the wrong field must not reach a message).
 */
export function configClient(definition: NodeDefinition, secrets: Record<string, string | undefined> | undefined): VertexClient {
	try {
		return getVertexClient(clientOptionsOf(definition, secrets));
	} catch (error) {
		if (!(error instanceof VertexValidationError)) throw error;
		const name = definition.name ? `Vertex AI config "${definition.name}"` : 'The Vertex AI config';
		throw new VertexNodeError(`${name}: ${renderMessage(error.parts, wordsOf(LABELS))} ${whatWasSent(error)}`, error.field);
	}
}
