import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { limitOf, returnAllProperties } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';
import { poolJson } from './common';

const properties: INodeProperties[] = [...returnAllProperties];

export const description = updateDisplayOptions({ show: { resource: ['deploymentResourcePool'], operation: ['getAll'] } }, properties);

/** How many pools to return (the list call takes no filter). */
export function prepare(read: ParameterReader, itemIndex: number): number {
	return limitOf(read, itemIndex);
}

/** One item per pool of the credential's project and location. */
export async function execute(this: IExecuteFunctions, { index: itemIndex, signal, client, request: limit }: ManageItem<number>): Promise<INodeExecutionData[]> {
	const pools = await collectPages(async (pageToken, pageSize) => {
		const page = await client.listDeploymentResourcePools({ pageSize, pageToken, signal });
		return { entries: page.deploymentResourcePools, nextPageToken: page.nextPageToken };
	}, limit);
	return pools.map((pool) => outputItem(itemIndex, poolJson(pool)));
}
