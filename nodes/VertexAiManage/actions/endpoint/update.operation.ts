import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { UpdateEndpointInput } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { labelsOf, labelsOption } from '../../../shared/parameters';
import { endpointJson, endpointParameter } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [
	endpointParameter,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here change; everything else about the endpoint stays as it is',
		options: [
			{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'The new description; empty clears it' },
			{ displayName: 'Display Name', name: 'displayName', type: 'string', default: '', description: 'The new display name (up to 128 characters)' },
			{
				displayName: 'Inference Timeout (Seconds)',
				name: 'inferenceTimeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600, numberPrecision: 0 },
				default: 600,
				description: 'How long a request to the endpoint may take before Vertex AI stops it',
			},
			{
				...labelsOption,
				description: 'The endpoint\'s labels after the change: they replace all its labels (added with no label, they clear them)',
			},
			{
				displayName: 'Logging BigQuery Destination',
				name: 'loggingBigQueryUri',
				type: 'string',
				default: '',
				placeholder: 'e.g. bq://my-project.my_dataset.my_table',
				description:
					'Where the logs go: bq://project (a dataset and table are created), bq://project.dataset (a table is created) or bq://project.dataset.table (the dataset must exist, the table must not). For Request-Response Logging: On.',
			},
			{
				displayName: 'Logging Sampling Rate',
				name: 'loggingSamplingRate',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 4 },
				default: 1,
				description: 'Fraction of requests logged, above 0 and at most 1 (1 logs every request). For Request-Response Logging: On.',
			},
			{
				displayName: 'Request-Response Logging',
				name: 'requestResponseLogging',
				type: 'options',
				options: [
					{ name: 'On', value: 'on', description: 'Log a sample of requests and responses to BigQuery' },
					{ name: 'Off', value: 'off' },
				],
				default: 'on',
				description: 'Whether Vertex AI logs requests and responses to a BigQuery table',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['update'] } }, properties);

export const coreFields: Record<string, string> = {
	displayName: 'updateFields.displayName',
	description: 'updateFields.description',
	labels: 'updateFields.labels',
	inferenceTimeout: 'updateFields.inferenceTimeoutSeconds',
	requestResponseLogging: 'updateFields.requestResponseLogging',
	'requestResponseLogging.samplingRate': 'updateFields.loggingSamplingRate',
	'requestResponseLogging.bigqueryDestination': 'updateFields.loggingBigQueryUri',
	input: 'updateFields',
};

/** The fields added under "Update Fields", as the core's update (it names nothing that was not added). */
export function prepare(read: ParameterReader, itemIndex: number): UpdateEndpointInput {
	// Added to the collection, even empty: an empty description clears it, labels added without any clear them.
	const set = (field: string) => read.raw(itemIndex, `updateFields.${field}`, null) != null;
	const logging = set('requestResponseLogging') ? read.option(itemIndex, 'updateFields.requestResponseLogging') : undefined;
	for (const field of ['loggingSamplingRate', 'loggingBigQueryUri']) {
		if (logging !== 'on' && set(field)) {
			throw read.error(itemIndex, `updateFields.${field}`, `${read.where(`updateFields.${field}`)} only applies with Request-Response Logging: On; add that too (or remove this).`);
		}
	}
	const bigqueryUri = logging === 'on' ? read.text(itemIndex, 'updateFields.loggingBigQueryUri') : '';
	return {
		endpoint: read.locator(itemIndex, 'endpoint'),
		...(set('displayName') ? { displayName: read.text(itemIndex, 'updateFields.displayName') } : {}),
		...(set('description') ? { description: read.text(itemIndex, 'updateFields.description') } : {}),
		...(set('labels') ? { labels: labelsOf(read, itemIndex, 'updateFields.labels') ?? {} } : {}),
		...(set('inferenceTimeoutSeconds') ? { inferenceTimeout: read.number(itemIndex, 'updateFields.inferenceTimeoutSeconds') } : {}),
		...(logging === undefined
			? {}
			: {
					requestResponseLogging:
						logging === 'off'
							? { enabled: false }
							: {
									enabled: true,
									samplingRate: set('loggingSamplingRate') ? read.number(itemIndex, 'updateFields.loggingSamplingRate') : undefined,
									bigqueryDestination: bigqueryUri ? { outputUri: bigqueryUri } : undefined,
								},
				}),
	};
}

/** Changes exactly the fields added; the output is the endpoint after the change. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<UpdateEndpointInput>,
): Promise<INodeExecutionData[]> {
	return [outputItem(itemIndex, endpointJson(await client.updateEndpoint(request, { signal })))];
}
