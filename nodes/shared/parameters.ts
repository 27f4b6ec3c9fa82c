import type { INodeProperties } from 'n8n-workflow';

import { CONSOLE_URL, DEPLOYED_MODEL_ID, DEPLOYED_MODEL_NUMBER, ENDPOINT_REF, LABEL_KEY, LABEL_VALUE, MODEL_REF, NEW_TRAFFIC_SPLIT_KEY } from '../../lib';
import type { ParameterReader } from './read';
import { nameValueMap } from './values';

/**
 * Parameters and fragments more than one node shows, defined once. Their checks are the core's id rules (lib's
 * id grammar): n8n checks a validation regex against the whole value, so the URL ones end in `.*` for the query.
 */

export const CREDENTIAL_TYPE = 'googleVertexAiApi';

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
			hint: 'The endpointId that Create Dedicated Endpoint or Deploy Model output; as an expression: {{ $json.endpointId }}',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^${ENDPOINT_REF.source}$`,
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
			extractValue: { type: 'regex', regex: CONSOLE_URL.endpointId },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `https?://[^/]+/.*${CONSOLE_URL.endpointId}.*`,
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
			hint: 'The modelId that Upload Model outputs (the Model ID you gave it); as an expression: {{ $json.modelId }}',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^${MODEL_REF.source}$`,
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
			extractValue: { type: 'regex', regex: CONSOLE_URL.modelId },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `https?://[^/]+/.*${CONSOLE_URL.modelId}.*`,
						errorMessage: 'Not a Vertex AI model URL',
					},
				},
			],
		},
	],
};

/**
 * Resource locator for one model deployed on the chosen endpoint: picked from the endpoint's list, or its number.
 * `hint` goes under "By ID"; `displayOptions` (when given) decides when it shows.
 */
export function deployedModelLocator(
	description: string,
	{ hint, displayOptions }: { hint?: string; displayOptions?: INodeProperties['displayOptions'] } = {},
): INodeProperties {
	return {
		displayName: 'Deployed Model',
		name: 'deployedModel',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		...(displayOptions ? { displayOptions } : {}),
		// The modes stay written inside this literal: n8n's lint takes parameter-like literals outside it for parameters.
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a deployed model...',
				typeOptions: { searchListMethod: 'searchDeployedModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1206978444030640128',
				...(hint === undefined ? {} : { hint }),
				validation: [
					{
						type: 'regex',
						properties: { regex: DEPLOYED_MODEL_ID.pattern.source, errorMessage: 'A deployed model ID is a number' },
					},
				],
			},
		],
	};
}

/**
 * "Target" (let the endpoint's traffic split choose, or call one deployed model) and the Deployed Model locator it
 * shows, for the nodes that call an endpoint. `byIdHint` goes under the locator's "By ID".
 */
export function targetParameters(byIdHint?: string): INodeProperties[] {
	return [
		{
			displayName: 'Target',
			name: 'target',
			type: 'options',
			options: [
				{
					name: 'Traffic Split',
					value: 'trafficSplit',
					description: "Let the endpoint's traffic split pick a deployed model",
				},
				{ name: 'One Deployed Model', value: 'deployedModel', description: 'Bypass the traffic split' },
			],
			default: 'trafficSplit',
			description: 'Which deployed model on the endpoint answers',
		},
		deployedModelLocator('The deployed model to call, whatever its share of the traffic', {
			hint: byIdHint,
			displayOptions: { show: { target: ['deployedModel'] } },
		}),
	];
}

const MODEL_URL_VERSION = new RegExp(CONSOLE_URL.modelVersion);

/**
 * The Model locator's value for the core: the id (or `id@version`, or resource name) as given, and for a console
 * URL of one version (`.../models/{id}/versions/{v}/...`) `id@v`, so the version the user looked at is deployed.
 */
export function modelOfItem(read: ParameterReader, itemIndex: number, path = 'model'): string {
	const id = read.locator(itemIndex, path);
	const locator = read.locatorValue(itemIndex, path);
	if (locator?.mode !== 'url' || typeof locator.value !== 'string') return id;
	const version = MODEL_URL_VERSION.exec(locator.value)?.[1];
	return version ? `${id}@${version}` : id;
}

/**
 * A locator whose default takes the id from the incoming item (`{{ $json.<field> }}`): our nodes output `modelId` and
 * `endpointId` and carry them forward, so in Upload -> Create -> Deploy -> Invoke each node finds the ids of the
 * nodes before it without wiring. See wiringNotice for saying so in the panel.
 */
