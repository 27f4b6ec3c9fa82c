import { NodeOperationError, type INode, type INodeProperties, type ISupplyDataFunctions, type NodeApiError } from 'n8n-workflow';

import { modelServerRetryPolicy, withRetries, type InvokeResponse, type VertexClient } from '../../lib';
import { checkedClient, credentialProblem } from './client';
import { toNodeError } from './errors';
import { CREDENTIAL_TYPE, endpointLocator, targetParameters } from './parameters';

/**
 * The OpenAI-compatible API of a model server (vLLM, TGI, SGLang...) behind a dedicated endpoint, for the AI
 * sub-nodes: every request is `client.invoke`, so it goes to the endpoint's dedicated DNS (or the credential's
 * custom endpoint) under the same host policy as the Invoke node, with a token the client refreshes itself.
 */

export interface OpenAiTarget {
	client: VertexClient;
	endpoint: string;
	/** Pins one deployed model, bypassing the traffic split. */
	deployedModelId?: string;
	/** Where the OpenAI routes live, e.g. `/v1` (no trailing slash). */
	routePrefix: string;
	/** Time allowed for the answer to start, and between two streamed chunks. */
	timeoutMs: number;
	/** Further attempts after a failure the core's model-server retry policy calls transient (MODEL_SERVER_RETRY_POLICY). */
	maxRetries: number;
}

/** How the `model` field of a request body is chosen. */
export type ModelChoice = { kind: 'server' } | { kind: 'none' } | { kind: 'name'; name: string };

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Largest `/models` answer read. */
const MAX_MODELS_BYTES = 1024 * 1024;

/**
 * POSTs a JSON body to `{routePrefix}{route}` and returns once the answer's headers are in (a non-2xx answer is
 * thrown as VertexApiError). Retries up to `maxRetries` times, under the core's model-server retry policy, what
 * failed before any answer byte was read.
 */
export async function postJson(target: OpenAiTarget, route: string, body: Json, signal?: AbortSignal): Promise<InvokeResponse> {
	return await withRetries(
		async () =>
			await target.client.invoke(
				{
					endpoint: target.endpoint,
					deployedModelId: target.deployedModelId,
					path: `${target.routePrefix}${route}`,
					body: { kind: 'json', value: body },
					timeoutMs: target.timeoutMs,
				},
				{ signal },
			),
		modelServerRetryPolicy(target.maxRetries),
		{ signal },
	);
}

/**
 * The first model id the server lists at `{routePrefix}/models`, or undefined when it answers no list there.
 * Invoke carries POST only, so the list is asked for with POST: a server that serves it on GET alone (vLLM answers
 * 405) gets requests without a `model` field, which vLLM, TGI and SGLang answer with the model they serve.
 */
export async function firstServedModel(target: OpenAiTarget, signal?: AbortSignal): Promise<string | undefined> {
	const response = await target.client.invoke(
		{
			endpoint: target.endpoint,
			deployedModelId: target.deployedModelId,
			path: `${target.routePrefix}/models`,
			timeoutMs: target.timeoutMs,
			throwOnHttpError: false,
		},
		{ signal },
	);
	if (response.status < 200 || response.status >= 300) {
		await response.discard();
		return undefined;
	}
	const listed = await response.json({ maxBytes: MAX_MODELS_BYTES }).catch(() => undefined);
	const first: unknown = isRecord(listed) && Array.isArray(listed.data) ? listed.data[0] : undefined;
	return isRecord(first) && typeof first.id === 'string' && first.id !== '' ? first.id : undefined;
}

/**
 * The `model` of a request: a typed name, none, or the server's first listed model, asked once and shared by every
 * copy of the model object (the agent binds tools by copying it).
 */
export class ModelName {
	private asked?: Promise<string | undefined>;

	constructor(
		private readonly choice: ModelChoice,
		private readonly target: OpenAiTarget,
	) {}

	/** A name to show before the server was asked. */
	get label(): string {
		return this.choice.kind === 'name' ? this.choice.name : 'served-model';
	}

	async resolve(signal?: AbortSignal): Promise<string | undefined> {
		if (this.choice.kind === 'name') return this.choice.name;
		if (this.choice.kind === 'none') return undefined;
		const asked = (this.asked ??= firstServedModel(this.target, signal));
		// A failed or cancelled ask is asked again next time.
		asked.catch(() => {
			if (this.asked === asked) this.asked = undefined;
		});
		return await asked;
	}
}

// Parameters shared by the chat model and embeddings sub-nodes

export const targetProperties: INodeProperties[] = [endpointLocator, ...targetParameters()];

export function modelNameProperties(route: string): INodeProperties[] {
	return [
		{
			displayName: 'Model Name',
			name: 'modelSource',
			type: 'options',
			options: [
				{
					name: 'First Model the Server Lists',
					value: 'server',
					description: 'Ask {route prefix}/models once and send the first model ID; send none if it lists nothing',
				},
				{ name: 'Name', value: 'name', description: 'Send the model name you type' },
				{ name: 'None', value: 'none', description: 'Send no model name: the server uses the model it serves' },
			],
			default: 'server',
			description: `The "model" field of each ${route} request`,
		},
		{
			displayName: 'Model',
			name: 'model',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. meta-llama/Llama-3.1-8B-Instruct',
			description: "The served model name, as the server's --served-model-name (vLLM) or /v1/models says",
			displayOptions: { show: { modelSource: ['name'] } },
		},
		{
			displayName: 'Route Prefix',
			name: 'routePrefix',
			type: 'string',
			default: '/v1',
			placeholder: 'e.g. /v1',
			description: `Where the server's OpenAI-compatible API is: requests go to {prefix}${route}, through the endpoint's invoke route`,
		},
	];
}

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 3600 },
	default: 600,
	description: 'How long to wait for an answer to start, and at most between two streamed chunks',
};

