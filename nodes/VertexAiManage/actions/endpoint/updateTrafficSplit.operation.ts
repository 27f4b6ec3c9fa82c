import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { UpdateTrafficSplitInput } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { trafficSplitOf } from '../../../shared/parameters';
import { endpointJson, endpointParameter, manageTrafficSplitProperty } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [
	endpointParameter,
	{
		...manageTrafficSplitProperty('Shares of the deployed models on the endpoint, adding up to 100; a model left out gets none'),
		required: true,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['updateTrafficSplit'] } }, properties);

export const coreFields: Record<string, string> = { trafficSplit: 'trafficSplit' };

/** The endpoint and its whole new split. */
export function prepare(read: ParameterReader, itemIndex: number): UpdateTrafficSplitInput {
	return { endpoint: read.locator(itemIndex, 'endpoint'), trafficSplit: trafficSplitOf(read, itemIndex) };
}

/** Sets the endpoint's whole traffic split; the output is the updated endpoint. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<UpdateTrafficSplitInput>,
): Promise<INodeExecutionData[]> {
	return [outputItem(itemIndex, endpointJson(await client.updateTrafficSplit(request, { signal })))];
}
