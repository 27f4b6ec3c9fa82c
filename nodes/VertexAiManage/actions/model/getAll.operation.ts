import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { filterProperty, limitOf, modelJson, returnAllProperties } from '../common';
import type { ListRequest, ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [filterProperty('models'), ...returnAllProperties];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['getAll'] } }, properties);

/** "Filter" and how many models to return. */
export function prepare(read: ParameterReader, itemIndex: number): ListRequest {
	return { filter: read.text(itemIndex, 'filter') || undefined, limit: limitOf(read, itemIndex) };
}

/** One item per model (its default version) of the credential's project and location. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request }: ManageItem<ListRequest>): Promise<INodeExecutionData[]> {
	const { filter, limit } = request;
	const models = await collectPages(async (pageToken, pageSize) => {
		const page = await client.listModels({ filter, pageSize, pageToken, signal });
		return { entries: page.models, nextPageToken: page.nextPageToken };
	}, limit);
	return models.map((model) => outputItem(itemIndex, modelJson(model)));
}
