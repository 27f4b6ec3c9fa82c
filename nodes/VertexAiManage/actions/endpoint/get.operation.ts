import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { endpointJson, endpointParameter } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [endpointParameter];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['get'] } }, properties);

/** The endpoint named by "Endpoint". */
export function prepare(read: ParameterReader, itemIndex: number): string {
	return read.locator(itemIndex, 'endpoint');
}

/** The endpoint as Vertex returns it, with its deployed models and traffic split. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request: endpoint }: ManageItem<string>): Promise<INodeExecutionData[]> {
	return [outputItem(itemIndex, endpointJson(await client.getEndpoint(endpoint, { signal })))];
}
