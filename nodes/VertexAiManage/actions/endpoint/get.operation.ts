import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { endpointJson, endpointParameter, locatorValue } from '../common';

const properties: INodeProperties[] = [endpointParameter];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['get'] } }, properties);

/** The endpoint as Vertex returns it, with its deployed models and traffic split. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const endpoint = await client.getEndpoint(locatorValue(this, itemIndex, 'endpoint'), { signal });
	return [outputItem(itemIndex, endpointJson(endpoint))];
}
