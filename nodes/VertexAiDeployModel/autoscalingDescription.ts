import type { INodeProperties } from 'n8n-workflow';

import { AUTOSCALING_METRICS } from '../../lib';

/** Shows a parameter only for machines dedicated to the model (not a deployment resource pool). */
export const DEDICATED = { resources: ['dedicated'] };

/** Autoscaling metrics by what the editor calls them; "custom" takes any Cloud Monitoring metric type. */
const METRIC_PRESETS = [
	{ name: 'CPU Utilization (%)', value: AUTOSCALING_METRICS.cpuUtilization },
	{ name: 'GPU Duty Cycle (%)', value: AUTOSCALING_METRICS.acceleratorDutyCycle },
	{ name: 'Request Count (Per Replica per Minute)', value: AUTOSCALING_METRICS.requestCount },
	{ name: 'vLLM GPU KV Cache Usage (%)', value: AUTOSCALING_METRICS.vllmGpuCacheUsage },
	{ name: 'vLLM Requests Waiting (Per Replica)', value: AUTOSCALING_METRICS.vllmRequestsWaiting },
	{ name: 'DCGM GPU Utilization (%)', value: AUTOSCALING_METRICS.dcgmGpuUtilization },
	{ name: 'Pub/Sub Backlog (Undelivered Messages, Preview)', value: AUTOSCALING_METRICS.pubsubBacklog },
	{ name: 'Custom Metric', value: 'custom' },
];

/** Deploy Model's Autoscaling Metrics: several Cloud Monitoring metrics, each with its target. */
export const autoscalingMetricsProperty: INodeProperties = {
	displayName: 'Autoscaling Metrics',
	name: 'autoscalingMetrics',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Metric',
	default: {},
	description:
		'What autoscaling between Min and Max Replicas follows, each metric with its target per replica: Vertex AI adds replicas when any metric is above its target. Without any: CPU (and GPU duty cycle with accelerators) at 60 %.',
	displayOptions: { show: DEDICATED },
	options: [
		{
			displayName: 'Metric',
			name: 'metric',
			values: [
				{
					displayName: 'Metric',
					name: 'metric',
					type: 'options',
					options: METRIC_PRESETS,
					default: 'aiplatform.googleapis.com/prediction/online/cpu/utilization',
					description: 'What to scale on; Custom Metric takes any Cloud Monitoring metric type',
				},
				{
					displayName: 'Metric Name',
					name: 'customMetricName',
					type: 'string',
					default: '',
					placeholder: 'e.g. prometheus.googleapis.com/vertex_vllm_num_requests_waiting',
					description: 'For Custom Metric: the Cloud Monitoring metric type',
				},
				{
					displayName: 'Subscription ID',
					name: 'subscriptionId',
					type: 'string',
					default: '',
					placeholder: 'e.g. requests-sub',
					description: 'For the Pub/Sub backlog: the subscription whose undelivered messages are counted',
				},
				{
					displayName: 'Subscription Project',
					name: 'subscriptionProject',
					type: 'string',
					default: '',
					placeholder: 'e.g. my-project',
					description: "For the Pub/Sub backlog: the subscription's project, sent as the project_id label (empty: only subscription_id is sent)",
				},
				{
					displayName: 'Target',
					name: 'target',
					type: 'number',
					typeOptions: { minValue: 1, numberPrecision: 0 },
					default: 60,
					description: 'Per replica: a percentage (1 to 100) for the % metrics, else a count',
				},
			],
		},
	],
};
