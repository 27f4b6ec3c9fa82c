import type { INodeProperties } from 'n8n-workflow';

import { AUTOSCALING_METRICS, MONITORING_METRIC_TYPE, PROJECT, PUBSUB_SUBSCRIPTION_ID } from '../../lib';
import { checkedChoice } from './checks';
import type { ParameterReader } from './read';

/** "Autoscaling Metrics" as Deploy Model and Manage (deployed model, deployment resource pool) set it. */

const CUSTOM = 'custom';

/** One autoscalingMetricSpecs entry as Vertex AI takes it. */
export interface AutoscalingMetricSpec {
	metricName: string;
	target: number;
	monitoredResourceLabels?: Record<string, string>;
}

/** Autoscaling metrics by what the editor calls them; "custom" takes any Cloud Monitoring metric type. */
const METRIC_PRESETS = [
	{ name: 'CPU Utilization (%)', value: AUTOSCALING_METRICS.cpuUtilization },
	{ name: 'GPU Duty Cycle (%)', value: AUTOSCALING_METRICS.acceleratorDutyCycle },
	{ name: 'Request Count (Per Replica per Minute)', value: AUTOSCALING_METRICS.requestCount },
	{ name: 'vLLM GPU KV Cache Usage (%)', value: AUTOSCALING_METRICS.vllmGpuCacheUsage },
	{ name: 'vLLM Requests Waiting (Per Replica)', value: AUTOSCALING_METRICS.vllmRequestsWaiting },
	{ name: 'DCGM GPU Utilization (%)', value: AUTOSCALING_METRICS.dcgmGpuUtilization },
	{ name: 'Pub/Sub Backlog (Undelivered Messages, Preview)', value: AUTOSCALING_METRICS.pubsubBacklog },
	{ name: 'Custom Metric', value: CUSTOM },
];

const FOR_CUSTOM = { show: { metric: [CUSTOM] } };
const FOR_PUBSUB = { show: { metric: [AUTOSCALING_METRICS.pubsubBacklog] } };

/** The "Autoscaling Metrics" parameter: several Cloud Monitoring metrics, each with its target per replica. */
export function autoscalingMetricsProperty(description: string): INodeProperties {
	return {
		displayName: 'Autoscaling Metrics',
		name: 'autoscalingMetrics',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Metric',
		default: {},
		description,
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
						// A literal: n8n's lint rule reads the default as written.
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
						displayOptions: FOR_CUSTOM,
					},
					{
						displayName: 'Subscription ID',
						name: 'subscriptionId',
						type: 'string',
						default: '',
						placeholder: 'e.g. requests-sub',
						description: 'For the Pub/Sub backlog: the subscription whose undelivered messages are counted',
						displayOptions: FOR_PUBSUB,
					},
					{
						displayName: 'Subscription Project',
						name: 'subscriptionProject',
						type: 'string',
						default: '',
						placeholder: 'e.g. my-project',
						description: "For the Pub/Sub backlog: the subscription's project, sent as the project_id label (empty: only subscription_id is sent)",
						displayOptions: FOR_PUBSUB,
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
}

/**
 * The "Autoscaling Metrics" rows at `path` (e.g. `updateFields.autoscalingMetrics`) as autoscalingMetricSpecs, each
 * metric named once; empty for no rows. `v1Only`: the request goes to the v1 API, which has no subscription labels, so
 * the Pub/Sub backlog is refused here, naming `previewPath` (the node's preview API switch) when the node has one
 * (Deploy Model leaves that to the core, which names its preview API choice).
 */
export function autoscalingMetricsOf(
	read: ParameterReader,
	itemIndex: number,
	path: string,
	options: { v1Only?: boolean; previewPath?: string } = {},
): AutoscalingMetricSpec[] {
	const specs: AutoscalingMetricSpec[] = [];
	const row = `${path}.metric`;
	for (const given of read.rows(itemIndex, row)) {
		const preset = read.accepted(itemIndex, `${row}.metric`, checkedChoice(given.metric ?? AUTOSCALING_METRICS.cpuUtilization, read.allowedValues(`${row}.metric`)));
		const custom = preset === CUSTOM;
		const pubsub = preset === AUTOSCALING_METRICS.pubsubBacklog;
		// n8n leaves out the fields the chosen metric hides: each one given is checked.
		const customName = read.checkText(itemIndex, `${row}.customMetricName`, given.customMetricName, {
			required: custom,
			pattern: MONITORING_METRIC_TYPE.pattern,
			rule: MONITORING_METRIC_TYPE.rule,
		});
		const target = read.checkNumber(itemIndex, `${row}.target`, given.target);
		const subscription = read.checkText(itemIndex, `${row}.subscriptionId`, given.subscriptionId, {
			required: pubsub,
			pattern: PUBSUB_SUBSCRIPTION_ID.pattern,
			rule: PUBSUB_SUBSCRIPTION_ID.rule,
		});
		const project = read.checkText(itemIndex, `${row}.subscriptionProject`, given.subscriptionProject, PROJECT);
		const metricName = custom ? customName : preset;
		if (pubsub && options.v1Only) {
			throw read.error(
				itemIndex,
				`${row}.metric`,
				`${read.where(`${row}.metric`)}: the Pub/Sub backlog needs Vertex AI's preview API (v1beta1)${
					options.previewPath ? `: turn on ${read.where(options.previewPath)}.` : ', which this operation does not call; choose another metric here.'
				}`,
			);
		}
		if (specs.some((spec) => spec.metricName === metricName)) {
			throw read.error(itemIndex, path, `${read.where(path)} names ${metricName} twice: Vertex AI takes one target per metric.`);
		}
		specs.push(
			pubsub
				? { metricName, target, monitoredResourceLabels: { ...(project ? { project_id: project } : {}), subscription_id: subscription } }
				: { metricName, target },
		);
	}
	return specs;
}
