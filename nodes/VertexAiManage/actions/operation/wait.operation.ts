import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { nodeWaitOptions } from '../../../shared/operation';
import { operationJson, operationNameOf, operationNameProperty } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [
	operationNameProperty,
	{
		displayName: 'Wait Timeout (Minutes)',
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
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const name = operationNameOf(read, itemIndex);
	const minutes = read.number(itemIndex, 'waitTimeoutMinutes', { above: 0, unit: 'minutes' });
	const done = await client.waitForOperation(name, nodeWaitOptions(this, minutes * 60_000, signal));
	return [outputItem(itemIndex, operationJson(done))];
}
