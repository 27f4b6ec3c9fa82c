import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	ACCELERATOR_TYPES,
	DEPLOY_MODEL,
	deploymentStageOf,
	resourceId,
	SERVICE_ACCOUNT_EMAIL,
	type AcceleratorType,
	type DeployModelInput,
	type IfDeployed,
	type TrafficRequest,
} from '../../lib';
import { nodeRun } from '../shared/client';
import { outputItem, withCarriedIds } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { nodeWaitOptions, operationFields, resumeOperationOption, startOrReuse, waitParameters, waitSettings } from '../shared/operation';
import {
	endpointLocator,
	fromIncomingItem,
	modelLocator,
	modelOfItem,
	trafficSplitOf,
	trafficSplitProperty,
	wiringNotice,
} from '../shared/parameters';
import type { ParameterReader } from '../shared/read';

const CPU_UTILIZATION = 'aiplatform.googleapis.com/prediction/online/cpu/utilization';

/** Core field paths to the parameters that set them, for the core's validation errors. */
const CORE_FIELDS: Record<string, string> = {
	endpoint: 'endpoint',
	model: 'model',
	ifDeployed: 'ifDeployed',
	'deployedModel.displayName': 'deployedModelDisplayName',
	'deployedModel.serviceAccount': 'options.serviceAccount',
	'deployedModel.dedicatedResources.machineSpec.machineType': 'machineType',
	'deployedModel.dedicatedResources.machineSpec.acceleratorType': 'acceleratorType',
	'deployedModel.dedicatedResources.machineSpec.acceleratorCount': 'acceleratorCount',
	'deployedModel.dedicatedResources.minReplicaCount': 'minReplicaCount',
	'deployedModel.dedicatedResources.maxReplicaCount': 'maxReplicaCount',
	'deployedModel.dedicatedResources.autoscalingMetricSpecs': 'options.autoscalingTarget',
	trafficPercentage: 'trafficPercentage',
	trafficSplit: 'trafficSplit',
	resumeOperation: 'options.resumeOperationName',
};

/** Compute Engine machine types: n1-standard-4, g2-standard-12, a3-highgpu-8g, ct5lp-hightpu-4t... */
const MACHINE_TYPE = /^[a-z0-9]+(-[a-z0-9]+)+$/;

const IF_DEPLOYED_LABEL = 'If This Model Is Already Deployed on the Endpoint';

const properties: INodeProperties[] = [
	fromIncomingItem(endpointLocator, 'endpointId'),
	fromIncomingItem(modelLocator, 'modelId'),
	wiringNotice(
		'model',
		'modelId',
		'By default Endpoint and Model are the endpointId and modelId of the incoming item: Upload Model outputs the model, Create Dedicated Endpoint the endpoint and carries the model on. A new Model ID in Upload Model is deployed with no change here. Pick From List to always deploy one model.',
	),
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
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description: 'Number of accelerators per replica',
		displayOptions: { hide: { acceleratorType: ['none'] } },
	},
	{
		displayName: 'Min Replicas',
		name: 'minReplicaCount',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description: 'Replicas that always run (and are always billed)',
	},
	{
		displayName: 'Max Replicas',
		name: 'maxReplicaCount',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
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
		typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
		default: 100,
		description: 'Share of the traffic for the model being deployed; 100 moves all traffic to it',
		displayOptions: { show: { trafficMode: ['percentage'] } },
	},
	{
		...trafficSplitProperty('Shares that add up to 100; deployed model ID 0 stands for the model being deployed', {
			displayName: 'Deployed Model ID',
			name: 'deployedModelId',
			type: 'string',
			default: '0',
			description: 'ID of a model already deployed on the endpoint, or 0 for the model being deployed',
		}),
		default: { share: [{ deployedModelId: '0', percent: 100 }] },
		displayOptions: { show: { trafficMode: ['split'] } },
	},
	// Vertex AI allows a model server up to 2 hours to become healthy, after the machines are provisioned.
	...waitParameters(120, 'options'),
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
				typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
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
			resumeOperationOption,
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
];

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
		properties,
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { read, runItems } = nodeRun(this, properties, CORE_FIELDS);
		/** Everything an item deploys, checked (before any item sends a request, and again when it runs). */
		const prepare = (i: number) => {
			const endpoint = read.locator(i, 'endpoint');
			const model = modelOfItem(read, i);
			const settings = waitSettings(read, i);
			const ifDeployed = read.option<IfDeployed>(i, 'ifDeployed');
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
			return { endpoint, model, settings, ifDeployed, request: deployRequest(read, i, endpoint, model, trafficOf(read, i)) };
		};
		return await runItems(
			async (i, signal, client) => {
				const { endpoint, model, settings, ifDeployed, request } = prepare(i);
				const names = { endpoint: client.endpointName(endpoint), model: client.modelName(model) };
				const item = (ids: IDataObject, rest: IDataObject) => [outputItem(i, withCarriedIds(this, i, ids, rest))];

				const { operation, result, existing } = await startOrReuse(this, client, settings, DEPLOY_MODEL, signal, () =>
					client.deployModel({ ...request, ifDeployed }, { signal }),
				);
				if (existing) {
					const { deployedModel, endpoint: after } = existing;
					return item(deployIds(deployedModel.id ?? null, after.name, deployedModel.model ?? names.model, deployedModel.modelVersionId ?? null), {
						trafficSplit: (after.trafficSplit ?? {}) as IDataObject,
						reused: true,
						undeployedModelIds: [],
						deploymentStage: null,
						...operationFields(undefined),
					});
				}
				const stage = (operation && deploymentStageOf(operation)) ?? null;
				if (!result) {
					// The same fields as a finished deploy, null where only the finished operation tells.
					return item(deployIds(null, names.endpoint, names.model, null), {
						trafficSplit: null,
						reused: false,
						undeployedModelIds: [],
						deploymentStage: stage,
						...operationFields(operation),
					});
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
				return item(deployIds(result.deployedModelId, after.name, result.model || names.model, result.modelVersionId ?? null), {
					trafficSplit: (after.trafficSplit ?? {}) as IDataObject,
					reused: false,
					undeployedModelIds: undeployed,
					deploymentStage: stage,
					...operationFields(operation),
				});
			},
			{ prepare },
		);
	}
}

