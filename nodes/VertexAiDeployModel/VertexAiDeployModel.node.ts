import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	ACCELERATOR_TYPES,
	DEPLOY_MODEL,
	deploymentStageOf,
	IF_DEPLOYED,
	resourceId,
	type DeployedModel,
	type DeployModelInput,
	type Endpoint,
	type IfDeployed,
	type TrafficRequest,
} from '../../lib';
import { clientFromCredential } from '../shared/client';
import { outputItem, runForEachItem } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { nodeWaitOptions, operationFields, startOrResumeOperation, waitSettings } from '../shared/operation';
import {
	CREDENTIAL_TYPE,
	endpointLocator,
	modelLocator,
	modelOfItem,
	optionOf,
	waitParameters,
} from '../shared/parameters';

const CPU_UTILIZATION = 'aiplatform.googleapis.com/prediction/online/cpu/utilization';

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
		description:
			'Deploy a Vertex AI model to a dedicated endpoint on machines of your choice, and route a share of its traffic to it',
		defaults: { name: 'Vertex AI Deploy Model' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties: [
			endpointLocator,
			modelLocator,
			{
				displayName: IF_DEPLOYED_LABEL,
				name: 'ifDeployed',
				type: 'options',
				options: [
					{
						name: 'Use the Existing Deployment',
						value: 'use',
						description: 'Deploy nothing: output the deployment there, with the traffic below applied to it',
					},
					{
						name: 'Replace It',
						value: 'replace',
						description: 'Deploy a new copy, move the traffic, then undeploy the older copies (once the new one serves)',
					},
					{
						name: 'Deploy Another Copy',
						value: 'add',
						description: 'Always deploy, even if the same model version already runs there',
					},
				],
				default: 'use',
				description:
					'Whether a re-run starts another (billed) deployment. Same model means the same model ID and version: the version after @ in the model, else its default version.',
			},
			{
				displayName: 'Deployed Model Display Name',
				name: 'deployedModelDisplayName',
				type: 'string',
				default: '',
				description: "Name of this deployment as shown on the endpoint. Defaults to the model's display name.",
			},
			{
				displayName: 'Machine Type',
				name: 'machineType',
				type: 'string',
				default: 'n1-standard-4',
				required: true,
				placeholder: 'e.g. g2-standard-12',
				description:
					'Compute Engine machine type for each replica, e.g. n1-standard-4 for CPU serving, g2-standard-12 with one NVIDIA_L4 for a small LLM. Must be offered for Vertex AI prediction in the credential\'s location.',
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
				description: 'GPU or TPU type attached to each replica; it must be available for the machine type in the location',
			},
			{
				displayName: 'Accelerator Count',
				name: 'acceleratorCount',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description: 'Number of accelerators per replica',
				displayOptions: { hide: { acceleratorType: ['none'] } },
			},
			{
				displayName: 'Min Replicas',
				name: 'minReplicaCount',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description: 'Replicas that always run (and are always billed)',
			},
			{
				displayName: 'Max Replicas',
				name: 'maxReplicaCount',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description: 'Upper bound for autoscaling; equal to Min Replicas means no autoscaling',
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
				description: "How the endpoint's traffic is shared once this model is deployed",
			},
			{
				displayName: 'Traffic Percentage',
				name: 'trafficPercentage',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 100,
				description: 'Share of the traffic for the model being deployed; 100 moves all traffic to it',
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
							{
								displayName: 'Deployed Model ID',
								name: 'deployedModelId',
								type: 'string',
								default: '0',
								description: 'ID of a model already deployed on the endpoint, or 0 for the model being deployed',
							},
							{
								displayName: 'Percent',
								name: 'percent',
								type: 'number',
								typeOptions: { minValue: 0, maxValue: 100 },
								default: 0,
								description: 'Share of the traffic for this deployed model',
							},
						],
					},
				],
			},
			// Vertex AI allows a model server up to 2 hours to become healthy, after the machines are provisioned.
			...waitParameters(120),
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
							{ name: 'CPU Utilization', value: CPU_UTILIZATION },
							{
								name: 'GPU Duty Cycle',
								value: 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle',
							},
						],
						default: CPU_UTILIZATION,
						description: 'What autoscaling between Min and Max Replicas follows',
					},
					{
						displayName: 'Autoscaling Target (%)',
						name: 'autoscalingTarget',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 60,
						description: 'Utilization (in percent) of the autoscaling metric that Vertex AI keeps replicas at',
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
						placeholder: 'e.g. model-server@my-project.iam.gserviceaccount.com',
						description: "Service account the model server runs as; defaults to Vertex AI's service agent",
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
		return await runForEachItem(
			this,
			async (i, signal) => {
				const endpoint = this.getNodeParameter('endpoint', i, undefined, { extractValue: true }) as string;
				const model = modelOfItem(this, i);
				const settings = waitSettings(this, i, 120);
				const ifDeployed = optionOf<IfDeployed>(this, i, 'ifDeployed', IF_DEPLOYED, 'use', IF_DEPLOYED_LABEL);
				if (ifDeployed === 'replace' && settings.timeoutMs === undefined) {
					throw new NodeOperationError(
						this.getNode(),
						'"Replace It" needs "Wait for Completion": the older copies are undeployed only once the new one serves.',
						{
							itemIndex: i,
							description: `Check the parameter "Wait for Completion" (or "${IF_DEPLOYED_LABEL}"). Nothing was deployed.`,
						},
					);
				}
				const request = deployRequest(this, i, endpoint, model, trafficOf(this, i));
				const names = { endpoint: client.endpointName(endpoint), model: client.modelName(model) };

				let existing: { deployedModel: DeployedModel; endpoint: Endpoint } | undefined;
				const { operation, result } = await startOrResumeOperation(this, client, settings, DEPLOY_MODEL, signal, async () => {
					const deployed = await client.deployModel({ ...request, ifDeployed }, { signal });
					existing = deployed.existing;
					return deployed.operation;
				});
				if (existing) {
					const { deployedModel, endpoint: after } = existing;
					return [
						outputItem(i, {
							...resourceFields(after.name, deployedModel.model ?? names.model),
							deployedModelId: deployedModel.id ?? null,
							modelVersionId: deployedModel.modelVersionId ?? null,
							trafficSplit: (after.trafficSplit ?? {}) as IDataObject,
							reused: true,
							undeployedModelIds: [],
							deploymentStage: null,
							...operationFields(undefined),
						}),
					];
				}
				const stage = (operation && deploymentStageOf(operation)) ?? null;
				if (!result) {
					// The same fields as a finished deploy, null where only the finished operation tells.
					return [
						outputItem(i, {
							...resourceFields(names.endpoint, names.model),
							deployedModelId: null,
							modelVersionId: null,
							trafficSplit: null,
							reused: false,
							undeployedModelIds: [],
							deploymentStage: stage,
							...operationFields(operation),
						}),
					];
				}

				let undeployed: string[] = [];
				if (ifDeployed === 'replace') {
					// Found after the deploy, so a resumed deploy replaces the copies that were there before it too.
					const { copies } = await client.findDeployedCopies(endpoint, model, { signal });
					undeployed = copies.map((copy) => copy.id as string).filter((id) => id !== result.deployedModelId);
					await client.undeployModels(endpoint, undeployed, {
						...nodeWaitOptions(this, settings.timeoutMs as number, signal),
						heir: result.deployedModelId,
					});
				}
				const after = await client.getEndpoint(endpoint, { signal });
				return [
					outputItem(i, {
						...resourceFields(after.name, result.model || names.model),
						deployedModelId: result.deployedModelId,
						modelVersionId: result.modelVersionId ?? null,
						trafficSplit: (after.trafficSplit ?? {}) as IDataObject,
						reused: false,
						undeployedModelIds: undeployed,
						deploymentStage: stage,
						...operationFields(operation),
					}),
				];
			},
			{ parameterOf: (field) => parameterLabels[field] },
		);
	}
}

