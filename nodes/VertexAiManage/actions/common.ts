import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import {
	collectPages,
	deploymentStageOf,
	resourceId,
	type Endpoint,
	type Model,
	type Operation,
	type Page,
} from '../../../lib';
import { endpointLocator } from '../../shared/parameters';

/** Parameters and helpers more than one operation of this node uses. */

/** A parameter's value that is not usable, refused naming the parameter before any request. */
export function parameterError(ctx: IExecuteFunctions, itemIndex: number, label: string, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, {
		itemIndex,
		description: `Check the parameter "${label}".`,
	});
}

/** The Endpoint locator, described for managing (any endpoint, dedicated or not). */
export const endpointParameter: INodeProperties = {
	...endpointLocator,
	description: 'The endpoint: pick it from the list, give its ID or resource name, or paste its Google Cloud console URL',
};

/** A resource locator's value (the id, or the id taken from a URL), trimmed. */
export function locatorValue(ctx: IExecuteFunctions, itemIndex: number, name: string): string {
	const value = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true });
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** A string parameter (numbers from expressions accepted), trimmed. */
export function textOf(ctx: IExecuteFunctions, itemIndex: number, name: string): string {
	const value = ctx.getNodeParameter(name, itemIndex, '');
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** A boolean parameter, refused (naming it) when an expression gives anything else. */
export function booleanOf(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string, fallback: boolean): boolean {
	const value = ctx.getNodeParameter(name, itemIndex, fallback);
	if (typeof value !== 'boolean') {
		throw parameterError(ctx, itemIndex, label, `"${label}" must be true or false.`);
	}
	return value;
}

// Lists

/** The "Filter" of a list: Vertex AI's list filter, passed on as written. */
export function filterProperty(kind: 'endpoints' | 'models'): INodeProperties {
	return {
		displayName: 'Filter',
		name: 'filter',
		type: 'string',
		default: '',
		placeholder: 'e.g. labels.env=prod or display_name="my-model"',
		description: `Only the ${kind} matching this Vertex AI list filter (e.g. labels.env=prod, display_name=x; join terms with AND). Empty lists them all.`,
	};
}

/** n8n's usual "Return All" and "Limit" pair. */
export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** How many entries to return: every one for "Return All", else "Limit" (a whole number of at least 1). */
export function limitOf(ctx: IExecuteFunctions, itemIndex: number): number {
	if (booleanOf(ctx, itemIndex, 'returnAll', 'Return All', false)) return Infinity;
	const limit = ctx.getNodeParameter('limit', itemIndex, 50);
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw parameterError(ctx, itemIndex, 'Limit', '"Limit" must be a whole number of at least 1.');
	}
	return limit;
}

/** Reads pages of a list call until "Limit" entries are in (or all of them, for "Return All"). */
export async function listEntries<Entry>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	readPage: (pageToken: string | undefined, pageSize: number) => Promise<Page<Entry>>,
): Promise<Entry[]> {
	const limit = limitOf(ctx, itemIndex);
	return await collectPages(readPage, limit);
}

// Traffic splits

const DEPLOYED_MODEL_ID = /^[1-9][0-9]{0,19}$/;

/** Rows of deployed model id and percent, shown as "Traffic Split". */
export function trafficSplitProperty(description: string): INodeProperties {
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
					{
						displayName: 'Deployed Model ID',
						name: 'deployedModelId',
						type: 'string',
						default: '',
						placeholder: 'e.g. 1206978444030640128',
						description: 'ID of a model deployed on the endpoint',
					},
					{
						displayName: 'Percent',
						name: 'percent',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 100 },
						default: 0,
						description: 'Share of the traffic for this deployed model, in whole percent',
					},
				],
			},
		],
	};
}

/**
 * The "Traffic Split" rows as Vertex's map of deployed model id to percent, checked before any request:
 * ids are deployed model numbers named once each, shares whole percentages that add up to 100.
 */
