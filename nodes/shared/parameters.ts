import type { INodeProperties } from 'n8n-workflow';

import type { ParameterReader } from './read';
import { nameValueMap } from './values';

/** Parameters and fragments more than one node shows, defined once. */

export const CREDENTIAL_TYPE = 'googleVertexAiApi';

/** A resource id: letter first (up to 63 of a-z, 0-9, -), or a number (server-made ids have 19 digits). */
const RESOURCE_ID = '[a-z0-9][a-z0-9-]{0,62}';
/** The project and location segments of a resource name: no "..", "%", "?", "#" or spaces can get through. */
const PROJECT = '[a-z0-9][a-z0-9.:-]{0,62}';
const LOCATION = '[a-z][a-z0-9-]{0,29}';

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
			hint: 'The endpointId that Create Dedicated Endpoint or Deploy Model output; as an expression: {{ $json.endpointId }}',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^(projects/${PROJECT}/locations/${LOCATION}/endpoints/)?${RESOURCE_ID}$`,
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
			hint: 'The modelId that Upload Model outputs (the Model ID you gave it); as an expression: {{ $json.modelId }}',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^(projects/${PROJECT}/locations/${LOCATION}/models/)?${RESOURCE_ID}(@[a-z0-9-]+)?$`,
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
						properties: { regex: '^[0-9]{1,20}$', errorMessage: 'A deployed model ID is a number' },
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

/**
 * The Model locator's value for the core: the id (or `id@version`, or resource name) as given, and for a console
 * URL of one version (`.../models/{id}/versions/{v}/...`) `id@v`, so the version the user looked at is deployed.
 */
export function modelOfItem(read: ParameterReader, itemIndex: number, path = 'model'): string {
	const id = read.locator(itemIndex, path);
	const locator = read.locatorValue(itemIndex, path);
	if (locator?.mode !== 'url' || typeof locator.value !== 'string') return id;
	const version = new RegExp(MODEL_URL_VERSION).exec(locator.value)?.[1];
	return version ? `${id}@${version}` : id;
}

/** Operation names as Vertex gives them: `projects/{p}/locations/{l}/.../operations/{number}`. */
export const OPERATION_NAME = new RegExp(
	`^projects/${PROJECT}/locations/${LOCATION}(/[A-Za-z]+/[a-z0-9][a-z0-9@-]*){0,2}/operations/[0-9]{1,20}$`,
);
export const OPERATION_NAME_RULE =
	'an operation name such as projects/123/locations/us-central1/endpoints/456/operations/789, as an earlier run output it';

const RESUME_DESCRIPTION =
	'The operation name from an earlier run that stopped waiting (its output\'s operationName, or the name in its error): wait for that operation instead of starting a new one.';

/** "Resume Operation" as an option (in the node's "Options"), for the nodes that start a long-running operation. */
export const resumeOperationOption: INodeProperties = {
	displayName: 'Resume Operation',
	name: 'resumeOperationName',
	type: 'string',
	default: '',
	placeholder: 'projects/123/locations/us-central1/.../operations/456',
	description: RESUME_DESCRIPTION,
};

/**
 * "Wait for completion" and its timeout, for the nodes that start a long-running operation, and "Resume Operation":
 * at the top (`resume: 'top'`), or `'options'` when the node puts resumeOperationOption in its Options. Then the top
 * one stays for workflows saved before the move: shown only while it holds a value, so it is still read (and can be
 * cleared) there.
 */
export function waitParameters(defaultTimeoutMinutes: number, resume: 'top' | 'options' = 'top'): INodeProperties[] {
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
			// The editor asks for at least 1; an expression may give any number above 0 (0.5 waits 30 s).
			typeOptions: { minValue: 1, maxValue: 1440 },
			default: defaultTimeoutMinutes,
			description:
				'How long to wait before giving up waiting. The operation itself goes on in Google Cloud; its name is in the error, for Resume Operation.',
			displayOptions: { show: { waitForCompletion: [true] } },
		},
		resume === 'top'
			? { ...resumeOperationOption, description: `Optional. ${RESUME_DESCRIPTION}` }
			: {
					...resumeOperationOption,
					description: `Set in an earlier version of this node: it now sits under Options > Resume Operation. Still read here until cleared. ${RESUME_DESCRIPTION}`,
					// Shown only while it holds a value (a parameter n8n hides has no value, so `hide: ['']` cannot do it).
					displayOptions: { show: { resumeOperationName: [{ _cnd: { exists: true } }] } },
				},
	];
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

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** The Labels option (at `path`) as Vertex's `labels` map, every key and value checked; undefined when empty. */
export function labelsOf(read: ParameterReader, itemIndex: number, path = 'options.labels'): Record<string, string> | undefined {
	const labels: Array<[string, string]> = [];
	const seen = new Set<string>();
	for (const row of read.rows(itemIndex, `${path}.label`)) {
		const key = read.checkText(itemIndex, `${path}.label.key`, row.key, {
			pattern: LABEL_KEY,
			rule: 'a lowercase letter, then up to 62 lowercase letters, digits, "_" or "-"',
		});
		const value = read.checkText(itemIndex, `${path}.label.value`, row.value, {
			pattern: LABEL_VALUE,
			rule: 'up to 63 lowercase letters, digits, "_" or "-"',
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
	const idPattern = options.newModel ? /^(0|[1-9][0-9]{0,19})$/ : /^[1-9][0-9]{0,19}$/;
	const split = Object.create(null) as Record<string, number>;
	for (const row of read.rows(itemIndex, 'trafficSplit.share')) {
		const id = read.checkText(itemIndex, idPath, row.deployedModelId, {
			required: true,
			pattern: idPattern,
			rule: `the number Vertex AI gave a deployed model${options.newModel ? ' (or 0 for the model being deployed)' : ''}`,
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

/** Model and endpoint ids of the user's choice (as the core checks them): letter first, or 1 to 9 digits. */
export const CALLER_ID = /^(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|[1-9][0-9]{0,8})$/;
export const CALLER_ID_RULE =
	'a letter first then up to 62 of a-z, 0-9 and "-", ending in a letter or digit (e.g. my-model-1), or 1 to 9 digits';

/** A model's id or resource name (no version), as "Parent Model" takes it. */
export const MODEL_NAME = new RegExp(`^(projects/${PROJECT}/locations/${LOCATION}/models/)?${RESOURCE_ID}$`);

/** A service account's email (the core checks the same shape). */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const EMAIL_RULE = 'a service account email such as name@my-project.iam.gserviceaccount.com';

/** A route of the model server as Vertex AI calls it: "/" first, no spaces or line breaks. */
export const SERVER_ROUTE = /^\/[^\s\p{Cc}]*$/u;
export const SERVER_ROUTE_RULE = 'a path starting with "/", without spaces or line breaks (e.g. /health)';
