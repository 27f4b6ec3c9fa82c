import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { modelLocator } from '../../../shared/parameters';
import { listEntries, modelJson, returnAllProperties } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [
	{ ...modelLocator, description: 'The model whose versions to list (without @version)' },
	...returnAllProperties,
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['listVersions'] } }, properties);

/** One item per version of the model, oldest first, each with its versionId and aliases. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const model = read.locator(itemIndex, 'model');
	const versions = await listEntries(read, itemIndex, async (pageToken, pageSize) => {
		const page = await client.listModelVersions(model, { pageSize, pageToken, signal });
		return { entries: page.models, nextPageToken: page.nextPageToken };
	});
	return versions.map((version) => outputItem(itemIndex, modelJson(version)));
}
