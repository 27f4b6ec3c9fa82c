import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { deployedModelIds, NO_RESULT, resourceId } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitParameters, waitSettings, type WaitSettings } from '../../../shared/operation';
import { endpointParameter } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const DEFAULT_TIMEOUT_MINUTES = 60;

const properties: INodeProperties[] = [
	endpointParameter,
	{
		displayName: 'Undeploy Models First',
		name: 'undeployModels',
		type: 'boolean',
		default: false,
		description:
			'Whether to undeploy every model deployed on the endpoint first (one after another, each waited for). When off, an endpoint with deployed models is not deleted: the error names them.',
	},
	...waitParameters(DEFAULT_TIMEOUT_MINUTES),
];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['delete'] } }, properties);

export const coreFields: Record<string, string> = { undeployModels: 'undeployModels' };

interface DeleteEndpointRequest {
	endpoint: string;
	undeployModels: boolean;
	settings: WaitSettings;
}

/** The endpoint, whether to undeploy its models first, and the wait. */
export function prepare(read: ParameterReader, itemIndex: number): DeleteEndpointRequest {
	return {
		endpoint: read.locator(itemIndex, 'endpoint'),
		undeployModels: read.boolean(itemIndex, 'undeployModels'),
		settings: waitSettings(read, itemIndex),
	};
}

/** Deletes the endpoint (after undeploying its models, when asked). */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<DeleteEndpointRequest>,
): Promise<INodeExecutionData[]> {
	const { undeployModels, settings } = request;
	const name = client.endpointName(request.endpoint);

	let undeployedModelIds: string[] = [];
	const { operation, result } = await startOrResumeOperation(this, client, settings, NO_RESULT, signal, async () => {
		if (undeployModels) undeployedModelIds = deployedModelIds(await client.getEndpoint(name, { signal }));
		// Each undeploy is waited for even when the delete is not: the delete can only start once they are done.
		return await client.deleteEndpoint(name, {
			signal,
			undeployModels,
			undeployWait: { timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MINUTES * 60_000 },
		});
	});
	return [
		outputItem(itemIndex, {
			endpoint: name,
			endpointId: resourceId(name),
			deleted: result !== undefined,
			undeployedModelIds,
			...operationFields(operation),
		}),
	];
}
