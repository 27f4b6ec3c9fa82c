import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { filterProperty, listEntries, modelJson, returnAllProperties } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [filterProperty('models'), ...returnAllProperties];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['getAll'] } }, properties);

/** One item per model (its default version) of the credential's project and location. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const filter = read.text(itemIndex, 'filter') || undefined;
	const models = await listEntries(read, itemIndex, async (pageToken, pageSize) => {
		const page = await client.listModels({ filter, pageSize, pageToken, signal });
		return { entries: page.models, nextPageToken: page.nextPageToken };
	});
	return models.map((model) => outputItem(itemIndex, modelJson(model)));
}
