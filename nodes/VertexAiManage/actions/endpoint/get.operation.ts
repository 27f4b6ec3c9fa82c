import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { endpointJson, endpointParameter } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [endpointParameter];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['get'] } }, properties);

/** The endpoint as Vertex returns it, with its deployed models and traffic split. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const endpoint = await client.getEndpoint(read.locator(itemIndex, 'endpoint'), { signal });
	return [outputItem(itemIndex, endpointJson(endpoint))];
}
