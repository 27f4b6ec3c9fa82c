/**
 * The "vertex-ai-create-endpoint" node: creates a dedicated endpoint (or uses the one with that id), waits until
 * its dedicated DNS name is there, and sets `msg.endpointId` for the nodes after it (`msg.modelId` is kept).
 */
import { CREATE_ENDPOINT, resourceId, type CreateEndpointInput, type Endpoint } from '../../lib';

import { clientOf } from './config';
import { readFields, type FieldSpec } from './fields';
import { checkedCall, choiceOf, IF_EXISTS, waitOptions, WAIT_MINUTES } from './operation';
import type { NodeAPI, NodeDefinition, NodeMessage, RuntimeNode, SendFunction } from './red';
import { registerMessageNode, showStatus } from './runtime';

const FIELDS: readonly FieldSpec[] = [
	{ name: 'endpointId', label: 'Endpoint ID', kind: 'text' },
	{ name: 'displayName', label: 'Display Name', kind: 'text', required: true, core: 'endpoint.displayName' },
	{ name: 'inferenceTimeout', label: 'Inference Timeout (s)', kind: 'number', core: 'endpoint.clientConnectionConfig.inferenceTimeout' },
	{ name: 'additionalFields', label: 'Additional Fields', kind: 'object' },
	WAIT_MINUTES,
];

function createHandler(RED: NodeAPI, node: RuntimeNode, definition: NodeDefinition) {
	return async (msg: NodeMessage, send: SendFunction, signal: AbortSignal): Promise<void> => {
		const read = await readFields(RED, node, definition, msg, FIELDS);
		const value = read.values;
		const endpointId = value.endpointId as string | undefined;
		const inferenceTimeout = value.inferenceTimeout as number | undefined;
		const input: CreateEndpointInput = {
			endpointId,
			// The core applies it only to an id that is taken: without an id it changes nothing.
			ifExists: choiceOf(definition.ifExists, IF_EXISTS),
			endpoint: {
				displayName: value.displayName as string,
				dedicatedEndpointEnabled: true,
				...(inferenceTimeout === undefined ? {} : { clientConnectionConfig: { inferenceTimeout: `${inferenceTimeout}s` } }),
			},
			additionalFields: value.additionalFields as Record<string, unknown> | undefined,
		};
		const wait = waitOptions(node, read, signal);
		const client = clientOf(RED, definition.vertex);
		showStatus(node, 'blue', 'creating');
		const { operation, existing } = await checkedCall(read, () => client.createEndpoint(input, { signal }));
		const created = operation ? (await client.waitForResult(CREATE_ENDPOINT, operation, wait)).result : existing;
		showStatus(node, 'yellow', 'waiting for its DNS name');
		const endpoint: Endpoint = await client.waitForDedicatedEndpointDns((created as Endpoint).name, { timeoutMs: wait.timeoutMs, signal });
		const payload = {
			endpointId: resourceId(endpoint.name),
			endpoint: endpoint.name,
			displayName: endpoint.displayName ?? null,
			dedicatedEndpointDns: endpoint.dedicatedEndpointDns ?? null,
			existed: existing !== undefined,
			operationName: operation?.name ?? null,
		};
		send({ ...msg, endpointId: payload.endpointId, payload });
		showStatus(node, 'green', `${existing ? 'using' : 'created'} ${payload.endpointId}`);
	};
}

export = (RED: NodeAPI): void => registerMessageNode(RED, 'vertex-ai-create-endpoint', createHandler);
