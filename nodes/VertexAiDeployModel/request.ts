import { NodeOperationError, type INode } from 'n8n-workflow';

import {
	DEPLOYED_MODEL_NUMBER,
	DEPLOYMENT_RESOURCE_POOL,
	DISPLAY_NAME_MAX_LENGTH,
	GPU_PARTITION_SIZE,
	MACHINE_TYPE,
	SERVICE_ACCOUNT_EMAIL,
	TPU_TOPOLOGY,
	type AcceleratorType,
	type DeployedModelInput,
	type DeployInput,
	type DeployModelInput,
	type IfDeployed,
	type TrafficRequest,
} from '../../lib';
import { autoscalingMetricsOf, type AutoscalingMetricSpec } from '../shared/autoscaling';
import { waitSettings, type WaitSettings } from '../shared/operation';
import { modelOfItem, trafficSplitOf } from '../shared/parameters';
import type { ParameterReader } from '../shared/read';
import { additionalFieldsOf } from '../shared/requestFields';
import { apiVersionOf } from '../shared/preview';
import { reservationOf } from '../shared/reservations';
import { IF_DEPLOYED_LABEL } from './description';

/** Core field paths to the parameters that set them, for the core's validation errors. */
export const CORE_FIELDS: Record<string, string> = {
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
	'deployedModel.dedicatedResources.autoscalingMetricSpecs': 'autoscalingMetrics',
	'deployedModel.dedicatedResources.requiredReplicaCount': 'options.requiredReplicaCount',
	'deployedModel.dedicatedResources.scaleToZeroSpec.idleScaledownPeriod': 'options.idleScaledownMinutes',
	'deployedModel.dedicatedResources.scaleToZeroSpec.minScaleupPeriod': 'options.minScaleupMinutes',
	'deployedModel.dedicatedResources.scaleToZeroSpec': 'options.idleScaledownMinutes',
	'deployedModel.dedicatedResources.machineSpec.reservationAffinity': 'options.reservationNames',
	'deployedModel.dedicatedResources.machineSpec.gpuPartitionSize': 'options.gpuPartitionSize',
	'deployedModel.dedicatedResources.machineSpec.tpuTopology': 'options.tpuTopology',
	'deployedModel.rolloutOptions.maxSurgeReplicas': 'options.maxSurgeReplicas',
	'deployedModel.rolloutOptions.maxSurgePercentage': 'options.maxSurgePercentage',
	'deployedModel.rolloutOptions.maxUnavailableReplicas': 'options.maxUnavailableReplicas',
	'deployedModel.rolloutOptions.maxUnavailablePercentage': 'options.maxUnavailablePercentage',
	'deployedModel.rolloutOptions.previousDeployedModel': 'options.previousDeployedModel',
	'deployedModel.rolloutOptions': 'options.maxUnavailableReplicas',
	'deployedModel.sharedResources': 'deploymentResourcePool',
	apiVersion: 'usePreviewApi',
	additionalFields: 'options.additionalFields',
	trafficPercentage: 'trafficPercentage',
	trafficSplit: 'trafficSplit',
	resumeOperation: 'options.resumeOperationName',
};

/** One item's deploy, read and checked before any item sends a request: exactly what its run sends. */
export interface PreparedDeploy {
	input: DeployInput;
	settings: WaitSettings;
}

/** The parameters of item `i` to the core's deploy input and the wait around it, every one checked. */
export function prepareDeploy(node: INode, read: ParameterReader, i: number): PreparedDeploy {
	const endpoint = read.locator(i, 'endpoint');
	const model = modelOfItem(read, i);
	const settings = waitSettings(read, i);
	const ifDeployed = read.option<IfDeployed>(i, 'ifDeployed');
	if (ifDeployed === 'replace' && settings.timeoutMs === undefined) {
		throw new NodeOperationError(node, '"Replace It" needs "Wait for Completion": the older copies are undeployed only once the new one serves.', {
			itemIndex: i,
			description: `Check the parameter "Wait for Completion" (or "${IF_DEPLOYED_LABEL}"). Nothing was deployed.`,
		});
	}
	const input: DeployInput = { ...deployRequest(read, i, endpoint, model, trafficOf(read, i)), ifDeployed, resumeOperation: settings.resumeName };
	return { input, settings };
}

/** The traffic the user asked for: a percentage for the new deployment, or an explicit split. */
function trafficOf(read: ParameterReader, i: number): TrafficRequest {
	if (read.option(i, 'trafficMode') === 'split') return { trafficSplit: trafficSplitOf(read, i, { newModel: true }) };
	return { trafficPercentage: read.number(i, 'trafficPercentage') };
}