export function fromIncomingItem(locator: INodeProperties, field: string): INodeProperties {
	return { ...locator, default: { __rl: true, mode: 'id', value: `={{ $json.${field} }}` } };
}

/**
 * A note under the locators that take their ids from the incoming item, shown while `locator` holds an expression
 * (the default does): n8n's editor shows an expression's result under a locator instead of its hint, so a hint
 * would never be seen there. n8n shows a parameter whose `show` rule meets an expression, and hides it for a value
 * picked from the list or typed.
 */
export function wiringNotice(locator: string, field: string, text: string): INodeProperties {
	return {
		displayName: text,
		name: `${locator}FromInputNotice`,
		type: 'notice',
		default: '',
		displayOptions: { show: { [locator]: [{ _cnd: { eq: `={{ $json.${field} }}` } }] } },
	};
}

/**
 * A warning under a text parameter while its value (typed, not an expression) does not have the form `good` asks
 * for: the editor shows it as the user types, before anything runs. n8n's editor checks the form of resource
 * locators (their `validation`) but offers nothing of the kind for plain text, so a notice shown by displayOptions
 * (a `_cnd` regex) does it. Only `hide` is used: n8n shows a parameter whose `show` rule meets an expression.
 */
export function formatNotice(parameter: string, good: string, text: string): INodeProperties {
	return {
		displayName: text,
		name: `${parameter}Notice`,
		type: 'notice',
		default: '',
		displayOptions: { hide: { [parameter]: [{ _cnd: { regex: `^(?:=|$|(?:${good})$)` } }] } },
	};
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

/** The Labels option (at `path`) as Vertex's `labels` map, every key and value checked; undefined when empty. */
export function labelsOf(read: ParameterReader, itemIndex: number, path = 'options.labels'): Record<string, string> | undefined {
	const labels: Array<[string, string]> = [];
	const seen = new Set<string>();
	for (const row of read.rows(itemIndex, `${path}.label`)) {
		const key = read.checkText(itemIndex, `${path}.label.key`, row.key, {
			pattern: LABEL_KEY.pattern,
			rule: LABEL_KEY.rule,
		});
		const value = read.checkText(itemIndex, `${path}.label.value`, row.value, {
			pattern: LABEL_VALUE.pattern,
			rule: LABEL_VALUE.rule,
		});
		if (key === '') continue;
		if (seen.has(key)) throw read.error(itemIndex, `${path}.label.key`, `Label ${JSON.stringify(key)} is given twice.`);
		seen.add(key);
		labels.push([key, value]);
	}
	return labels.length ? nameValueMap(labels) : undefined;
}

/** Rows of deployed model id (the field given, for its default and wording) and percent, shown as "Traffic Split". */
export function trafficSplitProperty(description: string, deployedModelIdField: INodeProperties): INodeProperties {
	return {
		displayName: 'Traffic Split',
		name: 'trafficSplit',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Share',
		default: {},
		description,
		options: [
			{
				displayName: 'Share',
				name: 'share',
				values: [
					deployedModelIdField,
					{
						displayName: 'Percent',
						name: 'percent',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
						default: 0,
						description: 'Share of the traffic for this deployed model, in whole percent',
					},
				],
			},
		],
	};
}

/**
 * The "Traffic Split" rows as Vertex's map of deployed model id to percent, checked before any request: ids are
 * deployed model numbers (and "0" for the model being deployed, where `newModel` allows it) named once each,
 * shares whole percentages that add up to 100.
 */
export function trafficSplitOf(read: ParameterReader, itemIndex: number, options: { newModel?: boolean } = {}): Record<string, number> {
	const idPath = 'trafficSplit.share.deployedModelId';
	const label = read.where('trafficSplit');
	const idRule = options.newModel ? NEW_TRAFFIC_SPLIT_KEY : DEPLOYED_MODEL_NUMBER;
	const split = Object.create(null) as Record<string, number>;
	for (const row of read.rows(itemIndex, 'trafficSplit.share')) {
		const id = read.checkText(itemIndex, idPath, row.deployedModelId, {
			required: true,
			pattern: idRule.pattern,
			rule: idRule.rule,
		});
		if (id in split) throw read.error(itemIndex, 'trafficSplit', `Deployed model ${id} is named twice in ${label}.`);
		split[id] = read.checkNumber(itemIndex, 'trafficSplit.share.percent', row.percent);
	}
	const total = Object.values(split).reduce((sum, percent) => sum + percent, 0);
	if (total !== 100) {
		throw read.error(itemIndex, 'trafficSplit', `${label} must add up to 100; its shares add up to ${total}.`);
	}
	return { ...split };
}

