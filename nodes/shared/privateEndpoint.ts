import type { INodeProperties } from 'n8n-workflow';

import { checkPrivateEndpoint, PRIVATE_ADDRESS_RULE, VertexValidationError, type PrivateEndpointOptions } from '../../lib';
import { inUserWords } from './errors';
import type { ParameterReader } from './read';

/**
 * How the data-plane calls of Invoke, the Chat Model and the Embeddings reach the endpoint: its public dedicated DNS
 * name, or a Private Service Connect address the node names. The address is a node parameter, not a credential
 * field: a forwarding rule belongs to one endpoint (one service attachment each), while a credential serves a whole
 * project, public and private endpoints alike; the control plane stays where the credential says. The CA those
 * endpoints are verified against is the credential's (one project, one CA for its PSC endpoints; and n8n copies node
 * parameters into the errors it wraps, credential fields it does not).
 */

const PSC = { show: { connection: ['privateServiceConnect'] } };

/** The core's private endpoint fields to the parameters that set them. */
export const PRIVATE_ENDPOINT_FIELDS: Record<string, string> = {
	privateEndpoint: 'connection',
	'privateEndpoint.address': 'privateAddress',
	'privateEndpoint.acceptSelfSignedCertificate': 'acceptSelfSignedCertificate',
	'privateEndpoint.tlsServerName': 'tlsServerName',
};

export const connectionProperties: INodeProperties[] = [
	{
		displayName: 'Connection',
		name: 'connection',
		type: 'options',
		options: [
			{
				name: 'Public Dedicated DNS',
				value: 'dedicatedDns',
				description: "The endpoint's dedicated DNS name, as Vertex AI reports it (or the credential's Custom API Endpoint)",
			},
			{
				name: 'Private Service Connect',
				value: 'privateServiceConnect',
				description: "A private address in your network: the PSC forwarding rule's IP address or a DNS name pointing at it",
			},
		],
		default: 'dedicatedDns',
		description: 'How requests reach the endpoint. Calls that manage Vertex AI itself always go to Google\'s API host.',
	},
	{
		displayName: 'Private Address',
		name: 'privateAddress',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 10.128.0.3 or vertex-psc.internal',
		description: `Where the endpoint answers in your network: ${PRIVATE_ADDRESS_RULE}. The access token is sent to this address and nowhere else.`,
		hint: 'Create Dedicated Endpoint outputs the address of each forwarding rule Vertex AI created (privateServiceConnect.automatedEndpoints)',
		displayOptions: PSC,
	},
	{
		displayName: 'Accept Self-Signed Certificate',
		name: 'acceptSelfSignedCertificate',
		type: 'boolean',
		default: false,
		description:
			"Whether to accept whatever certificate the address presents. Traffic stays encrypted, but nothing proves who answers: anyone who can take over the address or its DNS name receives your access token and prompts. Prefer the CA certificate in the credential (Private Endpoint CA Certificate); both together are refused.",
		displayOptions: PSC,
	},
	{
		displayName:
			'Accepting any certificate: a spoofed DNS record or another machine on this address would receive the access token and every request. Use only on a network you control, and put the CA certificate in the credential instead when you can.',
		name: 'selfSignedNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { connection: ['privateServiceConnect'], acceptSelfSignedCertificate: [true] } },
	},
	{
		displayName: 'TLS Server Name',
		name: 'tlsServerName',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1234567.us-central1-987654321.prediction.vertexai.goog',
		description:
			'The DNS name the certificate is checked against (and sent as SNI) instead of the address: set it when the Private Address is an IP the certificate does not name',
		displayOptions: PSC,
	},
];

/**
 * The private endpoint of an item when the connection is Private Service Connect, checked by the core (address, the
 * self-signed choice, server name) before anything is sent; a refusal names the parameter, never the value. The CA
 * comes from the credential (the client checks it, and a self-signed choice beside it, at the call).
 */
export function privateEndpointOf(read: ParameterReader, itemIndex: number): PrivateEndpointOptions | undefined {
	if (read.option(itemIndex, 'connection') !== 'privateServiceConnect') return undefined;
	const options: PrivateEndpointOptions = {
		address: read.text(itemIndex, 'privateAddress', { required: true }),
		acceptSelfSignedCertificate: read.boolean(itemIndex, 'acceptSelfSignedCertificate'),
		tlsServerName: read.text(itemIndex, 'tlsServerName') || undefined,
	};
	try {
		checkPrivateEndpoint(options);
	} catch (error) {
		const refusal = error instanceof VertexValidationError ? error : undefined;
		const message = refusal ? inUserWords(refusal.parts, read.fieldWords(PRIVATE_ENDPOINT_FIELDS)) : String((error as Error).message);
		throw read.error(itemIndex, PRIVATE_ENDPOINT_FIELDS[refusal?.field ?? 'privateEndpoint'] ?? 'connection', message);
	}
	return options;
}
