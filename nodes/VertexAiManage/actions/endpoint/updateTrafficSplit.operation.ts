import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { endpointJson, endpointParameter, locatorValue, trafficSplitOf, trafficSplitProperty } from '../common';

const properties: INodeProperties[] = [
	endpointParameter,
	{
		...trafficSplitProperty('Shares of the deployed models on the endpoint, adding up to 100; a model left out gets none'),
		required: true,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['updateTrafficSplit'] } }, properties);

export const parameterLabels: Record<string, string> = { trafficSplit: 'Traffic Split' };

/** Sets the endpoint's whole traffic split; the output is the updated endpoint. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const endpoint = locatorValue(this, itemIndex, 'endpoint');
	const trafficSplit = trafficSplitOf(this, itemIndex);
	const updated = await client.updateTrafficSplit({ endpoint, trafficSplit }, { signal });
	return [outputItem(itemIndex, endpointJson(updated))];
}
