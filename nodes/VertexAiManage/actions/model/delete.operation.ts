import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { NO_RESULT, resourceId } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitParameters, waitSettings, type WaitSettings } from '../../../shared/operation';
import { modelLocator } from '../../../shared/parameters';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [
	{
		...modelLocator,
		description: 'The model to delete, with all its versions (without @version). A model still deployed is not deleted: the error names the endpoints.',
	},
	...waitParameters(60),
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['delete'] } }, properties);

interface DeleteModelRequest {
	model: string;
	settings: WaitSettings;
}

/** The model and the wait. */
export function prepare(read: ParameterReader, itemIndex: number): DeleteModelRequest {
	return { model: read.locator(itemIndex, 'model'), settings: waitSettings(read, itemIndex) };
}

/** Deletes the model and every version of it; refused by the core while any version is deployed. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<DeleteModelRequest>,
): Promise<INodeExecutionData[]> {
	const { model, settings } = request;
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
