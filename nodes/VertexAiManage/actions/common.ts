import type { IDataObject, INodeProperties } from 'n8n-workflow';

import {
	endpointOutput,
	endpointSummary as endpointSummaryOf,
	modelOutput,
	OPERATION_NAME,
	operationOutput,
	type Endpoint,
	type Model,
	type Operation,
} from '../../../lib';
import { endpointLocator, trafficSplitProperty } from '../../shared/parameters';
import type { ParameterReader } from '../../shared/read';

/** Parameters and helpers more than one operation of this node uses. */

/** The Endpoint locator, described for managing (any endpoint, dedicated or not). */
export const endpointParameter: INodeProperties = {
	...endpointLocator,
	description: 'The endpoint: pick it from the list, give its ID or resource name, or paste its Google Cloud console URL',
};

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
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** How many entries to return: every one for "Return All", else "Limit" (a whole number of at least 1). */
export function limitOf(read: ParameterReader, itemIndex: number): number {
	return read.boolean(itemIndex, 'returnAll') ? Infinity : read.number(itemIndex, 'limit');
}

// Traffic splits

/** Rows of deployed model id and percent, shown as "Traffic Split". */
export function manageTrafficSplitProperty(description: string): INodeProperties {
	return trafficSplitProperty(description, {
		displayName: 'Deployed Model ID',
		name: 'deployedModelId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1206978444030640128',
		description: 'ID of a model deployed on the endpoint',
	});
}

// Output items: the core's output shapes, typed as n8n items

/** An endpoint as Vertex returns it, with its bare id beside its name. */
export function endpointJson(endpoint: Endpoint): IDataObject {
	return endpointOutput(endpoint) as IDataObject;
}

/** What an endpoint looks like after a change: name, id, split and the deployed model ids. */
export function endpointSummary(endpoint: Endpoint): IDataObject {
	return endpointSummaryOf(endpoint) as unknown as IDataObject;
}

/** A model (or one version of it) as Vertex returns it, with its bare id beside its name. */
export function modelJson(model: Model): IDataObject {
	return modelOutput(model) as IDataObject;
}

/** An operation in the shape an IF node in a wait loop reads (see operationOutput). */
export function operationJson(operation: Operation): IDataObject {
	return operationOutput(operation) as IDataObject;
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
	hint: 'From the node before: {{ $json.operationName }} as an expression (Wait for Completion off there), or the name a timed-out wait gave',
};

/** The "Operation Name" of an item, in the form Vertex gives operation names (the core checks it again). */
export function operationNameOf(read: ParameterReader, itemIndex: number): string {
	return read.text(itemIndex, 'operationName', { required: true, ...OPERATION_NAME });
}
