import { NodeOperationError, type INode } from 'n8n-workflow';

import { MACHINE_TYPE, SERVICE_ACCOUNT_EMAIL, type AcceleratorType, type DeployInput, type DeployModelInput, type IfDeployed, type TrafficRequest } from '../../lib';
import { waitSettings, type WaitSettings } from '../shared/operation';
import { modelOfItem, trafficSplitOf } from '../shared/parameters';
import type { ParameterReader } from '../shared/read';
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
	'deployedModel.dedicatedResources.autoscalingMetricSpecs': 'options.autoscalingTarget',
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
						pattern: MACHINE_TYPE.pattern,
						rule: MACHINE_TYPE.rule,
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
