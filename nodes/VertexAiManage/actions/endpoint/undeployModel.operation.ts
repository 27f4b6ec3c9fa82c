import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { NO_RESULT, type UndeployModelInput } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitParameters, waitSettings, type WaitSettings } from '../../../shared/operation';
import { deployedModelLocator, trafficSplitOf } from '../../../shared/parameters';
import { endpointParameter, endpointSummary, manageTrafficSplitProperty } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const properties: INodeProperties[] = [
	endpointParameter,
	deployedModelLocator('The deployed model to remove from the endpoint; its machines are released (and no longer billed)'),
	{
		displayName: 'Traffic',
		name: 'trafficMode',
		type: 'options',
		options: [
			{
				name: 'Give Its Share to the Others in Proportion',
				value: 'proportional',
				description: 'The deployed models that stay keep their relative shares, scaled up to 100',
			},
			{ name: 'Explicit Split', value: 'split', description: 'Give every deployed model that stays its share' },
		],
		default: 'proportional',
		description: "How the endpoint's traffic is shared once this model is gone",
	},
	{
		...manageTrafficSplitProperty('Shares of the deployed models that stay, adding up to 100; the model being undeployed gets none'),
		displayOptions: { show: { trafficMode: ['split'] } },
	},
	...waitParameters(60),
];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['undeployModel'] } }, properties);

export const coreFields: Record<string, string> = { deployedModelId: 'deployedModel', trafficSplit: 'trafficSplit' };

interface UndeployRequest {
	input: UndeployModelInput;
	settings: WaitSettings;
}

/** The deployed model to undeploy, the split after it, and the wait. */
export function prepare(read: ParameterReader, itemIndex: number): UndeployRequest {
	const endpoint = read.locator(itemIndex, 'endpoint');
	const deployedModelId = read.locator(itemIndex, 'deployedModel');
	const trafficSplit = read.option(itemIndex, 'trafficMode') === 'split' ? trafficSplitOf(read, itemIndex) : undefined;
	return { input: { endpoint, deployedModelId, trafficSplit }, settings: waitSettings(read, itemIndex) };
}

/** Undeploys one deployed model; the output is the endpoint after it (once waited for). */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<UndeployRequest>,
): Promise<INodeExecutionData[]> {
	const { input, settings } = request;
	const { operation } = await startOrResumeOperation(this, client, settings, NO_RESULT, signal, () =>
		client.undeployModel(input, { signal }),
	);
	const after = await client.getEndpoint(input.endpoint, { signal });
	return [
		outputItem(itemIndex, {
			...endpointSummary(after),
			undeployedModelId: input.deployedModelId,
			...operationFields(operation),
		}),
	];
}