/** Parameters of one item to the core's deploy input, every one checked. */
function deployRequest(read: ParameterReader, i: number, endpoint: string, model: string, traffic: TrafficRequest): DeployModelInput {
	const pooled = read.option(i, 'resources') === 'pool';
	const rolloutOptions = rolloutOf(read, i);
	// With rollout options, python-aiplatform's preview deploy sends them instead of the machines (preview/models.py,
	// Endpoint._deploy_call: `if use_dedicated_resources and not rollout_options: ... elif rollout_options:`): the new
	// deployment takes the resources of the deployed model it replaces. So does this node.
	const resources = rolloutOptions
		? { rolloutOptions }
		: pooled
			? { sharedResources: poolOf(read, i) }
			: { dedicatedResources: dedicatedResourcesOf(read, i) };
	const deployedModel: DeployedModelInput = {
		displayName: read.text(i, 'deployedModelDisplayName', { maxLength: DISPLAY_NAME_MAX_LENGTH }) || undefined,
		serviceAccount: read.text(i, 'options.serviceAccount', SERVICE_ACCOUNT_EMAIL) || undefined,
		enableAccessLogging: read.boolean(i, 'options.enableAccessLogging') || undefined,
		disableContainerLogging: read.boolean(i, 'options.disableContainerLogging') || undefined,
		fasterDeploymentConfig: read.boolean(i, 'options.fastTryout') ? { fastTryoutEnabled: true } : undefined,
		...resources,
	};
	return {
		endpoint,
		model,
		deployedModel,
		...traffic,
		apiVersion: apiVersionOf(read, i, 'usePreviewApi'),
		additionalFields: additionalFieldsOf(read, i),
	};
}

/** Options that describe dedicated machines: with a pool, which sets the machines, each one is refused. */
const MACHINE_OPTIONS = [
	'options.autoscalingMetric',
	'options.autoscalingTarget',
	'options.gpuPartitionSize',
	'options.idleScaledownMinutes',
	'options.minScaleupMinutes',
	'options.requiredReplicaCount',
	'options.reservationAffinity',
	'options.reservationNames',
	'options.spot',
	'options.tpuTopology',
];

/** The pool to deploy to; the machine parameters are hidden then (and not read), the machine options refused. */
function poolOf(read: ParameterReader, i: number): string {
	const pool = read.text(i, 'deploymentResourcePool', { required: true, ...DEPLOYMENT_RESOURCE_POOL });
	const given = MACHINE_OPTIONS.find((path) => read.isSet(i, path));
	if (given !== undefined) {
		throw read.error(
			i,
			given,
			`${read.where(given)} describes dedicated machines; a deployment resource pool sets its own machines. Remove the option, or set "Machines" to "Dedicated to This Model".`,
		);
	}
	return pool;
}

function dedicatedResourcesOf(read: ParameterReader, i: number): DeployedModelInput['dedicatedResources'] {
	const acceleratorType = read.option(i, 'acceleratorType');
	const minReplicaCount = read.number(i, 'minReplicaCount');
	const maxReplicaCount = read.number(i, 'maxReplicaCount');
	if (maxReplicaCount < minReplicaCount) {
		throw read.error(i, 'maxReplicaCount', `"Max Replicas" (${maxReplicaCount}) must be at least "Min Replicas" (${minReplicaCount}).`);
	}
	const idle = read.optionalNumber(i, 'options.idleScaledownMinutes');
	const scaleUp = read.optionalNumber(i, 'options.minScaleupMinutes');
	return {
		machineSpec: {
			machineType: read.text(i, 'machineType', {
				required: true,
				pattern: MACHINE_TYPE.pattern,
				rule: MACHINE_TYPE.rule,
			}),
			...(acceleratorType === 'none'
				? {}
				: { acceleratorType: acceleratorType as AcceleratorType, acceleratorCount: read.number(i, 'acceleratorCount') }),
			gpuPartitionSize: read.text(i, 'options.gpuPartitionSize', GPU_PARTITION_SIZE) || undefined,
			tpuTopology: read.text(i, 'options.tpuTopology', TPU_TOPOLOGY) || undefined,
			reservationAffinity: reservationOf(read, i),
		},
		minReplicaCount,
		maxReplicaCount,
		requiredReplicaCount: read.optionalNumber(i, 'options.requiredReplicaCount'),
		spot: read.boolean(i, 'options.spot') || undefined,
		autoscalingMetricSpecs: autoscalingOf(read, i),
		scaleToZeroSpec:
			idle === undefined && scaleUp === undefined
				? undefined
				: {
						...(idle === undefined ? {} : { idleScaledownPeriod: `${idle * 60}s` }),
						...(scaleUp === undefined ? {} : { minScaleupPeriod: `${scaleUp * 60}s` }),
					},
	};
}

/** Rollout options, sent when any is added (a preview feature: the core refuses them in v1); each bound as replicas or a percentage. */
function rolloutOf(read: ParameterReader, i: number) {
	const options = {
		maxSurgeReplicas: read.optionalNumber(i, 'options.maxSurgeReplicas'),
		maxSurgePercentage: read.optionalNumber(i, 'options.maxSurgePercentage'),
		maxUnavailableReplicas: read.optionalNumber(i, 'options.maxUnavailableReplicas'),
		maxUnavailablePercentage: read.optionalNumber(i, 'options.maxUnavailablePercentage'),
		previousDeployedModel: read.text(i, 'options.previousDeployedModel', DEPLOYED_MODEL_NUMBER) || undefined,
	};
	return Object.values(options).some((value) => value !== undefined) ? options : undefined;
}

/**
 * The Autoscaling Metrics rows, after the older single metric option when added (a metric alone uses the target's
 * default of 60). The older option naming a row's metric again is refused by the core.
 */
function autoscalingOf(read: ParameterReader, i: number) {
	const specs: AutoscalingMetricSpec[] = [];
	if (read.isSet(i, 'options.autoscalingMetric') || read.isSet(i, 'options.autoscalingTarget')) {
		specs.push({ metricName: read.option(i, 'options.autoscalingMetric'), target: read.number(i, 'options.autoscalingTarget') });
	}
	specs.push(...autoscalingMetricsOf(read, i, 'autoscalingMetrics'));
	return specs.length > 0 ? specs : undefined;
}