/** The traffic the user asked for: a percentage for the new deployment, or an explicit split. */
function trafficOf(read: ParameterReader, i: number): TrafficRequest {
	if (read.option(i, 'trafficMode') === 'split') return { trafficSplit: trafficSplitOf(read, i, { newModel: true }) };
	return { trafficPercentage: read.number(i, 'trafficPercentage') };
}

/** Parameters of one item to the core's deploy input, every one checked. */
function deployRequest(read: ParameterReader, i: number, endpoint: string, model: string, traffic: TrafficRequest): DeployModelInput {
	const acceleratorType = read.option(i, 'acceleratorType');
	const minReplicaCount = read.number(i, 'minReplicaCount');
	const maxReplicaCount = read.number(i, 'maxReplicaCount');
	if (maxReplicaCount < minReplicaCount) {
		throw read.error(i, 'maxReplicaCount', `"Max Replicas" (${maxReplicaCount}) must be at least "Min Replicas" (${minReplicaCount}).`);
	}
	return {
		endpoint,
		model,
		deployedModel: {
			displayName: read.text(i, 'deployedModelDisplayName', { maxLength: 128 }) || undefined,
			serviceAccount: read.text(i, 'options.serviceAccount', { pattern: SERVICE_ACCOUNT_EMAIL.pattern, rule: SERVICE_ACCOUNT_EMAIL.rule }) || undefined,
			enableAccessLogging: read.boolean(i, 'options.enableAccessLogging') || undefined,
			disableContainerLogging: read.boolean(i, 'options.disableContainerLogging') || undefined,
			dedicatedResources: {
				machineSpec: {
					machineType: read.text(i, 'machineType', {
						required: true,
						pattern: MACHINE_TYPE,
						rule: 'a Compute Engine machine type such as n1-standard-4 or g2-standard-12',
					}),
					...(acceleratorType === 'none'
						? {}
						: { acceleratorType: acceleratorType as AcceleratorType, acceleratorCount: read.number(i, 'acceleratorCount') }),
				},
				minReplicaCount,
				maxReplicaCount,
				spot: read.boolean(i, 'options.spot') || undefined,
				autoscalingMetricSpecs: autoscalingOf(read, i),
			},
		},
		...traffic,
	};
}

/** Autoscaling as soon as either option is added: a metric alone uses the target's default of 60. */
function autoscalingOf(read: ParameterReader, i: number) {
	if (!read.isSet(i, 'options.autoscalingMetric') && !read.isSet(i, 'options.autoscalingTarget')) return undefined;
	return [{ metricName: read.option(i, 'options.autoscalingMetric'), target: read.number(i, 'options.autoscalingTarget') }];
}

/**
 * The ids a deploy outputs first: the deployed model's, then the endpoint's and the model's (bare ids, then full names),
 * named as the Create and Upload nodes name them, so the nodes after it find them where they look.
 */
function deployIds(deployedModelId: string | null, endpoint: string, model: string, modelVersionId: string | null): IDataObject {
	return {
		deployedModelId,
		endpointId: resourceId(endpoint),
		modelId: resourceId(model),
		modelVersionId,
		endpoint,
		model: model.split('@')[0],
	};
}
