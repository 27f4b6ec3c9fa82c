import type { INodeProperties } from 'n8n-workflow';

import { ACCELERATOR_TYPES, type AcceleratorType, type DeploymentResourcePoolInput } from '../../../lib';
import type { ParameterReader } from '../../shared/read';

/** Machines, replicas and autoscaling metrics as the Deployed Model and Deployment Resource Pool operations set them. */

const METRIC_PREFIX = 'aiplatform.googleapis.com/prediction/online/';

/** The metrics AutoscalingMetricSpec lists in the v1 proto, and a name of one's own. */
const METRIC_PRESETS = [
	{ name: 'CPU Utilization', value: `${METRIC_PREFIX}cpu/utilization`, description: 'Percent of CPU in use' },
	{ name: 'GPU Duty Cycle', value: `${METRIC_PREFIX}accelerator/duty_cycle`, description: 'Percent of time the accelerators are busy' },
	{ name: 'Request Count', value: `${METRIC_PREFIX}request_count`, description: 'Requests per replica the target keeps' },
	{ name: 'Custom Metric Name', value: 'custom', description: 'Another metric Vertex AI autoscales on: give its full name' },
];

/** A metric name as Vertex AI names them: a domain, then a path. */
const METRIC_NAME = /^[a-z0-9.-]+\.[a-z]{2,}\/[A-Za-z0-9_./-]+$/;
const METRIC_NAME_RULE = 'a full metric name such as aiplatform.googleapis.com/prediction/online/request_count';

/** "Autoscaling Metrics": one row per metric with its target; Vertex allows one entry per metric. */
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
						name: 'metricName',
						type: 'options',
						options: METRIC_PRESETS,
						default: `${METRIC_PREFIX}cpu/utilization`,
						description: 'What Vertex AI scales the replicas on',
					},
					{
						displayName: 'Custom Metric Name',
						name: 'customMetricName',
						type: 'string',
						default: '',
						placeholder: 'e.g. aiplatform.googleapis.com/prediction/online/request_count',
						description: 'The full name of the metric, for Custom Metric Name',
						displayOptions: { show: { metricName: ['custom'] } },
					},
					{
						displayName: 'Target',
						name: 'target',
						type: 'number',
						typeOptions: { minValue: 1, numberPrecision: 0 },
						default: 60,
						description: 'The value Vertex AI keeps the metric at: a percentage for utilization and duty cycle, requests per replica for the request count',
					},
				],
			},
		],
	};
}

/** The "Autoscaling Metrics" rows at `path` as Vertex's autoscalingMetricSpecs, each named once; undefined for none. */
export function autoscalingMetricsOf(read: ParameterReader, itemIndex: number, path: string): Array<{ metricName: string; target: number }> | undefined {
	const specs: Array<{ metricName: string; target: number }> = [];
	for (const row of read.rows(itemIndex, `${path}.metric`)) {
		const chosen = read.checkText(itemIndex, `${path}.metric.metricName`, row.metricName, { required: true });
		const metricName =
			chosen === 'custom'
				? read.checkText(itemIndex, `${path}.metric.customMetricName`, row.customMetricName, { required: true, pattern: METRIC_NAME, rule: METRIC_NAME_RULE })
				: chosen;
		if (chosen !== 'custom' && !METRIC_PRESETS.some((preset) => preset.value === chosen)) {
			throw read.error(itemIndex, `${path}.metric.metricName`, `${read.where(path)}: ${JSON.stringify(chosen)} is not one of the metrics listed; choose Custom Metric Name for another.`);
		}
		if (specs.some((spec) => spec.metricName === metricName)) {
			throw read.error(itemIndex, path, `${read.where(path)} names ${metricName} twice: Vertex AI takes one target per metric.`);
		}
		specs.push({ metricName, target: read.checkNumber(itemIndex, `${path}.metric.target`, row.target) });
	}
	return specs.length > 0 ? specs : undefined;
}

/** Machine type, accelerator and replica counts, for a pool's dedicated resources. */
export const machineProperties: INodeProperties[] = [
	{
		displayName: 'Machine Type',
		name: 'machineType',
		type: 'string',
		default: 'n1-standard-4',
		required: true,
		placeholder: 'e.g. g2-standard-12',
		description: "Compute Engine machine type of each replica; it must be offered for Vertex AI prediction in the credential's location",
	},
	{
		displayName: 'Accelerator Type',
		name: 'acceleratorType',
		type: 'options',
		options: [{ name: 'None', value: 'none' }, ...ACCELERATOR_TYPES.map((type) => ({ name: type, value: type }))],
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
];

/** The machine parameters of one item as dedicated resources (the core checks the machine type and the counts). */
export function dedicatedResourcesOf(read: ParameterReader, itemIndex: number, options: { spot?: boolean; autoscalingPath: string }): DeploymentResourcePoolInput['dedicatedResources'] {
	const acceleratorType = read.option(itemIndex, 'acceleratorType');
	return {
		machineSpec: {
			machineType: read.text(itemIndex, 'machineType', { required: true }),
			...(acceleratorType === 'none'
				? {}
				: { acceleratorType: acceleratorType as AcceleratorType, acceleratorCount: read.number(itemIndex, 'acceleratorCount') }),
		},
		minReplicaCount: read.number(itemIndex, 'minReplicaCount'),
		maxReplicaCount: read.number(itemIndex, 'maxReplicaCount'),
		...(options.spot ? { spot: true } : {}),
		autoscalingMetricSpecs: autoscalingMetricsOf(read, itemIndex, options.autoscalingPath),
	};
}
