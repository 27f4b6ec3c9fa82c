import type { INodeProperties } from 'n8n-workflow';

import { modelServerRetryPolicy, withRetries, type InvokeResponse, type PrivateEndpointOptions, type VertexClient } from '../../lib';
import { endpointLocator, targetParameters } from './parameters';
import { connectionProperties } from './privateEndpoint';

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
	/** The Private Service Connect address (and its TLS choice) to call instead of the dedicated DNS. */
	privateEndpoint?: PrivateEndpointOptions;
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
				{ signal, privateEndpoint: target.privateEndpoint },
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
async function firstServedModel(target: OpenAiTarget, signal?: AbortSignal): Promise<string | undefined> {
	const response = await target.client.invoke(
		{
			endpoint: target.endpoint,
			deployedModelId: target.deployedModelId,
			path: `${target.routePrefix}/models`,
			timeoutMs: target.timeoutMs,
			throwOnHttpError: false,
		},
		{ signal, privateEndpoint: target.privateEndpoint },
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

export const targetProperties: INodeProperties[] = [endpointLocator, ...targetParameters(), ...connectionProperties];

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
