import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import { trafficSplitOf } from '../../../shared/parameters';
import { endpointJson, endpointParameter, manageTrafficSplitProperty } from '../common';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [
	endpointParameter,
	{
		...manageTrafficSplitProperty('Shares of the deployed models on the endpoint, adding up to 100; a model left out gets none'),
		required: true,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['updateTrafficSplit'] } }, properties);

export const coreFields: Record<string, string> = { trafficSplit: 'trafficSplit' };

/** Sets the endpoint's whole traffic split; the output is the updated endpoint. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, read }: ManageItem): Promise<INodeExecutionData[]> {
	const endpoint = read.locator(itemIndex, 'endpoint');
	const trafficSplit = trafficSplitOf(read, itemIndex);
	const updated = await client.updateTrafficSplit({ endpoint, trafficSplit }, { signal });
	return [outputItem(itemIndex, endpointJson(updated))];
}