export const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
	default: 2,
	description: 'How many times to try a request again after a 408, 409, 429 or 5xx answer or a lost connection, before any answer was read',
};

// Reading them in supplyData

const PREFIX = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** A parameter problem, thrown before any request: it names the parameter. */
export function parameterError(node: INode, itemIndex: number, parameter: string, message: string): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description: `Check the parameter "${parameter}".` });
}

function text(ctx: ISupplyDataFunctions, name: string, itemIndex: number, fallback = ''): string {
	const value = ctx.getNodeParameter(name, itemIndex, fallback, { extractValue: true });
	return typeof value === 'string' ? value.trim() : String(value ?? '').trim();
}

export function numberOption(ctx: ISupplyDataFunctions, options: Json, name: string, label: string, itemIndex: number, range: [number, number]): number | undefined {
	const value = options[name];
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < range[0] || value > range[1]) {
		throw parameterError(ctx.getNode(), itemIndex, label, `"${label}" must be a number from ${range[0]} to ${range[1]}.`);
	}
	return value;
}

/** The client of the node's credential, the endpoint and route, and the model name choice, checked. */
async function readTarget(ctx: ISupplyDataFunctions, itemIndex: number, options: Json): Promise<{ target: OpenAiTarget; model: ModelChoice }> {
	const node = ctx.getNode();
	const endpoint = text(ctx, 'endpoint', itemIndex);
	if (endpoint === '') throw parameterError(node, itemIndex, 'Endpoint', 'No endpoint is set: pick one, or give its ID.');
	const pinned = text(ctx, 'target', itemIndex, 'trafficSplit') === 'deployedModel';
	const deployedModelId = pinned ? text(ctx, 'deployedModel', itemIndex) : undefined;
	if (pinned && !/^[0-9]{1,20}$/.test(deployedModelId ?? '')) {
		throw parameterError(node, itemIndex, 'Deployed Model', 'A deployed model ID is a number, e.g. 1206978444030640128.');
	}
	const routePrefix = text(ctx, 'routePrefix', itemIndex, '/v1').replace(/\/+$/, '');
	if (routePrefix !== '' && !PREFIX.test(routePrefix)) {
		throw parameterError(node, itemIndex, 'Route Prefix', 'The route prefix must be a path starting with "/", e.g. /v1 (or empty for the root).');
	}
	const source = text(ctx, 'modelSource', itemIndex, 'server');
	let model: ModelChoice = { kind: source === 'none' ? 'none' : 'server' };
	if (source === 'name') {
		const name = text(ctx, 'model', itemIndex);
		if (name === '') throw parameterError(node, itemIndex, 'Model', 'Type the served model name, or pick another Model Name choice.');
		model = { kind: 'name', name };
	}
	const timeoutSeconds = numberOption(ctx, options, 'timeoutSeconds', 'Timeout (Seconds)', itemIndex, [1, 3600]) ?? 600;
	const maxRetries = numberOption(ctx, options, 'maxRetries', 'Max Retries', itemIndex, [0, 10]) ?? 2;

	let client: VertexClient;
	try {
		// The credential's fields are checked first: a problem names the field, never its value.
		client = checkedClient(await ctx.getCredentials(CREDENTIAL_TYPE, itemIndex));
	} catch (error) {
		const problem = credentialProblem(error);
		throw problem ? new NodeOperationError(node, problem, { itemIndex, description: 'Nothing was sent.' }) : toNodeError(node, error, itemIndex);
	}
	const target: OpenAiTarget = { client, endpoint, deployedModelId, routePrefix, timeoutMs: timeoutSeconds * 1000, maxRetries: Math.floor(maxRetries) };
	return { target, model };
}

/**
 * What both sub-nodes read first in supplyData: their Options, the endpoint to call (readTarget) with its model name,
 * and how an error of theirs becomes the node's error for this item.
 */
export async function readSubNodeItem(
	ctx: ISupplyDataFunctions,
	itemIndex: number,
): Promise<{ options: Json; target: OpenAiTarget; modelName: ModelName; toError: (error: unknown) => NodeApiError | NodeOperationError }> {
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', itemIndex, {}) as Json;
	const { target, model } = await readTarget(ctx, itemIndex, options);
	return { options, target, modelName: new ModelName(model, target), toError: (error) => toNodeError(node, error, itemIndex) };
}

/** The Extra Body Fields option: a JSON object, without the fields the node sets itself (`reserved`). */
export function extraBodyOf(ctx: ISupplyDataFunctions, options: Json, itemIndex: number, reserved: string[]): Json {
	const raw = options.extraBody;
	if (raw === undefined || raw === null || raw === '') return {};
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			throw parameterError(ctx.getNode(), itemIndex, 'Extra Body Fields', '"Extra Body Fields" is not valid JSON: write a JSON object such as {"top_k": 20}.');
		}
	}
	if (!isRecord(value)) {
		throw parameterError(ctx.getNode(), itemIndex, 'Extra Body Fields', '"Extra Body Fields" must be a JSON object such as {"top_k": 20}.');
	}
	const taken = reserved.filter((field) => field in value);
	if (taken.length > 0) {
		throw parameterError(ctx.getNode(), itemIndex, 'Extra Body Fields', `"Extra Body Fields" cannot set ${taken.join(', ')}: the node sets them itself.`);
	}
	return value;
}
