/**
 * The Manage node's work on one message: the chosen resource and operation, its fields read and checked before
 * anything is sent, the core's calls, and the result as `msg.payload`. Waits show their stage in the node's status
 * and stop when the node closes.
 */
import { VertexValidationError, type WaitOptions } from '../../lib';

import { clientOf } from './config';
import { readFields, VertexNodeError, type ReadFields } from './fields';
import { MANAGE_FIELDS, manageRefusal } from './manageFields';
import { MANAGE_RESOURCES, type ManageOperation } from './manageOperations';
import { waitOptions } from './operation';
import type { NodeAPI, NodeDefinition, NodeMessage, RuntimeNode, SendFunction } from './red';
import { showStatus } from './runtime';

/** The operation the node's Resource and Operation selects name. */
export function chosenOperation(definition: NodeDefinition): ManageOperation {
	const resource = String(definition.resource ?? '');
	const operations = Object.hasOwn(MANAGE_RESOURCES, resource) ? MANAGE_RESOURCES[resource] : undefined;
	if (!operations) {
		throw new VertexNodeError(`"Resource" must be one of ${Object.keys(MANAGE_RESOURCES).join(', ')}; it is ${JSON.stringify(resource)}. Nothing was sent.`, 'resource');
	}
	const name = String(definition.operation ?? '');
	if (!Object.hasOwn(operations, name)) {
		throw new VertexNodeError(`"Operation" must be one of ${Object.keys(operations).join(', ')} for ${resource}; it is ${JSON.stringify(name)}. Nothing was sent.`, 'operation');
	}
	return operations[name];
}

/**
 * How the operation waits: undefined when it starts an operation and "Wait for Completion" is off; else as every
 * node of this package waits (the core's default timeout when none is set).
 */
function waitOf(node: RuntimeNode, read: ReadFields, chosen: ManageOperation, fields: readonly string[], signal: AbortSignal): WaitOptions | undefined {
	if (!fields.includes('waitTimeout')) return undefined;
	if (chosen.starts && read.values.wait === false) return undefined;
	return waitOptions(node, read, signal, { field: 'waitTimeout', defaultMinutes: null, fill: 'blue', showWaiting: true });
}

/** The Manage node's handler for one message (see handleMessages). */
export function manageHandler(RED: NodeAPI, node: RuntimeNode, definition: NodeDefinition) {
	return async (msg: NodeMessage, send: SendFunction, signal: AbortSignal): Promise<void> => {
		const chosen = chosenOperation(definition);
		const fields = typeof chosen.fields === 'function' ? chosen.fields(definition) : chosen.fields;
		const objects = chosen.objects ?? [];
		let read: ReadFields | undefined;
		try {
			read = await readFields(RED, node, definition, msg, fields.map((name) => MANAGE_FIELDS[name]));
			const wait = waitOf(node, read, chosen, fields, signal);
			const client = clientOf(RED, definition.vertex);
			showStatus(node, 'blue', `${definition.resource}: ${definition.operation}`);
			const payload = await chosen.run({ client, read, signal, wait, settings: definition });
			send({ ...msg, payload });
			showStatus(node, 'green', Array.isArray(payload) ? `${payload.length} listed` : 'done');
		} catch (error) {
			throw error instanceof VertexValidationError && read ? manageRefusal(read, objects, error) : error;
		}
	};
}
