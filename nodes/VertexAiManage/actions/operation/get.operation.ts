import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { operationJson, operationNameOf, operationNameProperty } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [operationNameProperty];

export const description = updateDisplayOptions({ show: { resource: ['operation'], operation: ['get'] } }, properties);

/** The operation's state now, shaped for an IF node: done, failed, stage, error message and code. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const operation = await client.getOperation(operationNameOf(read, itemIndex), { signal });
	return [outputItem(itemIndex, operationJson(operation))];
}
