import type { INodeProperties } from 'n8n-workflow';

/** Parameters and fragments more than one node shows, defined once. */

export const CREDENTIAL_TYPE = 'googleVertexAiApi';

/** Resource locator for an endpoint: picked from the project, typed as an id or resource name, or a console URL. */
export const endpointLocator: INodeProperties = {
	displayName: 'Endpoint',
	name: 'endpoint',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The dedicated endpoint',
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
						regex: '^(projects/[^/]+/locations/[^/]+/endpoints/)?[a-z0-9][a-z0-9-]{0,62}$',
						errorMessage: 'Not a valid endpoint ID or resource name',
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://console.cloud.google.com/vertex-ai/.../endpoints/1234567890?project=...',
			extractValue: { type: 'regex', regex: '/endpoints/([a-z0-9][a-z0-9-]{0,62})' },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^https?://.*/endpoints/[a-z0-9][a-z0-9-]{0,62}',
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
	description: 'The model to deploy; add @version to pick a version (default: the default version)',
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
						regex: '^(projects/[^/]+/locations/[^/]+/models/)?[a-z0-9][a-z0-9-]{0,62}(@[a-z0-9-]+)?$',
						errorMessage: 'Not a valid model ID or resource name',
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://console.cloud.google.com/vertex-ai/models/locations/.../models/123?project=...',
			extractValue: { type: 'regex', regex: '/models/([a-z0-9][a-z0-9-]{0,62})' },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^https?://.*/models/[a-z0-9][a-z0-9-]{0,62}',
						errorMessage: 'Not a Vertex AI model URL',
					},
				},
			],
		},
	],
};

/** "Wait for completion" and its timeout, for the nodes that start a long-running operation. */
export function waitParameters(defaultTimeoutMinutes: number): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until Vertex AI finishes. When off, or when the wait times out, the output carries the operation name so a later run can resume it.',
		},
		{
			displayName: 'Wait Timeout (Minutes)',
			name: 'waitTimeoutMinutes',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1440 },
			default: defaultTimeoutMinutes,
			description:
				'How long to wait before giving up waiting. The operation itself goes on in Google Cloud.',
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
