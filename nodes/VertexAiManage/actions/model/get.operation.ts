import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { modelLocator, modelOfItem } from '../../../shared/parameters';
import { modelJson } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [
	{
		...modelLocator,
		description:
			"The model to read. By ID, add @version (e.g. my-model@2) to read one version; a console URL of a version reads that version; otherwise the model's default version is read.",
	},
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['get'] } }, properties);

/** The model (with @version when one is asked for). */
export function prepare(read: ParameterReader, itemIndex: number): string {
	return modelOfItem(read, itemIndex);
}

/** The model (or the version asked for) as Vertex returns it. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request: model }: ManageItem<string>): Promise<INodeExecutionData[]> {
	return [outputItem(itemIndex, modelJson(await client.getModel(model, { signal })))];
}
