import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { endpointJson, filterProperty, listEntries, returnAllProperties } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [filterProperty('endpoints'), ...returnAllProperties];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['getAll'] } }, properties);

/** One item per endpoint of the credential's project and location. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const filter = read.text(itemIndex, 'filter') || undefined;
	const endpoints = await listEntries(read, itemIndex, async (pageToken, pageSize) => {
		const page = await client.listEndpoints({ filter, pageSize, pageToken, signal });
		return { entries: page.endpoints, nextPageToken: page.nextPageToken };
	});
	return endpoints.map((endpoint) => outputItem(itemIndex, endpointJson(endpoint)));
}
