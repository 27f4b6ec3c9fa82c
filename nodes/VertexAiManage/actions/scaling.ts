import type { INodeProperties } from 'n8n-workflow';

import { ACCELERATOR_TYPES, type AcceleratorType, type DeploymentResourcePoolInput } from '../../../lib';
import { autoscalingMetricsOf } from '../../shared/autoscaling';
import type { ParameterReader } from '../../shared/read';

/** Machines and replicas as the Deployment Resource Pool operations set them. */

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
export function dedicatedResourcesOf(
	read: ParameterReader,
	itemIndex: number,
	options: { spot?: boolean; autoscalingPath: string; v1Only?: boolean; previewPath?: string },
): DeploymentResourcePoolInput['dedicatedResources'] {
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
		autoscalingMetricSpecs: nonEmpty(autoscalingMetricsOf(read, itemIndex, options.autoscalingPath, { v1Only: options.v1Only ?? true, previewPath: options.previewPath })),
	};
}

/** A list, or undefined for none (Vertex AI's defaults apply). */
function nonEmpty<T>(list: T[]): T[] | undefined {
	return list.length > 0 ? list : undefined;
}
