import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { endpointJson, filterProperty, limitOf, returnAllProperties } from '../common';
import type { ListRequest, ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [filterProperty('endpoints'), ...returnAllProperties];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['getAll'] } }, properties);

/** "Filter" and how many endpoints to return. */
export function prepare(read: ParameterReader, itemIndex: number): ListRequest {
	return { filter: read.text(itemIndex, 'filter') || undefined, limit: limitOf(read, itemIndex) };
}

/** One item per endpoint of the credential's project and location. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request }: ManageItem<ListRequest>): Promise<INodeExecutionData[]> {
	const { filter, limit } = request;
	const endpoints = await collectPages(async (pageToken, pageSize) => {
		const page = await client.listEndpoints({ filter, pageSize, pageToken, signal });
		return { entries: page.endpoints, nextPageToken: page.nextPageToken };
	}, limit);
	return endpoints.map((endpoint) => outputItem(itemIndex, endpointJson(endpoint)));
}
