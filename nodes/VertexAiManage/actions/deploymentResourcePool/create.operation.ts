import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { CREATE_DEPLOYMENT_RESOURCE_POOL, POOL_ID, SERVICE_ACCOUNT_EMAIL, type CreateDeploymentResourcePoolInput, type IfExists } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrReuse, waitParameters, waitSettings, type WaitSettings } from '../../../shared/operation';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';
import { autoscalingMetricsProperty } from '../../../shared/autoscaling';
import { apiVersionOf, usePreviewApiProperty } from '../../../shared/preview';
import { additionalFieldsOf, additionalFieldsOption } from '../../../shared/requestFields';
import { requiredReplicasOption, reservationOptions, reservationOf } from '../../../shared/reservations';
import { dedicatedResourcesOf, machineProperties } from '../scaling';
import { poolJson } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Pool ID',
		name: 'deploymentResourcePoolId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. gpu-pool-1',
		description: `The ID of the new pool, the last part of its name: ${POOL_ID.rule}`,
	},
	...machineProperties,
	...waitParameters(30),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			additionalFieldsOption('DeploymentResourcePool', '{"encryptionSpec": {"kmsKeyName": "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k"}}'),
			autoscalingMetricsProperty('The metrics the pool\'s replicas scale on, each with its target (Vertex AI\'s default: CPU, and the accelerators\' duty cycle, at 60%)'),
			{
				displayName: 'Disable Container Logging',
				name: 'disableContainerLogging',
				type: 'boolean',
				default: false,
				description: "Whether to keep the containers' stdout and stderr out of Cloud Logging",
			},
			{
				displayName: 'If the Pool ID Exists',
				name: 'ifExists',
				type: 'options',
				options: [
					{ name: 'Fail', value: 'fail' },
					{ name: 'Use the Existing Pool', value: 'use', description: 'Output the existing pool as it is, creating nothing' },
				],
				default: 'fail',
			},
			requiredReplicasOption,
			...reservationOptions,
			{
				displayName: 'Service Account',
				name: 'serviceAccount',
				type: 'string',
				default: '',
				placeholder: 'e.g. serving@my-project.iam.gserviceaccount.com',
				description: "The service account the pool's containers run as; deploying to the pool needs iam.serviceAccounts.actAs on it",
			},
			{
				displayName: 'Spot VMs',
				name: 'spot',
				type: 'boolean',
				default: false,
				description: 'Whether to run the replicas on Spot VMs (cheaper, can be taken back at any time)',
			},
			usePreviewApiProperty('the Pub/Sub backlog metric and preview-only fields given in Additional Fields (JSON), such as multihost GPU nodes or flex start,'),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['deploymentResourcePool'], operation: ['create'] } }, properties);

export const coreFields: Record<string, string> = {
	deploymentResourcePoolId: 'deploymentResourcePoolId',
	'deploymentResourcePool.dedicatedResources.machineSpec.machineType': 'machineType',
	'deploymentResourcePool.dedicatedResources.machineSpec.acceleratorType': 'acceleratorType',
	'deploymentResourcePool.dedicatedResources.machineSpec.acceleratorCount': 'acceleratorCount',
	'deploymentResourcePool.dedicatedResources.minReplicaCount': 'minReplicaCount',
	'deploymentResourcePool.dedicatedResources.maxReplicaCount': 'maxReplicaCount',
	'deploymentResourcePool.dedicatedResources.autoscalingMetricSpecs': 'options.autoscalingMetrics',
	'deploymentResourcePool.dedicatedResources.requiredReplicaCount': 'options.requiredReplicaCount',
	'deploymentResourcePool.dedicatedResources.machineSpec.reservationAffinity': 'options.reservationNames',
	'deploymentResourcePool.serviceAccount': 'options.serviceAccount',
	additionalFields: 'options.additionalFields',
	apiVersion: 'options.usePreviewApi',
};

interface CreatePoolRequest {
	input: CreateDeploymentResourcePoolInput;
	settings: WaitSettings;
}

/** The pool's id, machines, replicas, reservations and options (Additional Fields under the named ones), and the wait. */
export function prepare(read: ParameterReader, itemIndex: number): CreatePoolRequest {
	const serviceAccount = read.text(itemIndex, 'options.serviceAccount', SERVICE_ACCOUNT_EMAIL);
	const apiVersion = apiVersionOf(read, itemIndex, 'options.usePreviewApi');
	const machines = dedicatedResourcesOf(read, itemIndex, {
		spot: read.boolean(itemIndex, 'options.spot'),
		autoscalingPath: 'options.autoscalingMetrics',
		v1Only: apiVersion === 'v1',
		previewPath: 'options.usePreviewApi',
	});
	return {
		input: {
			deploymentResourcePoolId: read.text(itemIndex, 'deploymentResourcePoolId', { required: true, ...POOL_ID }),
			deploymentResourcePool: {
				dedicatedResources: {
					...machines,
					machineSpec: { ...machines.machineSpec, reservationAffinity: reservationOf(read, itemIndex) },
					requiredReplicaCount: read.optionalNumber(itemIndex, 'options.requiredReplicaCount'),
				},
				...(serviceAccount ? { serviceAccount } : {}),
				...(read.boolean(itemIndex, 'options.disableContainerLogging') ? { disableContainerLogging: true } : {}),
			},
			ifExists: read.option<IfExists>(itemIndex, 'options.ifExists'),
			additionalFields: additionalFieldsOf(read, itemIndex),
			apiVersion,
		},
		settings: waitSettings(read, itemIndex),
	};
}

/** Creates the pool (or finds it, for Use the Existing Pool) and, when asked, waits; the output is the pool. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<CreatePoolRequest>,
): Promise<INodeExecutionData[]> {
	const { input, settings } = request;
	const { operation, result, existing } = await startOrReuse(this, client, settings, CREATE_DEPLOYMENT_RESOURCE_POOL, signal, () =>
		client.createDeploymentResourcePool(input, { signal }),
	);
	const pool = result ?? existing;
	const name = client.deploymentResourcePoolName(input.deploymentResourcePoolId);
	return [
		outputItem(itemIndex, {
			...(pool ? poolJson(pool) : { name, deploymentResourcePoolId: input.deploymentResourcePoolId }),
			existed: existing !== undefined,
			...operationFields(operation),
		}),
	];
}
