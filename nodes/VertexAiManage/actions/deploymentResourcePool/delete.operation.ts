import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { NO_RESULT, resourceId } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitParameters, waitSettings, type WaitSettings } from '../../../shared/operation';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';
import { poolLocator } from './common';

const properties: INodeProperties[] = [
	{
		...poolLocator,
		description: 'The pool to delete. A pool that deployed models still use is not deleted: the error names them, to undeploy first.',
	},
	...waitParameters(30),
];

export const description = updateDisplayOptions({ show: { resource: ['deploymentResourcePool'], operation: ['delete'] } }, properties);

interface DeletePoolRequest {
	pool: string;
	settings: WaitSettings;
}

export function prepare(read: ParameterReader, itemIndex: number): DeletePoolRequest {
	return { pool: read.locator(itemIndex, 'deploymentResourcePool'), settings: waitSettings(read, itemIndex) };
}

/** Deletes the pool; refused by the core while deployed models use it. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<DeletePoolRequest>,
): Promise<INodeExecutionData[]> {
	const { pool, settings } = request;
	const name = client.deploymentResourcePoolName(pool);
	const { operation, result } = await startOrResumeOperation(this, client, settings, NO_RESULT, signal, () =>
		client.deleteDeploymentResourcePool(pool, { signal }),
	);
	return [outputItem(itemIndex, { deploymentResourcePool: name, deploymentResourcePoolId: resourceId(name), deleted: result !== undefined, ...operationFields(operation) })];
}
