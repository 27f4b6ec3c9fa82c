import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { NO_RESULT, type VertexClient } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitSettings } from '../../../shared/operation';
import { optionOf, waitParameters } from '../../../shared/parameters';
import { endpointParameter, endpointSummary, locatorValue, trafficSplitOf, trafficSplitProperty } from '../common';

const TRAFFIC_MODES = ['proportional', 'split'] as const;

const properties: INodeProperties[] = [
	endpointParameter,
	{
		displayName: 'Deployed Model',
		name: 'deployedModel',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The deployed model to remove from the endpoint; its machines are released (and no longer billed)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a deployed model...',
				typeOptions: { searchListMethod: 'searchDeployedModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1206978444030640128',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^[0-9]{1,20}$', errorMessage: 'A deployed model ID is a number' },
					},
				],
			},
		],
	},
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
		...trafficSplitProperty('Shares of the deployed models that stay, adding up to 100; the model being undeployed gets none'),
		displayOptions: { show: { trafficMode: ['split'] } },
	},
	...waitParameters(60),
];

export const description = updateDisplayOptions({ show: { resource: ['endpoint'], operation: ['undeployModel'] } }, properties);

export const parameterLabels: Record<string, string> = {
	deployedModelId: 'Deployed Model',
	trafficSplit: 'Traffic Split',
};

/** Undeploys one deployed model; the output is the endpoint after it (once waited for). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
	client: VertexClient,
): Promise<INodeExecutionData[]> {
	const endpoint = locatorValue(this, itemIndex, 'endpoint');
	const deployedModelId = locatorValue(this, itemIndex, 'deployedModel');
	const mode = optionOf(this, itemIndex, 'trafficMode', TRAFFIC_MODES, 'proportional', 'Traffic');
	const trafficSplit = mode === 'split' ? trafficSplitOf(this, itemIndex) : undefined;
	const settings = waitSettings(this, itemIndex, 60);

	const { operation } = await startOrResumeOperation(this, client, settings, NO_RESULT, signal, () =>
		client.undeployModel({ endpoint, deployedModelId, trafficSplit }, { signal }),
	);
	const after = await client.getEndpoint(endpoint, { signal });
	return [
		outputItem(itemIndex, {
			...endpointSummary(after),
			undeployedModelId: deployedModelId,
			...operationFields(operation),
		}),
	];
}
