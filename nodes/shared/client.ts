import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type NodeApiError,
} from 'n8n-workflow';

import { GoogleVertexAiApi } from '../../credentials/GoogleVertexAiApi.credentials';
import {
	clientOptionsFromFields,
	getVertexClient,
	PROJECT,
	SERVICE_ACCOUNT_EMAIL,
	VertexValidationError,
	type VertexClient,
	type VertexClientOptions,
} from '../../lib';
import { toNodeError } from './errors';
import { runForEachItem, type PerItemOptions } from './items';
import { CREDENTIAL_TYPE } from './parameters';
import { parameterReader, type ParameterReader } from './read';

const USER_AGENT = 'n8n-nodes-vertex-invoke';

/** Maps the n8n credential to the core client's options; no n8n type crosses into lib/. */
export function clientOptionsFromCredential(data: ICredentialDataDecryptedObject): VertexClientOptions {
	// Hidden fields keep their value in n8n: only a CA shown (the switch on) is used.
	const shown = data.privateServiceConnect === true ? data : { ...data, privateEndpointCaCertificate: undefined };
	return clientOptionsFromFields(shown, USER_AGENT);
}

/** The client for a credential; the core caches one per credential, so tokens are reused across runs. */
export function clientFromCredential(data: ICredentialDataDecryptedObject): VertexClient {
	return getVertexClient(clientOptionsFromCredential(data));
}

// Checking the credential, and loading the client inside the item loop

const credentialProperties = new GoogleVertexAiApi().properties;
const CREDENTIAL_NAME = new GoogleVertexAiApi().displayName;

/** A credential field that is not usable; `field` is the credential property's name. */
class CredentialFieldError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

/** The label of a credential field, from the credential's description. */
function credentialLabel(field: string): string {
	return credentialProperties.find((property) => property.name === field)?.displayName ?? field;
}

/** The core's field paths for credential input, to the credential property that sets them (longest prefix wins). */
const CORE_CREDENTIAL_FIELDS: Record<string, string> = {
	'credential.keyJson': 'serviceAccountJson',
	'credential.clientEmail': 'clientEmail',
	'credential.privateKey': 'privateKey',
	'credential.configJson': 'externalAccountJson',
	'credential.accessToken': 'accessToken',
	'credential.kind': 'authentication',
	credential: 'authentication',
	projectId: 'projectId',
	location: 'location',
	apiBaseUrl: 'apiBaseUrl',
	tokenUrl: 'tokenUrl',
	iamCredentialsBaseUrl: 'iamCredentialsBaseUrl',
	impersonateServiceAccount: 'impersonateServiceAccount',
	privateEndpointCaCertificate: 'privateEndpointCaCertificate',
};

function credentialFieldOf(coreField: string): string | undefined {
	const parts = coreField.split('.');
	for (let length = parts.length; length > 0; length--) {
		const field = CORE_CREDENTIAL_FIELDS[parts.slice(0, length).join('.')];
		if (field) return field;
	}
	return undefined;
}

function isJsonObject(value: string): boolean {
	try {
		const parsed = JSON.parse(value) as unknown;
		return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
	} catch {
		return false;
	}
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !/\s/.test(value);
	} catch {
		return false;
	}
}

/**
 * Checks the credential's fields against its description before any client exists (so before any request):
 * choices from their lists, required fields set, formats right. Messages name the field by its label and
 * never quote a value: a key pasted into the wrong field must not end up in an error.
 */
export function checkCredential(data: ICredentialDataDecryptedObject): void {
	const fail = (field: string, problem: string): never => {
		throw new CredentialFieldError(field, `"${credentialLabel(field)}" ${problem}`);
	};
	const value = (field: string): string | undefined => {
		const raw = data[field];
		if (raw === undefined || raw === null) return undefined;
		if (typeof raw !== 'string') fail(field, 'must be text.');
		return (raw as string).trim();
	};
	const choice = (field: string) => {
		const allowed = ((credentialProperties.find((property) => property.name === field)?.options ?? []) as Array<{ value: unknown }>).map(
			(option) => option.value,
		);
		const given = data[field];
		if (given !== undefined && !allowed.includes(given)) fail(field, `must be one of the listed choices (${allowed.slice(0, 4).join(', ')}...).`);
	};
	const required = (field: string) => {
		if (!value(field)) fail(field, 'is required.');
	};
	choice('authentication');
	choice('location');
	switch (data.authentication ?? 'serviceAccountJson') {
		case 'serviceAccountJson':
			required('serviceAccountJson');
			if (!isJsonObject(value('serviceAccountJson') as string)) {
				fail('serviceAccountJson', 'is not a JSON object: paste the whole key file, from its opening { to its closing }.');
			}
			break;
		case 'serviceAccountEmailKey':
			required('clientEmail');
			if (!SERVICE_ACCOUNT_EMAIL.pattern.test(value('clientEmail') as string)) fail('clientEmail', `must be ${SERVICE_ACCOUNT_EMAIL.rule}.`);
			required('privateKey');
			break;
		case 'externalAccount':
			required('externalAccountJson');
			if (!isJsonObject(value('externalAccountJson') as string)) {
				fail('externalAccountJson', 'is not a JSON object: paste the whole configuration file, from its opening { to its closing }.');
			}
			break;
		case 'accessToken':
			required('accessToken');
			if (/\s/.test((value('accessToken') as string).replace(/^Bearer\s+/i, ''))) fail('accessToken', 'must be a single word without spaces.');
			break;
	}
	const impersonate = value('impersonateServiceAccount');
	if (impersonate && !SERVICE_ACCOUNT_EMAIL.pattern.test(impersonate)) {
		fail('impersonateServiceAccount', `must be ${SERVICE_ACCOUNT_EMAIL.rule}.`);
	}
	const projectId = value('projectId');
	if (projectId && !PROJECT.pattern.test(projectId)) {
		fail('projectId', `is not ${PROJECT.rule}.`);
	}
	const psc = data.privateServiceConnect;
	if (psc !== undefined && typeof psc !== 'boolean') fail('privateServiceConnect', 'must be on or off (true or false).');
	for (const field of ['apiBaseUrl', 'tokenUrl', 'iamCredentialsBaseUrl']) {
		const url = value(field);
		if (url && !isHttpUrl(url)) fail(field, 'must be a URL such as https://host or http://127.0.0.1:8080.');
	}
}