export function trafficSplitOf(ctx: IExecuteFunctions, itemIndex: number, label = 'Traffic Split'): Record<string, number> {
	const collection = ctx.getNodeParameter('trafficSplit', itemIndex, {}) as IDataObject | undefined;
	const rows = collection?.share ?? [];
	if (!Array.isArray(rows)) throw parameterError(ctx, itemIndex, label, `"${label}" must be a list of shares.`);
	const split: Record<string, number> = {};
	for (const row of rows as IDataObject[]) {
		const raw = row?.deployedModelId;
		const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
		if (!DEPLOYED_MODEL_ID.test(id)) {
			throw parameterError(
				ctx,
				itemIndex,
				label,
				id === ''
					? `Every share in "${label}" needs a Deployed Model ID.`
					: `"${id}" in "${label}" is not a deployed model ID: it is the number Vertex AI gave the deployed model.`,
			);
		}
		if (id in split) throw parameterError(ctx, itemIndex, label, `Deployed model ${id} is named twice in "${label}".`);
		const percent = Number(row.percent);
		if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
			throw parameterError(ctx, itemIndex, label, `The share of ${id} in "${label}" must be a whole number from 0 to 100.`);
		}
		split[id] = percent;
	}
	const total = Object.values(split).reduce((sum, percent) => sum + percent, 0);
	if (total !== 100) {
		throw parameterError(ctx, itemIndex, label, `"${label}" must add up to 100; its shares add up to ${total}.`);
	}
	return split;
}

// Output items

/** The ids of the models deployed on an endpoint. */
export function deployedModelIdsOf(endpoint: Endpoint): string[] {
	return (endpoint.deployedModels ?? []).map((deployed) => deployed.id).filter((id): id is string => !!id);
}

/** An endpoint as Vertex returns it, with its bare id beside its name. */
export function endpointJson(endpoint: Endpoint): IDataObject {
	const { name, ...rest } = endpoint;
	return { name, endpointId: resourceId(name), ...rest } as IDataObject;
}

/** What an endpoint looks like after a change: name, id, split and the deployed model ids. */
export function endpointSummary(endpoint: Endpoint): IDataObject {
	return {
		endpoint: endpoint.name,
		endpointId: resourceId(endpoint.name),
		trafficSplit: (endpoint.trafficSplit ?? {}) as IDataObject,
		deployedModelIds: deployedModelIdsOf(endpoint),
	};
}

/** A model (or one version of it) as Vertex returns it, with its bare id beside its name. */
export function modelJson(model: Model): IDataObject {
	const { name, ...rest } = model;
	return { name, modelId: resourceId(name), ...rest } as IDataObject;
}

/**
 * An operation in the shape an IF node in a wait loop reads: done and failed always booleans, the
 * deploy stage, and the error's message and code, null when there is none.
 */
export function operationJson(operation: Operation): IDataObject {
	return {
		operationName: operation.name,
		done: operation.done === true,
		failed: operation.error !== undefined,
		stage: deploymentStageOf(operation) ?? null,
		errorMessage: operation.error ? (operation.error.message ?? null) : null,
		errorCode: operation.error?.code ?? null,
		metadata: (operation.metadata ?? null) as IDataObject | null,
		response: (operation.response ?? null) as IDataObject | null,
	};
}

// Operation names

/** "Operation Name", as the Upload, Create and Deploy nodes output it when they do not wait. */
export const operationNameProperty: INodeProperties = {
	displayName: 'Operation Name',
	name: 'operationName',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. projects/123/locations/us-central1/endpoints/456/operations/789',
	description:
		'The long-running operation: the operationName that Upload Model, Create Dedicated Endpoint or Deploy Model output when they do not wait',
};

/** The "Operation Name" of an item; its form is checked by the core before any request. */
export function operationNameOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const name = textOf(ctx, itemIndex, 'operationName');
	if (name === '') {
		throw parameterError(ctx, itemIndex, 'Operation Name', '"Operation Name" is required: the operationName an earlier node output.');
	}
	return name;
}
