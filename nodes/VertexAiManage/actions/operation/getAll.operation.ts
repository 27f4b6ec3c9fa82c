import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { modelLocator } from '../../../shared/parameters';
import { endpointParameter, listEntries, operationJson, returnAllProperties } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [
	{
		displayName: 'For',
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
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const owner = read.option(itemIndex, 'operationsOf');
	const of = owner === 'model' ? { model: read.locator(itemIndex, 'model') } : { endpoint: read.locator(itemIndex, 'endpoint') };
	const filter = read.boolean(itemIndex, 'onlyRunning') ? 'done=false' : undefined;
	const operations = await listEntries(read, itemIndex, async (pageToken, pageSize) => {
		const page = await client.listOperations(of, { filter, pageSize, pageToken, signal });
		return { entries: page.operations, nextPageToken: page.nextPageToken };
	});
	return operations.map((operation) => outputItem(itemIndex, operationJson(operation)));
}
