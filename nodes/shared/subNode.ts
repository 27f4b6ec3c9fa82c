import { NodeOperationError, type ISupplyDataFunctions, type NodeApiError } from 'n8n-workflow';

import { validateInvokePath, type VertexClient } from '../../lib';
import { checkedClient, credentialProblem } from './client';
import { toNodeError } from './errors';
import { ModelName, isRecord, type ModelChoice, type OpenAiTarget } from './openAi';
import { CREDENTIAL_TYPE } from './parameters';
import { PRIVATE_ENDPOINT_FIELDS, privateEndpointOf } from './privateEndpoint';
import type { ParameterReader } from './read';

/**
 * What the chat model and embeddings sub-nodes read in supplyData, with the reader built from their description: its
 * labels, ranges and choices are the ones the editor shows (targetProperties, modelNameProperties, their Options).
 */

const ROUTE_PREFIX_RULE = 'a path starting with "/", e.g. /v1 (or empty for the root)';

/**
 * The Route Prefix without trailing slashes ("/v1/" and "/v1" are the same prefix; "/" alone is the server's root,
 * i.e. ""), checked by the core's invoke path grammar: the prefix goes into every invoke path the sub-node sends.
 */
function routePrefixOf(read: ParameterReader, itemIndex: number): string {
	const path = 'routePrefix';
	const prefix = read.text(itemIndex, path).replace(/\/+$/, '');
	if (prefix === '') return prefix;
	try {
		validateInvokePath(prefix, path);
	} catch (error) {
		// validateInvokePath throws only VertexValidationError, whose message says what is wrong.
		throw read.error(itemIndex, path, `${read.where(path)} must be ${ROUTE_PREFIX_RULE}. ${(error as Error).message}`);
	}
	return prefix;
}

/** The endpoint, route and model name choice of an item, checked. */
function targetParametersOf(
	ctx: ISupplyDataFunctions,
	read: ParameterReader,
	itemIndex: number,
): Omit<OpenAiTarget, 'client'> & { model: ModelChoice } {
	const endpoint = read.locator(itemIndex, 'endpoint');
	const deployedModelId = read.option(itemIndex, 'target') === 'deployedModel' ? read.locator(itemIndex, 'deployedModel') : undefined;
	const routePrefix = routePrefixOf(read, itemIndex);
	const source = read.option<ModelChoice['kind']>(itemIndex, 'modelSource');
	const model: ModelChoice = source === 'name' ? { kind: 'name', name: read.text(itemIndex, 'model', { required: true }) } : { kind: source };
	const timeoutSeconds = read.number(itemIndex, 'options.timeoutSeconds');
	const maxRetries = read.number(itemIndex, 'options.maxRetries');
	const privateEndpoint = privateEndpointOf(read, itemIndex);
	return { endpoint, deployedModelId, routePrefix, model, timeoutMs: timeoutSeconds * 1000, maxRetries, privateEndpoint };
}

/**
 * What both sub-nodes read first in supplyData: the endpoint to call with its model name, and how an error of theirs
 * becomes the node's error for this item. Every parameter is checked before the credential is read.
 */
export async function readSubNodeItem(
	ctx: ISupplyDataFunctions,
	read: ParameterReader,
	itemIndex: number,
): Promise<{ target: OpenAiTarget; modelName: ModelName; toError: (error: unknown) => NodeApiError | NodeOperationError }> {
	const node = ctx.getNode();
	const { model, ...parameters } = targetParametersOf(ctx, read, itemIndex);
	let client: VertexClient;
	try {
		// The credential's fields are checked first: a problem names the field, never its value.
		client = checkedClient(await ctx.getCredentials(CREDENTIAL_TYPE, itemIndex));
	} catch (error) {
		const problem = credentialProblem(error);
		throw problem ? new NodeOperationError(node, problem, { itemIndex, description: 'Nothing was sent.' }) : toNodeError(node, error, itemIndex);
	}
	if (parameters.privateEndpoint) {
		try {
			// Beside the credential's CA (e.g. a self-signed choice too): refused now, not at the first model call.
			client.checkPrivateEndpoint(parameters.privateEndpoint);
		} catch (error) {
			throw toNodeError(node, error, itemIndex, read.fieldWords(PRIVATE_ENDPOINT_FIELDS));
		}
	}
	const target: OpenAiTarget = { client, ...parameters };
	return { target, modelName: new ModelName(model, target), toError: (error) => toNodeError(node, error, itemIndex) };
}

/** An Options number that is not sent when it is unset or `unsetBelow` (e.g. -1 or 0 meaning "the server decides"). */
export function sentNumber(read: ParameterReader, itemIndex: number, path: string, unsetBelow?: number): number | undefined {
	const value = read.optionalNumber(itemIndex, path);
	return value === undefined || (unsetBelow !== undefined && value < unsetBelow) ? undefined : value;
}

/** The Extra Body Fields option: a JSON object, without the fields the node sets itself (`reserved`). */
export function extraBodyOf(read: ParameterReader, itemIndex: number, reserved: string[]): Record<string, unknown> {
	const path = 'options.extraBody';
	if (!read.isSet(itemIndex, path)) return {};
	const { text, value: given } = read.json(itemIndex, path);
	const value: unknown = text === undefined ? given : JSON.parse(text);
	if (!isRecord(value)) throw read.error(itemIndex, path, `${read.where(path)} must be a JSON object such as {"top_k": 20}.`);
	const taken = reserved.filter((field) => field in value);
	if (taken.length > 0) {
		throw read.error(itemIndex, path, `${read.where(path)} cannot set ${taken.join(', ')}: the node sets them itself.`);
	}
	return value;
}
