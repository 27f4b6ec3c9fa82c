import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { endpointJson, filterProperty, listEntries, returnAllProperties, textOf } from '../common';

const properties: INodeProperties[] = [filterProperty('endpoints'), ...returnAllProperties];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['getAll'] } }, properties);

/** One item per endpoint of the credential's project and location. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const filter = textOf(this, itemIndex, 'filter') || undefined;
	const endpoints = await listEntries(this, itemIndex, async (pageToken, pageSize) => {
		const page = await client.listEndpoints({ filter, pageSize, pageToken, signal });
		return { entries: page.endpoints, nextPageToken: page.nextPageToken };
	});
	return endpoints.map((endpoint) => outputItem(itemIndex, endpointJson(endpoint)));
}
