import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { DEFAULT_LOCATION, VERTEX_LOCATIONS, type AuthenticationKind } from '../lib';

const authenticationOptions = [
	{
		name: 'Service Account Key (JSON)',
		value: 'serviceAccountJson',
		description: 'Paste the whole key file downloaded from the Google Cloud console',
	},
	{
		name: 'Service Account Email and Private Key',
		value: 'serviceAccountEmailKey',
		description: 'Enter the client_email and private_key fields of a key file',
	},
	{
		name: 'Application Default Credentials',
		value: 'applicationDefault',
		description: 'For n8n running on GKE, Cloud Run or a VM, or with GOOGLE_APPLICATION_CREDENTIALS set',
	},
	{
		name: 'Workload Identity Federation',
		value: 'externalAccount',
		description: 'An external_account configuration JSON',
	},
	{
		name: 'Access Token',
		value: 'accessToken',
		description: 'A short-lived OAuth access token, for example from gcloud auth print-access-token',
	},
] satisfies Array<{ name: string; value: AuthenticationKind; description: string }>;

/** One credential for every node of the package; the nodes build their client from it (nodes/shared). */
export class GoogleVertexAiApi implements ICredentialType {
	name = 'googleVertexAiApi';

	displayName = 'Google Vertex AI API';

	icon = { light: 'file:vertexAi.svg', dark: 'file:vertexAi.dark.svg' } as const;

	documentationUrl = 'https://cloud.google.com/vertex-ai/docs/general/custom-service-account';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: authenticationOptions,
			default: 'serviceAccountJson',
		},
		// The key file holds the private key: it is a secret even though its name does not say so.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Service Account Key JSON',
			name: 'serviceAccountJson',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			placeholder: '{ "type": "service_account", "project_id": "...", ... }',
			description: 'The whole JSON key file of the service account',
			displayOptions: { show: { authentication: ['serviceAccountJson'] } },
		},
		{
			displayName: 'Service Account Email',
			name: 'clientEmail',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'name@project-ID.iam.gserviceaccount.com',
			displayOptions: { show: { authentication: ['serviceAccountEmailKey'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			description: 'The private_key of the key file; a key pasted with literal \\n sequences is accepted',
			displayOptions: { show: { authentication: ['serviceAccountEmailKey'] } },
		},
		// The configuration can hold a client secret (and names the files and URLs tokens come from): kept hidden too.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'External Account JSON',
			name: 'externalAccountJson',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			placeholder: '{ "type": "external_account", "audience": "...", ... }',
			description: 'The credential configuration file made by gcloud iam workload-identity-pools create-cred-config',
			displayOptions: { show: { authentication: ['externalAccount'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'An OAuth access token with the cloud-platform scope. It expires after about an hour and is not refreshed.',
			displayOptions: { show: { authentication: ['accessToken'] } },
		},
		{
			displayName: 'Impersonate Service Account',
			name: 'impersonateServiceAccount',
			type: 'string',
			default: '',
			placeholder: 'deployer@project-ID.iam.gserviceaccount.com',
			description:
				'Optional. Act as this service account; the identity above needs the Service Account Token Creator role on it.',
			displayOptions: { hide: { authentication: ['accessToken'] } },
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			placeholder: 'my-project',
			description:
				'The project ID (not its number). Left empty, it is taken from the key file or, for Application Default Credentials, from the environment.',
		},
		{
			displayName: 'Location',
			name: 'location',
			type: 'options',
			options: VERTEX_LOCATIONS.map((location) => ({ name: location, value: location })),
			default: DEFAULT_LOCATION,
			description: 'The Vertex AI region where the models and endpoints live; every node of this credential works there',
		},
		{
			displayName: 'Custom API Endpoint',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://my-psc-endpoint.example or http://127.0.0.1:8080',
			description:
				'Optional. Base URL for all calls instead of Google\'s hosts: a Private Service Connect endpoint, or the local Vertex AI emulator. Plain http is only allowed for loopback addresses.',
		},
		{
			displayName: 'Private Service Connect Endpoints',
			name: 'privateServiceConnect',
			type: 'boolean',
			default: false,
			description:
				'Whether nodes reach endpoints of this project through Private Service Connect (their Connection set to Private Service Connect): shows the CA certificate those endpoints are verified against',
		},
		// The CA of the project's PSC endpoints lives here, not on the nodes: n8n copies a node's parameters into the
		// errors it wraps (sub-nodes included), while credential fields stay encrypted and out of errors and logs.
		// Masked so that a private key pasted here by mistake is not shown again; the core refuses it anyway.
		{
			displayName: 'Private Endpoint CA Certificate (PEM)',
			name: 'privateEndpointCaCertificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				"The certificate of the CA that signs the TLS certificates of this project's Private Service Connect endpoints (PEM; several may follow each other). Only it is trusted for a node's Private Address. It lives in the credential because a credential serves one project, whose PSC endpoints share a CA, and because it keeps certificates and keys out of node parameters, which n8n copies into errors. Never paste a private key: it is refused.",
			displayOptions: { show: { privateServiceConnect: [true] } },
		},
		{
			displayName: 'Custom Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080/token',
			description: 'Optional. OAuth token URL for service account keys, e.g. the local emulator\'s',
			displayOptions: { show: { authentication: ['serviceAccountJson', 'serviceAccountEmailKey'] } },
		},
		{
			displayName: 'Custom IAM Credentials URL',
			name: 'iamCredentialsBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080',
			description:
				'Optional. Base URL of the IAM Credentials API used for impersonation, e.g. the local emulator\'s',
			displayOptions: { hide: { authentication: ['accessToken'] } },
		},
	];
}
