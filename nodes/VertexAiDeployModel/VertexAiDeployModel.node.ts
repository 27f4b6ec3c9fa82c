import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { ACCELERATOR_TYPES } from '../../lib';
import { clientFromCredential } from '../shared/client';
import { outputItem, runForEachItem } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { operationFields, startOrResumeOperation } from '../shared/operation';
import {
	CREDENTIAL_TYPE,
	endpointLocator,
	modelLocator,
	waitParameters,
} from '../shared/parameters';

const parameterLabels: Record<string, string> = {
	endpoint: 'Endpoint',
	model: 'Model',
	'deployedModel.dedicatedResources.machineSpec.machineType': 'Machine Type',
	'deployedModel.dedicatedResources.machineSpec.acceleratorType': 'Accelerator Type',
	'deployedModel.dedicatedResources.machineSpec.acceleratorCount': 'Accelerator Count',
	'deployedModel.dedicatedResources.minReplicaCount': 'Min Replicas',
	'deployedModel.dedicatedResources.maxReplicaCount': 'Max Replicas',
	trafficPercentage: 'Traffic Percentage',
	trafficSplit: 'Traffic Split',
};

export class VertexAiDeployModel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Deploy Model',
		name: 'vertexAiDeployModel',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["machineType"]}}',
		description: 'Deploy a model to a Vertex AI endpoint on dedicated machines',
		defaults: { name: 'Vertex AI Deploy Model' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties: [
			endpointLocator,
			modelLocator,
			{
				displayName: 'Deployed Model Display Name',
				name: 'deployedModelDisplayName',
				type: 'string',
				default: '',
				description: "Defaults to the model's display name",
			},
			{
				displayName: 'Machine Type',
				name: 'machineType',
				type: 'string',
				default: 'n1-standard-4',
				required: true,
				placeholder: 'e.g. g2-standard-12',
			},
			{
				displayName: 'Accelerator Type',
				name: 'acceleratorType',
				type: 'options',
				options: [
					{ name: 'None', value: 'none' },
					...ACCELERATOR_TYPES.map((type) => ({ name: type, value: type })),
				],
				default: 'none',
			},
			{
				displayName: 'Accelerator Count',
				name: 'acceleratorCount',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				displayOptions: { hide: { acceleratorType: ['none'] } },
			},
			{
				displayName: 'Min Replicas',
				name: 'minReplicaCount',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
			},
			{
				displayName: 'Max Replicas',
				name: 'maxReplicaCount',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
			},
			{
				displayName: 'Traffic',
				name: 'trafficMode',
				type: 'options',
				options: [
					{
						name: 'Percentage for This Model',
						value: 'percentage',
						description: "The other deployed models' shares are scaled to make room",
					},
					{ name: 'Explicit Split', value: 'split', description: 'Give every deployed model its share' },
				],
				default: 'percentage',
			},
			{
				displayName: 'Traffic Percentage',
				name: 'trafficPercentage',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 100,
				displayOptions: { show: { trafficMode: ['percentage'] } },
			},
			{
				displayName: 'Traffic Split',
				name: 'trafficSplit',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Share',
				default: { share: [{ deployedModelId: '0', percent: 100 }] },
				description: 'Shares that add up to 100; deployed model ID 0 stands for the model being deployed',
				displayOptions: { show: { trafficMode: ['split'] } },
				options: [
					{
						displayName: 'Share',
						name: 'share',
						values: [
							{ displayName: 'Deployed Model ID', name: 'deployedModelId', type: 'string', default: '0' },
							{
								displayName: 'Percent',
								name: 'percent',
								type: 'number',
								typeOptions: { minValue: 0, maxValue: 100 },
								default: 0,
							},
						],
					},
				],
			},
			...waitParameters(60),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Autoscaling Metric',
						name: 'autoscalingMetric',
						type: 'options',
						options: [
							{ name: 'CPU Utilization', value: 'aiplatform.googleapis.com/prediction/online/cpu/utilization' },
							{
								name: 'GPU Duty Cycle',
								value: 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle',
							},
						],
						default: 'aiplatform.googleapis.com/prediction/online/cpu/utilization',
					},
					{
						displayName: 'Autoscaling Target (%)',
						name: 'autoscalingTarget',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 60,
					},
					{
						displayName: 'Disable Container Logging',
						name: 'disableContainerLogging',
						type: 'boolean',
						default: false,
						description: "Whether to stop sending the server's stdout and stderr to Cloud Logging",
					},
					{
						displayName: 'Enable Access Logging',
						name: 'enableAccessLogging',
						type: 'boolean',
						default: false,
						description: 'Whether to log every request to Cloud Logging',
					},
					{
						displayName: 'Service Account',
						name: 'serviceAccount',
						type: 'string',
						default: '',
						description: 'Service account the model server runs as',
					},
					{
						displayName: 'Spot VMs',
						name: 'spot',
						type: 'boolean',
						default: false,
						description: 'Whether to run on Spot VMs (cheaper, can be preempted)',
					},
				],
			},
		],
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = clientFromCredential(await this.getCredentials(CREDENTIAL_TYPE));
		const signal = this.getExecutionCancelSignal();
		return await runForEachItem(
			this,
			async (i) => {
				const param = <T>(name: string, fallback?: T) => this.getNodeParameter(name, i, fallback) as T;
				const endpoint = this.getNodeParameter('endpoint', i, undefined, { extractValue: true }) as string;
				const model = this.getNodeParameter('model', i, undefined, { extractValue: true }) as string;
				const options = param<IDataObject>('options', {});
				const acceleratorType = param<string>('acceleratorType', 'none');
				const trafficMode = param<string>('trafficMode', 'percentage');

				const operation = await startOrResumeOperation(this, i, client, async () =>
					client.deployModel(
						{
							endpoint,
							model,
							deployedModel: {
								displayName: param<string>('deployedModelDisplayName', '').trim() || undefined,
								serviceAccount: (options.serviceAccount as string) || undefined,
								enableAccessLogging: (options.enableAccessLogging as boolean) || undefined,
								disableContainerLogging: (options.disableContainerLogging as boolean) || undefined,
								dedicatedResources: {
									machineSpec: {
										machineType: param<string>('machineType').trim(),
										...(acceleratorType === 'none'
											? {}
											: { acceleratorType, acceleratorCount: param<number>('acceleratorCount', 1) }),
									},
									minReplicaCount: param<number>('minReplicaCount', 1),
									maxReplicaCount: param<number>('maxReplicaCount', 1),
									spot: (options.spot as boolean) || undefined,
									autoscalingMetricSpecs:
										options.autoscalingTarget !== undefined
											? [
													{
														metricName:
															(options.autoscalingMetric as string) ??
															'aiplatform.googleapis.com/prediction/online/cpu/utilization',
														target: options.autoscalingTarget as number,
													},
												]
											: undefined,
								},
							},
							...(trafficMode === 'split'
								? {
										trafficSplit: trafficSplitFrom(param<IDataObject>('trafficSplit', {})),
									}
								: { trafficPercentage: param<number>('trafficPercentage', 100) }),
						},
						signal,
					),
				);
				const fields = operationFields(operation);
				const stage = (operation?.metadata as { deploymentStage?: string } | undefined)?.deploymentStage;
				if (!operation?.done) return [outputItem(i, { ...fields, deploymentStage: stage ?? null })];

				const deployed = (operation.response as { deployedModel?: IDataObject } | undefined)?.deployedModel ?? {};
				const after = await client.getEndpoint(endpoint, signal);
				return [
					outputItem(i, {
						deployedModelId: (deployed.id as string) ?? null,
						endpoint: after.name,
						model: (deployed.model as string) ?? client.modelName(model),
						modelVersionId: (deployed.modelVersionId as string) ?? null,
						trafficSplit: (after.trafficSplit ?? {}) as IDataObject,
						deploymentStage: stage ?? null,
						...fields,
					}),
				];
			},
			{ parameterOf: (field) => parameterLabels[field] },
		);
	}
}

/** The Traffic Split rows to Vertex's map of deployed model id to percent ("0" is the model being deployed). */
function trafficSplitFrom(collection: IDataObject): Record<string, number> {
	const shares = (collection.share ?? []) as IDataObject[];
	return Object.fromEntries(shares.map((share) => [String(share.deployedModelId ?? '').trim(), Number(share.percent)]));
}
