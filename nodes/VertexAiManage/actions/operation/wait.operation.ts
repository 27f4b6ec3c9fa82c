import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { nodeWaitOptions } from '../../../shared/operation';
import { operationJson, operationNameOf, operationNameProperty } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

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

interface WaitRequest {
	name: string;
	timeoutMs: number;
}

/** The operation and how long to wait for it. */
export function prepare(read: ParameterReader, itemIndex: number): WaitRequest {
	const name = operationNameOf(read, itemIndex);
	const minutes = read.number(itemIndex, 'waitTimeoutMinutes', { above: 0, unit: 'minutes' });
	return { name, timeoutMs: minutes * 60_000 };
}

/**
 * Waits until the operation is done, with the same polling the other nodes use (transient poll errors
 * retried, "stop execution" honoured), then outputs it as Get does. A failed operation is an error.
 */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request }: ManageItem<WaitRequest>): Promise<INodeExecutionData[]> {
	const done = await client.waitForOperation(request.name, nodeWaitOptions(this, request.timeoutMs, signal));
	return [outputItem(itemIndex, operationJson(done))];
}
