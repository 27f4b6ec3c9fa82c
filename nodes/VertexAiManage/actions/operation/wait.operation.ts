import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { nodeWaitOptions } from '../../../shared/operation';
import { operationJson, operationNameOf, operationNameProperty, parameterError } from '../common';

const TIMEOUT_LABEL = 'Wait Timeout (Minutes)';

const properties: INodeProperties[] = [
	operationNameProperty,
	{
		displayName: TIMEOUT_LABEL,
		name: 'waitTimeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1440 },
		default: 60,
		description:
			'How long to wait before giving up waiting. The operation itself goes on in Google Cloud; the error names it, to wait again.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['operation'], operation: ['wait'] } }, properties);

/**
 * Waits until the operation is done, with the same polling the other nodes use (transient poll errors
 * retried, "stop execution" honoured), then outputs it as Get does. A failed operation is an error.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const name = operationNameOf(this, itemIndex);
	const minutes = this.getNodeParameter('waitTimeoutMinutes', itemIndex, 60);
	if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > 1440) {
		throw parameterError(this, itemIndex, TIMEOUT_LABEL, `"${TIMEOUT_LABEL}" must be a number of minutes above 0 and at most 1440.`);
	}
	const done = await client.waitForOperation(name, nodeWaitOptions(this, minutes * 60_000, signal));
	return [outputItem(itemIndex, operationJson(done))];
}
