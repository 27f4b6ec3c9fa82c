import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationJson, operationNameOf, operationNameProperty } from '../common';

const properties: INodeProperties[] = [operationNameProperty];

export const description = updateDisplayOptions({ show: { resource: ['operation'], operation: ['get'] } }, properties);

/** The operation's state now, shaped for an IF node: done, failed, stage, error message and code. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const operation = await client.getOperation(operationNameOf(this, itemIndex), { signal });
	return [outputItem(itemIndex, operationJson(operation))];
}
