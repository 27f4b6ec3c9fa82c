/**
 * The "vertex-ai-deploy-model" node: deploys a model on an endpoint (by default `msg.modelId` on
 * `msg.endpointId`), with the core's whole deploy: "if already deployed" use it, replace it (a new copy takes
 * the traffic, then the older copies are undeployed) or add another copy. The status shows each deploy stage;
 * close stops the wait (the deploy itself goes on in Google Cloud). Sets `msg.deployedModelId`.
 */
import { deploySummary, IF_DEPLOYED, type DeployInput } from '../../lib';

import { clientOf } from './config';
import { readFields, type FieldSpec } from './fields';
import { checkedCall, choiceOf, waitOptions, WAIT_MINUTES } from './operation';
import type { NodeAPI, NodeDefinition, NodeMessage, RuntimeNode, SendFunction } from './red';
import { registerMessageNode, showStatus } from './runtime';

const MACHINE = 'deployedModel.dedicatedResources';

const FIELDS: readonly FieldSpec[] = [
	{ name: 'endpoint', label: 'Endpoint', kind: 'text', required: true },
	{ name: 'model', label: 'Model', kind: 'text', required: true },
	{ name: 'machineType', label: 'Machine Type', kind: 'text', required: true, core: `${MACHINE}.machineSpec.machineType` },
	{ name: 'acceleratorType', label: 'Accelerator Type', kind: 'text', core: `${MACHINE}.machineSpec.acceleratorType` },
	{ name: 'acceleratorCount', label: 'Accelerator Count', kind: 'number', core: `${MACHINE}.machineSpec.acceleratorCount` },
	{ name: 'minReplicas', label: 'Min Replicas', kind: 'number', core: `${MACHINE}.minReplicaCount` },
	{ name: 'maxReplicas', label: 'Max Replicas', kind: 'number', core: `${MACHINE}.maxReplicaCount` },
	{ name: 'trafficPercentage', label: 'Traffic (%)', kind: 'number' },
	{ name: 'additionalFields', label: 'Additional Fields', kind: 'object' },
	WAIT_MINUTES,
];

function deployHandler(RED: NodeAPI, node: RuntimeNode, definition: NodeDefinition) {
	return async (msg: NodeMessage, send: SendFunction, signal: AbortSignal): Promise<void> => {
		const read = await readFields(RED, node, definition, msg, FIELDS);
		const value = read.values;
		const acceleratorType = value.acceleratorType as string | undefined;
		const input: DeployInput = {
			endpoint: value.endpoint as string,
			model: value.model as string,
			ifDeployed: choiceOf(definition.ifDeployed, IF_DEPLOYED),
			deployedModel: {
				dedicatedResources: {
					machineSpec: {
						machineType: value.machineType as string,
						...(acceleratorType ? { acceleratorType, acceleratorCount: (value.acceleratorCount as number | undefined) ?? 1 } : {}),
					},
					minReplicaCount: (value.minReplicas as number | undefined) ?? 1,
					maxReplicaCount: value.maxReplicas as number | undefined,
				},
			},
			trafficPercentage: (value.trafficPercentage as number | undefined) ?? 100,
			additionalFields: value.additionalFields as Record<string, unknown> | undefined,
		};
		const wait = waitOptions(node, read, signal);
		const client = clientOf(RED, definition.vertex);
		const names = await checkedCall(read, async () => ({ endpoint: client.endpointName(input.endpoint), model: client.modelName(input.model) }));
		showStatus(node, 'blue', 'deploying');
		const outcome = await checkedCall(read, () => client.deploy(input, wait));
		const { ids, rest } = deploySummary(outcome, names);
		send({ ...msg, deployedModelId: ids.deployedModelId, endpointId: ids.endpointId, modelId: ids.modelId, payload: { ...ids, ...rest } });
		showStatus(node, 'green', `${rest.reused ? 'using' : 'deployed'} ${String(ids.deployedModelId)}`);
	};
}

export = (RED: NodeAPI): void => registerMessageNode(RED, 'vertex-ai-deploy-model', deployHandler);