const IF_DEPLOYED_LABEL = 'If This Model Is Already Deployed on the Endpoint';

/** The traffic the user asked for: a percentage for the new deployment, or an explicit split. */
function trafficOf(ctx: IExecuteFunctions, i: number): TrafficRequest {
	if (optionOf(ctx, i, 'trafficMode', ['percentage', 'split'], 'percentage', 'Traffic') === 'split') {
		return { trafficSplit: trafficSplitFrom(ctx.getNodeParameter('trafficSplit', i, {}) as IDataObject) };
	}
	return { trafficPercentage: ctx.getNodeParameter('trafficPercentage', i, 100) as number };
}

/** Parameters of one item to the core's deploy input. */
function deployRequest(ctx: IExecuteFunctions, i: number, endpoint: string, model: string, traffic: TrafficRequest): DeployModelInput {
	const param = <T>(name: string, fallback?: T) => ctx.getNodeParameter(name, i, fallback) as T;
	const options = param<IDataObject>('options', {});
	const acceleratorType = param<string>('acceleratorType', 'none');
	return {
		endpoint,
		model,
		deployedModel: {
			displayName: String(param<string>('deployedModelDisplayName', '') ?? '').trim() || undefined,
			serviceAccount: (options.serviceAccount as string) || undefined,
			enableAccessLogging: (options.enableAccessLogging as boolean) || undefined,
			disableContainerLogging: (options.disableContainerLogging as boolean) || undefined,
			dedicatedResources: {
				machineSpec: {
					machineType: String(param<string>('machineType') ?? '').trim(),
					...(acceleratorType === 'none' ? {} : { acceleratorType, acceleratorCount: param<number>('acceleratorCount', 1) }),
				},
				minReplicaCount: param<number>('minReplicaCount', 1),
				maxReplicaCount: param<number>('maxReplicaCount', 1),
				spot: (options.spot as boolean) || undefined,
				autoscalingMetricSpecs: autoscalingFrom(options),
			},
		},
		...traffic,
	};
}

/** Autoscaling as soon as either option is added: a metric alone uses the target's default of 60. */
function autoscalingFrom(options: IDataObject) {
	if (options.autoscalingMetric === undefined && options.autoscalingTarget === undefined) return undefined;
	return [
		{
			metricName: (options.autoscalingMetric as string | undefined) ?? CPU_UTILIZATION,
			target: (options.autoscalingTarget as number | undefined) ?? 60,
		},
	];
}

/** Full names and bare ids of the endpoint and model, named as the Create and Upload nodes name them. */
function resourceFields(endpoint: string, model: string): IDataObject {
	return { endpoint, endpointId: resourceId(endpoint), model: model.split('@')[0], modelId: resourceId(model) };
}

/** The Traffic Split rows to Vertex's map of deployed model id to percent ("0" is the model being deployed). */
function trafficSplitFrom(collection: IDataObject): Record<string, number> {
	const shares = (collection.share ?? []) as IDataObject[];
	return Object.fromEntries(shares.map((share) => [String(share.deployedModelId ?? '').trim(), Number(share.percent)]));
}
