import { NodeOperationError, type IExecuteFunctions, type INodeParameterResourceLocator, type INodeProperties } from 'n8n-workflow';

/** Parameters and fragments more than one node shows, defined once. */

export const CREDENTIAL_TYPE = 'googleVertexAiApi';

/** A resource id: letter first (up to 63 of a-z, 0-9, -), or a number (server-made ids have 19 digits). */
const RESOURCE_ID = '[a-z0-9][a-z0-9-]{0,62}';

/**
 * Console and REST URLs both name a resource as `.../locations/{l}/endpoints/{id}` or `.../locations/{l}/models/{id}`,
 * e.g. https://console.cloud.google.com/vertex-ai/online-prediction/locations/us-central1/endpoints/123?project=p and
 * https://console.cloud.google.com/vertex-ai/models/locations/us-central1/models/123/versions/1/deploy?project=p.
 * Anchoring on `/locations/{l}/` matters: the second URL also has `/vertex-ai/models/locations`. n8n checks a
 * validation regex against the whole value (`^...$`), so those end in `.*` to allow the query string.
 */
const ENDPOINT_URL_ID = `/locations/[^/?#]+/endpoints/(${RESOURCE_ID})(?:[/?#]|$)`;
const MODEL_URL_ID = `/locations/[^/?#]+/models/(${RESOURCE_ID})(?:[/?#]|$)`;
const MODEL_URL_VERSION = `/locations/[^/?#]+/models/${RESOURCE_ID}/versions/([a-z0-9][a-z0-9-]{0,127})(?:[/?#]|$)`;

/** Resource locator for an endpoint: picked from the project, typed as an id or resource name, or a console URL. */
export const endpointLocator: INodeProperties = {
	displayName: 'Endpoint',
	name: 'endpoint',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The dedicated endpoint to use: pick it from the list, give its ID or resource name, or paste its Google Cloud console URL',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an endpoint...',
			typeOptions: { searchListMethod: 'searchEndpoints', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 1234567890 or projects/p/locations/l/endpoints/1234567890',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^(projects/[^/]+/locations/[^/]+/endpoints/)?${RESOURCE_ID}$`,
						errorMessage: 'Not a valid endpoint ID or resource name',
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder:
				'e.g. https://console.cloud.google.com/vertex-ai/online-prediction/locations/us-central1/endpoints/1234567890?project=my-project',
			extractValue: { type: 'regex', regex: ENDPOINT_URL_ID },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `https?://[^/]+/.*${ENDPOINT_URL_ID}.*`,
						errorMessage: 'Not a Vertex AI endpoint URL',
					},
				},
			],
		},
	],
};

/** Resource locator for a model (optionally with `@version`). */
export const modelLocator: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		"The model to deploy. By ID, add @version (e.g. my-model@2) to pick a version; a console URL of a version deploys that version; otherwise the model's default version is used.",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a model...',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. my-model, my-model@2 or projects/p/locations/l/models/my-model',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^(projects/[^/]+/locations/[^/]+/models/)?${RESOURCE_ID}(@[a-z0-9-]+)?$`,
						errorMessage: 'Not a valid model ID or resource name',
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder:
				'e.g. https://console.cloud.google.com/vertex-ai/models/locations/us-central1/models/1234567890/versions/1?project=my-project',
			extractValue: { type: 'regex', regex: MODEL_URL_ID },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `https?://[^/]+/.*${MODEL_URL_ID}.*`,
						errorMessage: 'Not a Vertex AI model URL',
					},
				},
			],
		},
	],
};

/**
 * The Model locator's value for the core: the id (or `id@version`, or resource name) as given, and for a console
 * URL of one version (`.../models/{id}/versions/{v}/...`) `id@v`, so the version the user looked at is deployed.
 */
export function modelOfItem(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = ctx.getNodeParameter('model', itemIndex, undefined, { extractValue: true }) as string;
	const locator = ctx.getNodeParameter('model', itemIndex) as INodeParameterResourceLocator;
	if (locator.mode !== 'url' || typeof locator.value !== 'string') return id;
	const version = new RegExp(MODEL_URL_VERSION).exec(locator.value)?.[1];
	return version ? `${id}@${version}` : id;
}

/** "Wait for completion" and its timeout, for the nodes that start a long-running operation. */
export function waitParameters(defaultTimeoutMinutes: number): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until Vertex AI finishes. When off, the output carries the operation name; when the wait times out, the error names it. Either way a later run can resume it.',
		},
		{
			displayName: 'Wait Timeout (Minutes)',
			name: 'waitTimeoutMinutes',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1440 },
			default: defaultTimeoutMinutes,
			description:
				'How long to wait before giving up waiting. The operation itself goes on in Google Cloud; its name is in the error, for Resume Operation.',
			displayOptions: { show: { waitForCompletion: [true] } },
		},
		{
			displayName: 'Resume Operation',
			name: 'resumeOperationName',
			type: 'string',
			default: '',
			placeholder: 'projects/123/locations/us-central1/.../operations/456',
			description:
				'Optional. The operation name from an earlier run that stopped waiting: wait for that operation instead of starting a new one.',
		},
	];
}

/** Labels as name/value pairs, shown in "Options" collections. */
export const labelsOption: INodeProperties = {
	displayName: 'Labels',
	name: 'labels',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Label',
	default: {},
	description: 'Key/value labels for organising and billing: lowercase letters, digits, - and _ (up to 63)',
	options: [
		{
			displayName: 'Label',
			name: 'label',
			values: [
				{ displayName: 'Key', name: 'key', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
};

/**
 * An options parameter's value, refused (naming the parameter) when it is not one of `allowed`, as an
 * expression can give anything: never a silent fallback to some other choice.
 */
export function optionOf<T extends string>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	allowed: readonly T[],
	fallback: T,
	label = name,
): T {
	const value = ctx.getNodeParameter(name, itemIndex, fallback);
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
	throw new NodeOperationError(ctx.getNode(), `"${label}" must be one of: ${allowed.join(', ')}.`, {
		itemIndex,
		description: `Check the parameter "${label}" (it is ${typeof value === 'string' ? `"${value.slice(0, 40)}"` : `a ${typeof value}`}).`,
	});
}