/** A credential problem as the node error of item `itemIndex`: the field's label, never its value. */
function credentialNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	const field =
		error instanceof CredentialFieldError ? error.field : error instanceof VertexValidationError ? credentialFieldOf(error.field) : undefined;
	if (field === undefined) return toNodeError(ctx.getNode(), error, itemIndex);
	return new NodeOperationError(ctx.getNode(), (error as Error).message, {
		itemIndex,
		description: `Check the field "${credentialLabel(field)}" of the ${CREDENTIAL_NAME} credential. Nothing was sent.`,
	});
}

/** The message of a credential problem for the credential test, naming the field. */
export function credentialProblem(error: unknown): string | undefined {
	const field =
		error instanceof CredentialFieldError ? error.field : error instanceof VertexValidationError ? credentialFieldOf(error.field) : undefined;
	if (field === undefined) return undefined;
	return `${(error as Error).message} (check the field "${credentialLabel(field)}")`;
}

/** The checked credential's client (cached by the core per credential). */
export function checkedClient(data: ICredentialDataDecryptedObject): VertexClient {
	checkCredential(data);
	return clientFromCredential(data);
}

/**
 * The node's client, loaded once per execution on first use, inside the item loop: a credential that cannot be
 * read or is not usable then fails each item as its own error (an error item under "Continue On Fail"), instead
 * of failing before the loop, where n8n would pass the input on unchanged.
 */
function clientLoader(ctx: IExecuteFunctions): (itemIndex: number) => Promise<VertexClient> {
	let loaded: Promise<VertexClient> | undefined;
	return async (itemIndex) => {
		loaded ??= (async () => checkedClient(await ctx.getCredentials(CREDENTIAL_TYPE)))();
		try {
			return await loaded;
		} catch (error) {
			throw credentialNodeError(ctx, error, itemIndex);
		}
	};
}

/** runForEachItem with the node's client handed to each item (see clientLoader). */
export async function runWithClient<Prepared = undefined>(
	ctx: IExecuteFunctions,
	handleItem: (itemIndex: number, signal: AbortSignal, client: VertexClient, prepared: Prepared) => Promise<INodeExecutionData[]>,
	options: PerItemOptions<Prepared> = {},
): Promise<INodeExecutionData[][]> {
	const client = clientLoader(ctx);
	return await runForEachItem<Prepared>(
		ctx,
		async (itemIndex, signal, prepared) => await handleItem(itemIndex, signal, await client(itemIndex), prepared),
		options,
	);
}

/**
 * A node's ParameterReader over its `properties` (made once per run, before any item) and its item loop:
 * runWithClient with the core's refusals named in the node's words (`coreFields`, see ParameterReader.fieldWords).
 */
export function nodeRun(
	ctx: IExecuteFunctions,
	properties: INodeProperties[],
	coreFields: Record<string, string>,
): {
	read: ParameterReader;
	runItems: <Prepared = undefined>(
		handleItem: (itemIndex: number, signal: AbortSignal, client: VertexClient, prepared: Prepared) => Promise<INodeExecutionData[]>,
		options?: Omit<PerItemOptions<Prepared>, 'parameterOf'>,
	) => Promise<INodeExecutionData[][]>;
} {
	const read = parameterReader(ctx, properties);
	return {
		read,
		runItems: async <Prepared = undefined>(
			handleItem: (itemIndex: number, signal: AbortSignal, client: VertexClient, prepared: Prepared) => Promise<INodeExecutionData[]>,
			options: Omit<PerItemOptions<Prepared>, 'parameterOf'> = {},
		) => await runWithClient<Prepared>(ctx, handleItem, { ...options, parameterOf: read.fieldWords(coreFields) }),
	};
}
