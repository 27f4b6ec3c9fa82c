import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { outputItem } from '../../../shared/items';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';
import { poolJson, poolLocator } from './common';

const properties: INodeProperties[] = [poolLocator];

export const description = updateDisplayOptions({ show: { resource: ['deploymentResourcePool'], operation: ['get'] } }, properties);

export function prepare(read: ParameterReader, itemIndex: number): string {
	return read.locator(itemIndex, 'deploymentResourcePool');
}

/** The pool as Vertex returns it. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request: pool }: ManageItem<string>): Promise<INodeExecutionData[]> {
	return [outputItem(itemIndex, poolJson(await client.getDeploymentResourcePool(pool, { signal })))];
}
