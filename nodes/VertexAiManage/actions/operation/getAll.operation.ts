import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { modelLocator } from '../../../shared/parameters';
import { endpointParameter, limitOf, operationJson, returnAllProperties } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

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

interface ListOperationsRequest {
	of: { model: string } | { endpoint: string };
	filter: string | undefined;
	limit: number;
}

/** Whose operations, whether only running ones, and how many to return. */
export function prepare(read: ParameterReader, itemIndex: number): ListOperationsRequest {
	const owner = read.option(itemIndex, 'operationsOf');
	const of = owner === 'model' ? { model: read.locator(itemIndex, 'model') } : { endpoint: read.locator(itemIndex, 'endpoint') };
	const filter = read.boolean(itemIndex, 'onlyRunning') ? 'done=false' : undefined;
	return { of, filter, limit: limitOf(read, itemIndex) };
}

/** One item per operation of the endpoint or model, newest first, each shaped as Get outputs it. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<ListOperationsRequest>,
): Promise<INodeExecutionData[]> {
	const { of, filter, limit } = request;
	const operations = await collectPages(async (pageToken, pageSize) => {
		const page = await client.listOperations(of, { filter, pageSize, pageToken, signal });
		return { entries: page.operations, nextPageToken: page.nextPageToken };
	}, limit);
	return operations.map((operation) => outputItem(itemIndex, operationJson(operation)));
}
