import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { MUTATE_DEPLOYED_MODEL, resourceId, type MutateDeployedModelInput } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitParameters, waitSettings, type WaitSettings } from '../../../shared/operation';
import { deployedModelLocator } from '../../../shared/parameters';
import { endpointParameter } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';
import { autoscalingMetricsOf, autoscalingMetricsProperty } from '../../../shared/autoscaling';
import { apiVersionOf, usePreviewApiProperty } from '../../../shared/preview';

const replicas = (name: string, displayName: string, description: string, min = 1): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: min, numberPrecision: 0 },
	default: 1,
	description,
});

const properties: INodeProperties[] = [
	endpointParameter,
	deployedModelLocator('The deployed model to change, on the endpoint above; it keeps serving while Vertex AI applies the change'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			'Only the fields added here change (Vertex AI changes replicas, autoscaling and container logging of a live deployment; anything else needs a new deploy)',
		options: [
			autoscalingMetricsProperty('The metrics the replicas scale on, each with its target; they replace the current ones'),
			{
				displayName: 'Disable Container Logging',
				name: 'disableContainerLogging',
				type: 'boolean',
				default: false,
				description: "Whether to stop sending the container's stdout and stderr to Cloud Logging (off sends them)",
			},
			replicas('maxReplicaCount', 'Max Replicas', 'Upper bound for autoscaling; at least Min Replicas (the new one, or the current one)'),
			replicas('minReplicaCount', 'Min Replicas', 'Replicas that always run (and are always billed)'),
			replicas(
				'requiredReplicaCount',
				'Required Replicas',
				'How many replicas must run for the change to count as done (the rest keep being retried); at most Min Replicas',
				0,
			),
		],
	},
	usePreviewApiProperty('the Pub/Sub backlog metric (its subscription labels) and container logging as v1beta1 names it'),
	...waitParameters(60),
];

export const description = updateDisplayOptions({ show: { resource: ['deployedModel'], operation: ['update'] } }, properties);

export const coreFields: Record<string, string> = {
	deployedModelId: 'deployedModel',
	minReplicaCount: 'updateFields.minReplicaCount',
	maxReplicaCount: 'updateFields.maxReplicaCount',
	requiredReplicaCount: 'updateFields.requiredReplicaCount',
	autoscalingMetricSpecs: 'updateFields.autoscalingMetrics',
	disableContainerLogging: 'updateFields.disableContainerLogging',
	input: 'updateFields',
	apiVersion: 'usePreviewApi',
};

interface MutateRequest {
	input: MutateDeployedModelInput;
	settings: WaitSettings;
}

/** The fields added under "Update Fields" as the core's mutate input, and the wait. */
export function prepare(read: ParameterReader, itemIndex: number): MutateRequest {
	const set = (field: string) => read.raw(itemIndex, `updateFields.${field}`, null) != null;
	const count = (field: string) => (set(field) ? read.number(itemIndex, `updateFields.${field}`) : undefined);
	const apiVersion = apiVersionOf(read, itemIndex, 'usePreviewApi');
	const metrics = () => autoscalingMetricsOf(read, itemIndex, 'updateFields.autoscalingMetrics', { v1Only: apiVersion === 'v1', previewPath: 'usePreviewApi' });
	const input: MutateDeployedModelInput = {
		endpoint: read.locator(itemIndex, 'endpoint'),
		deployedModelId: read.locator(itemIndex, 'deployedModel'),
		minReplicaCount: count('minReplicaCount'),
		maxReplicaCount: count('maxReplicaCount'),
		requiredReplicaCount: count('requiredReplicaCount'),
		autoscalingMetricSpecs: set('autoscalingMetrics') ? metrics() : undefined,
		disableContainerLogging: set('disableContainerLogging') ? read.boolean(itemIndex, 'updateFields.disableContainerLogging') : undefined,
		apiVersion,
	};
	return { input, settings: waitSettings(read, itemIndex) };
}

/** Starts the change and, when asked, waits for it; the output is the deployed model as Vertex AI reports it after. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<MutateRequest>,
): Promise<INodeExecutionData[]> {
	const { input, settings } = request;
	const endpoint = client.endpointName(input.endpoint);
	const { operation, result } = await startOrResumeOperation(this, client, settings, MUTATE_DEPLOYED_MODEL, signal, () =>
		client.mutateDeployedModel(input, { signal }),
	);
	return [
		outputItem(itemIndex, {
			endpoint,
			endpointId: resourceId(endpoint),
			deployedModelId: input.deployedModelId,
			deployedModel: (result ?? null) as never,
			...operationFields(operation),
		}),
	];
}
