import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { modelLocator, optionOf } from '../../../shared/parameters';
import { booleanOf, endpointParameter, listEntries, locatorValue, operationJson, returnAllProperties } from '../common';

const OWNERS = ['endpoint', 'model'] as const;
const OWNER_LABEL = 'For';

const properties: INodeProperties[] = [
	{
		displayName: OWNER_LABEL,
		name: 'operationsOf',
		type: 'options',
		options: [
			{
				name: 'Endpoint',
				value: 'endpoint',
				description: "An endpoint's operations: its creation, deploys and undeploys",
			},
			{ name: 'Model', value: 'model', description: "A model's operations: its uploads" },
		],
		default: 'endpoint',
		description: 'Whose operations to list',
	},
	{ ...endpointParameter, displayOptions: { show: { operationsOf: ['endpoint'] } } },
	{
		...modelLocator,
		description: 'The model whose operations to list (without @version)',
		displayOptions: { show: { operationsOf: ['model'] } },
	},
	{
		displayName: 'Only Running',
		name: 'onlyRunning',
		type: 'boolean',
		default: false,
		description: 'Whether to list only the operations that are not done yet',
	},
	...returnAllProperties,
];

export const description = updateDisplayOptions({ show: { resource: ['operation'], operation: ['getAll'] } }, properties);

/** One item per operation of the endpoint or model, newest first, each shaped as Get outputs it. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const owner = optionOf(this, itemIndex, 'operationsOf', OWNERS, 'endpoint', OWNER_LABEL);
	const of = owner === 'model' ? { model: locatorValue(this, itemIndex, 'model') } : { endpoint: locatorValue(this, itemIndex, 'endpoint') };
	const filter = booleanOf(this, itemIndex, 'onlyRunning', 'Only Running', false) ? 'done=false' : undefined;
	const operations = await listEntries(this, itemIndex, async (pageToken, pageSize) => {
		const page = await client.listOperations(of, { filter, pageSize, pageToken, signal });
		return { entries: page.operations, nextPageToken: page.nextPageToken };
	});
	return operations.map((operation) => outputItem(itemIndex, operationJson(operation)));
}
