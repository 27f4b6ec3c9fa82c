import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationNameOf, operationNameProperty } from '../common';

const properties: INodeProperties[] = [operationNameProperty];

export const description = updateDisplayOptions({ show: { resource: ['operation'], operation: ['cancel'] } }, properties);

/**
 * Asks Vertex AI to cancel the operation. Cancelling is best effort: the operation then ends with error
 * CANCELLED (read it with Get or Wait), or finishes anyway if it was about to.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const operationName = operationNameOf(this, itemIndex);
	await client.cancelOperation(operationName, { signal });
	return [outputItem(itemIndex, { operationName, cancelRequested: true })];
}
