import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { operationNameOf, operationNameProperty } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [operationNameProperty];

export const description = updateDisplayOptions({ show: { resource: ['operation'], operation: ['cancel'] } }, properties);

/** The operation named by "Operation Name". */
export function prepare(read: ParameterReader, itemIndex: number): string {
	return operationNameOf(read, itemIndex);
}

/**
 * Asks Vertex AI to cancel the operation. Cancelling is best effort: the operation then ends with error
 * CANCELLED (read it with Get or Wait), or finishes anyway if it was about to.
 */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request: operationName }: ManageItem<string>,
): Promise<INodeExecutionData[]> {
	await client.cancelOperation(operationName, { signal });
	return [outputItem(itemIndex, { operationName, cancelRequested: true })];
}
