import type { INodeProperties } from 'n8n-workflow';

import { ACCELERATOR_TYPES, AUTOSCALING_METRICS, SCALE_TO_ZERO_PERIOD_SECONDS } from '../../lib';
import {
	endpointLocator,
	fromIncomingItem,
	modelLocator,
	trafficSplitProperty,
	wiringNotice,
} from '../shared/parameters';
import { resumeOperationOption, waitParameters } from '../shared/operation';
import { additionalFieldsOption } from '../shared/requestFields';
import { USE_PREVIEW_API_LABEL, usePreviewApiProperty } from '../shared/preview';
import { requiredReplicasOption, reservationOptions } from '../shared/reservations';
import { autoscalingMetricsProperty } from '../shared/autoscaling';

/** The parameters of Vertex AI Deploy Model. */

const CPU_UTILIZATION = AUTOSCALING_METRICS.cpuUtilization;
/** The scale-to-zero periods, which Vertex takes in seconds, asked in whole minutes. */
const SCALE_TO_ZERO_MINUTES = {
	minValue: SCALE_TO_ZERO_PERIOD_SECONDS.min / 60,
	maxValue: SCALE_TO_ZERO_PERIOD_SECONDS.max / 60,
	numberPrecision: 0,
};

export const IF_DEPLOYED_LABEL = 'If This Model Is Already Deployed on the Endpoint';

/**
 * What the rollout options say of themselves. As Google's preview client sends them, they go instead of the machines:
 * the new deployment takes those of the deployed model it replaces.
 */
const ROLLOUT = `Rollout option (preview, needs "${USE_PREVIEW_API_LABEL}"; sent instead of the machines, which come from the Previous Deployed Model)`;

/** Shows a parameter only for machines dedicated to the model (not a deployment resource pool). */
const DEDICATED = { resources: ['dedicated'] };

export const properties: INodeProperties[] = [
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
		displayName: 'Machines',
		name: 'resources',
		type: 'options',
		options: [
			{ name: 'Dedicated to This Model', value: 'dedicated', description: 'Machines of the type below, for this deployment only' },
			{
				name: 'Deployment Resource Pool',
				value: 'pool',
				description: "A pool's machines, shared with the other models deployed to it (the pool sets machine type, accelerators and replicas)",
			},
		],
		default: 'dedicated',
		description: 'Where the model runs',
	},
	{
		displayName: 'Deployment Resource Pool',
		name: 'deploymentResourcePool',
		type: 'string',
		default: '',
		placeholder: 'e.g. my-pool',
		description: "The pool's ID, or projects/{project}/locations/{location}/deploymentResourcePools/{ID}, in the credential's location",
		displayOptions: { show: { resources: ['pool'] } },
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
		displayOptions: { show: DEDICATED },
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
		displayOptions: { show: DEDICATED },
	},
	{
		displayName: 'Accelerator Count',
		name: 'acceleratorCount',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description: 'Number of accelerators per replica',
		displayOptions: { show: DEDICATED, hide: { acceleratorType: ['none'] } },
	},
	{
		displayName: 'Min Replicas',
		name: 'minReplicaCount',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 1,
		description: `Replicas that always run (and are always billed). 0 scales to zero when idle: a preview feature that needs "${USE_PREVIEW_API_LABEL}".`,
		displayOptions: { show: DEDICATED },
	},
	{
		displayName: 'Max Replicas',
		name: 'maxReplicaCount',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description: 'Upper bound for autoscaling; equal to Min Replicas means no autoscaling',
		displayOptions: { show: DEDICATED },
	},
	{
		...autoscalingMetricsProperty(
			'What autoscaling between Min and Max Replicas follows, each metric with its target per replica: Vertex AI adds replicas when any metric is above its target. Without any: CPU (and GPU duty cycle with accelerators) at 60 %.',
		),
		displayOptions: { show: DEDICATED },
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
	usePreviewApiProperty('scale to zero (Min Replicas 0), the Pub/Sub backlog metric and rollout options'),
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
					{ name: 'GPU Duty Cycle', value: AUTOSCALING_METRICS.acceleratorDutyCycle },
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
			additionalFieldsOption('DeployModelRequest', '{"deployedModel": {"enableContainerLogging": true}}'),
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
				displayName: 'Fast Try-Out',
				name: 'fastTryout',
				type: 'boolean',
				default: false,
				description: 'Whether to deploy faster on best-effort capacity, for trying a model out (not for production)',
			},
			{
				displayName: 'GPU Partition Size',
				name: 'gpuPartitionSize',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1g.10gb',
				description: 'Run on a slice of a GPU (a NVIDIA multi-instance GPU profile) instead of whole GPUs',
			},
			{
				displayName: 'Idle Time Before Scaling to Zero (Minutes)',
				name: 'idleScaledownMinutes',
				type: 'number',
				typeOptions: SCALE_TO_ZERO_MINUTES,
				default: 60,
				description: `With Min Replicas 0 (preview, needs "${USE_PREVIEW_API_LABEL}"): minutes without traffic before the last replica stops`,
			},
			{
				displayName: 'Max Surge Percentage',
				name: 'maxSurgePercentage',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
				default: 10,
				description: `${ROLLOUT}: extra replicas allowed while rolling out, as a percentage of the current ones (or Max Surge Replicas, not both)`,
			},
			{
				displayName: 'Max Surge Replicas',
				name: 'maxSurgeReplicas',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 1,
				description: `${ROLLOUT}: extra replicas allowed while the deployment rolls out (or Max Surge Percentage, not both)`,
			},
			{
				displayName: 'Max Unavailable Percentage',
				name: 'maxUnavailablePercentage',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
				default: 0,
				description: `${ROLLOUT}: replicas that may be unavailable while rolling out, as a percentage (or Max Unavailable Replicas, not both)`,
			},
			{
				displayName: 'Max Unavailable Replicas',
				name: 'maxUnavailableReplicas',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 0,
				description: `${ROLLOUT}: replicas that may be unavailable while the deployment rolls out (or Max Unavailable Percentage, not both)`,
			},
			{
				displayName: 'Min Time Scaled Up (Minutes)',
				name: 'minScaleupMinutes',
				type: 'number',
				typeOptions: SCALE_TO_ZERO_MINUTES,
				default: 60,
				description: `With Min Replicas 0 (preview, needs "${USE_PREVIEW_API_LABEL}"): minutes a scaled-up deployment stays up before it may scale to zero`,
			},
			{
				displayName: 'Previous Deployed Model',
				name: 'previousDeployedModel',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1234567890123456789',
				description: `${ROLLOUT}: the ID of the deployed model this one replaces`,
			},
			requiredReplicasOption,
			...reservationOptions,
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
			{
				displayName: 'TPU Topology',
				name: 'tpuTopology',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2x2',
				description: 'Chips per dimension of a multi-host TPU slice',
			},
		],
	},
];
