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

/** The pool as Vertex returns it, with the deployed models using it. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request: pool }: ManageItem<string>): Promise<INodeExecutionData[]> {
	const found = await client.getDeploymentResourcePool(pool, { signal });
	const deployedModels = await client.queryPoolDeployedModels(found.name, { signal });
	return [outputItem(itemIndex, { ...poolJson(found), deployedModels })];
}
