import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { NO_RESULT, resourceId } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitParameters, waitSettings } from '../../../shared/operation';
import { modelLocator } from '../../../shared/parameters';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [
	{
		...modelLocator,
		description: 'The model to delete, with all its versions (without @version). A model still deployed is not deleted: the error names the endpoints.',
	},
	...waitParameters(60),
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['delete'] } }, properties);

/** Deletes the model and every version of it; refused by the core while any version is deployed. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const model = read.locator(itemIndex, 'model');
	const settings = waitSettings(read, itemIndex);
	const name = client.modelName(model);
	const { operation, result } = await startOrResumeOperation(this, client, settings, NO_RESULT, signal, () =>
		client.deleteModel(model, { signal }),
	);
	return [
		outputItem(itemIndex, {
			model: name,
			modelId: resourceId(name),
			deleted: result !== undefined,
			...operationFields(operation),
		}),
	];
}
