import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { modelLocator, modelOfItem } from '../../../shared/parameters';
import { modelJson } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [
	{
		...modelLocator,
		description:
			"The model to read. By ID, add @version (e.g. my-model@2) to read one version; a console URL of a version reads that version; otherwise the model's default version is read.",
	},
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['get'] } }, properties);

/** The model (or the version asked for) as Vertex returns it. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const model = await client.getModel(modelOfItem(read, itemIndex), { signal });
	return [outputItem(itemIndex, modelJson(model))];
}
