import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { NO_RESULT, resourceId, type VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitSettings } from '../../../shared/operation';
import { modelLocator, waitParameters } from '../../../shared/parameters';
import { locatorValue } from '../common';

const properties: INodeProperties[] = [
	{
		...modelLocator,
		description: 'The model to delete, with all its versions (without @version). A model still deployed is not deleted: the error names the endpoints.',
	},
	...waitParameters(60),
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['delete'] } }, properties);

/** Deletes the model and every version of it; refused by the core while any version is deployed. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const model = locatorValue(this, itemIndex, 'model');
	const settings = waitSettings(this, itemIndex, 60);
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
