import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { modelLocator } from '../../../shared/parameters';
import { limitOf, modelJson, returnAllProperties } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [
	{ ...modelLocator, description: 'The model whose versions to list (without @version)' },
	...returnAllProperties,
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['listVersions'] } }, properties);

interface ListVersionsRequest {
	model: string;
	limit: number;
}

/** The model and how many versions to return. */
export function prepare(read: ParameterReader, itemIndex: number): ListVersionsRequest {
	return { model: read.locator(itemIndex, 'model'), limit: limitOf(read, itemIndex) };
}

/** One item per version of the model, oldest first, each with its versionId and aliases. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<ListVersionsRequest>,
): Promise<INodeExecutionData[]> {
	const { model, limit } = request;
	const versions = await collectPages(async (pageToken, pageSize) => {
		const page = await client.listModelVersions(model, { pageSize, pageToken, signal });
		return { entries: page.models, nextPageToken: page.nextPageToken };
	}, limit);
	return versions.map((version) => outputItem(itemIndex, modelJson(version)));
}
