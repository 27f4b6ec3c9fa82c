import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { checkPrivateEndpoint, PRIVATE_ADDRESS_RULE, REDACTED, VertexValidationError, type PrivateEndpointOptions } from '../../lib';
import { inUserWords } from './errors';
import type { ParameterReader } from './read';

/**
 * How the data-plane calls of Invoke, the Chat Model and the Embeddings reach the endpoint: its public dedicated DNS
 * name, or a Private Service Connect address the node names. The address is a node parameter, not a credential
 * field: a forwarding rule belongs to one endpoint (one service attachment each), while a credential serves a whole
 * project, public and private endpoints alike; the control plane stays where the credential says.
 */

const PSC = { show: { connection: ['privateServiceConnect'] } };

/** The core's private endpoint fields to the parameters that set them. */
export const PRIVATE_ENDPOINT_FIELDS: Record<string, string> = {
	privateEndpoint: 'connection',
	'privateEndpoint.address': 'privateAddress',
	'privateEndpoint.caCertificate': 'caCertificate',
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
		displayName: 'CA Certificate (PEM)',
		name: 'caCertificate',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: '-----BEGIN CERTIFICATE-----',
		description:
			"The certificate of the CA that signed the endpoint's TLS certificate (PEM; several may follow each other). Only it is trusted for this address. Never paste a private key here: it is refused.",
		displayOptions: PSC,
	},
	{
		displayName: 'Accept Self-Signed Certificate',
		name: 'acceptSelfSignedCertificate',
		type: 'boolean',
		default: false,
		description:
			'Whether to accept whatever certificate the address presents. Traffic stays encrypted, but nothing proves who answers: anyone who can take over the address or its DNS name receives your access token and prompts. Prefer pasting the CA certificate.',
		displayOptions: PSC,
	},
	{
		displayName:
			'Accepting any certificate: a spoofed DNS record or another machine on this address would receive the access token and every request. Use only on a network you control, and paste the CA certificate instead when you can.',
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
 * The private endpoint of an item when the connection is Private Service Connect, checked by the core (address,
 * CA, the self-signed choice, server name) before anything is sent; a refusal names the parameter, never the value.
 */
export function privateEndpointOf(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	read: ParameterReader,
	itemIndex: number,
): PrivateEndpointOptions | undefined {
	if (read.option(itemIndex, 'connection') !== 'privateServiceConnect') return undefined;
	const options: PrivateEndpointOptions = {
		address: read.text(itemIndex, 'privateAddress', { required: true }),
		caCertificate: read.text(itemIndex, 'caCertificate') || undefined,
		acceptSelfSignedCertificate: read.boolean(itemIndex, 'acceptSelfSignedCertificate'),
		tlsServerName: read.text(itemIndex, 'tlsServerName') || undefined,
	};
	try {
		checkPrivateEndpoint(options);
	} catch (error) {
		const refusal = error instanceof VertexValidationError ? error : undefined;
		const message = refusal ? inUserWords(refusal.parts, read.fieldWords(PRIVATE_ENDPOINT_FIELDS)) : String((error as Error).message);
		const parameter = PRIVATE_ENDPOINT_FIELDS[refusal?.field ?? 'privateEndpoint'] ?? 'connection';
		if (parameter !== 'caCertificate') throw read.error(itemIndex, parameter, message);
		// n8n keeps the node (its parameters included) on the error, and logs it: a key pasted as CA must not ride along.
		const node = ctx.getNode();
		throw new NodeOperationError({ ...node, parameters: { ...node.parameters, caCertificate: REDACTED } }, message, {
			itemIndex,
			description: `Check the parameter ${read.where(parameter)}. Nothing was sent.`,
		});
	}
	return options;
}
