import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { operationJson, operationNameOf, operationNameProperty } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [operationNameProperty];

export const description = updateDisplayOptions({ show: { resource: ['operation'], operation: ['get'] } }, properties);

/** The operation named by "Operation Name". */
export function prepare(read: ParameterReader, itemIndex: number): string {
	return operationNameOf(read, itemIndex);
}

/** The operation's state now, shaped for an IF node: done, failed, stage, error message and code. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request: name }: ManageItem<string>): Promise<INodeExecutionData[]> {
	return [outputItem(itemIndex, operationJson(await client.getOperation(name, { signal })))];
}
