/**
 * The Manage node's fields, and how the core's messages name them: an object field (the changes of an update, a
 * pool's settings) is named with the path inside it, `labels.Env in "Changes" (msg.payload)`, so the error says
 * which part of the object is at fault.
 */
import { renderMessage, whatWasSent, type MessageWords, type VertexValidationError } from '../../lib';

import { VertexNodeError, type FieldSpec, type ReadFields } from './fields';

/** Every field of the node, by its name in the node's definition; each operation reads the ones it names. */
export const MANAGE_FIELDS = {
	endpoint: { name: 'endpoint', label: 'Endpoint', kind: 'text', required: true },
	model: { name: 'model', label: 'Model', kind: 'text', required: true },
	version: { name: 'version', label: 'Version', kind: 'text', required: true },
	deployedModel: { name: 'deployedModel', label: 'Deployed Model', kind: 'text', core: 'deployedModelId', required: true },
	pool: { name: 'pool', label: 'Deployment Resource Pool', kind: 'text', core: 'deploymentResourcePool', required: true },
	poolId: { name: 'poolId', label: 'Pool ID', kind: 'text', core: 'deploymentResourcePoolId', required: true },
	poolSettings: { name: 'poolSettings', label: 'Pool Settings', kind: 'object', core: 'deploymentResourcePool', required: true },
	operationName: { name: 'operationName', label: 'Operation Name', kind: 'text', required: true },
	changes: { name: 'changes', label: 'Changes', kind: 'object', required: true },
	trafficSplit: { name: 'trafficSplit', label: 'Traffic Split', kind: 'object' },
	requiredTrafficSplit: { name: 'trafficSplit', label: 'Traffic Split', kind: 'object', required: true },
	filter: { name: 'filter', label: 'Filter', kind: 'text' },
	limit: { name: 'limit', label: 'Limit', kind: 'number' },
	onlyRunning: { name: 'onlyRunning', label: 'Only Running', kind: 'boolean' },
	undeployModels: { name: 'undeployModels', label: 'Undeploy Models First', kind: 'boolean' },
	wait: { name: 'wait', label: 'Wait for Completion', kind: 'boolean' },
	waitTimeout: { name: 'waitTimeout', label: 'Wait Timeout (min)', kind: 'number', core: 'timeoutMs' },
} as const satisfies Record<string, FieldSpec>;

export type ManageFieldName = keyof typeof MANAGE_FIELDS;

/**
 * An object field whose inside the core names: `under` a core path (the pool's settings are
 * `deploymentResourcePool.*`), or by its top-level `keys` (an update's changes sit beside the resource's id).
 */
export interface ObjectField {
	spec: string;
	under?: string;
	keys?: readonly string[];
}

/** The core's name for its whole input, in a refusal of the input as a whole ("Nothing to update"). */
const WHOLE_INPUT = 'input';

/** The object field whose inside `field` (a core path) is, if any; the whole input is an update's changes. */
function objectOf(objects: readonly ObjectField[], field: string): ObjectField | undefined {
	return objects.find((object) =>
		object.under !== undefined ? field.startsWith(`${object.under}.`) : field === WHOLE_INPUT || object.keys?.includes(field.split('.')[0]),
	);
}

/** The core's words for one message's fields: an object field's inside is named by its path in it. */
export function manageWords(read: ReadFields, objects: readonly ObjectField[]): MessageWords {
	return {
		field: (mention) => {
			const object = objectOf(objects, mention.field);
			if (!object) return read.words.field(mention);
			if (mention.field === WHOLE_INPUT) return read.words.field({ field: object.spec });
			const path = object.under === undefined ? mention.field : mention.field.slice(object.under.length + 1);
			return `${path} in ${read.words.field({ field: object.under ?? object.spec })}`;
		},
		setting: (setting) => read.words.setting(setting),
	};
}

/** The core's refusal in the node's words, naming the field at fault (its name in the definition), then what was sent before it. */
export function manageRefusal(read: ReadFields, objects: readonly ObjectField[], error: VertexValidationError): VertexNodeError {
	const field = objectOf(objects, error.field)?.spec ?? read.refusal(error).field;
	const words = manageWords(read, objects);
	// A rule whose message names no field (a label key, say) is named by the field it was found in.
	const namesAField = error.parts.some((part) => typeof part !== 'string' && 'field' in part);
	const where = namesAField || !error.field ? '' : `${words.field({ field: error.field })}: `;
	return new VertexNodeError(`${where}${renderMessage(error.parts, words)} ${whatWasSent(error)}`, field);
}

/**
 * An update's changes: an object naming only fields the core can change (`allowed`, the core's own list), so that
 * a key such as `endpoint` can never steer the update at another resource.
 */
export function changesOf(read: ReadFields, allowed: readonly string[]): Record<string, unknown> {
	const changes = read.values.changes as Record<string, unknown>;
	const unknown = Object.keys(changes).filter((key) => !allowed.includes(key));
	if (unknown.length > 0) {
		throw read.refuse('changes', `has ${unknown.map((key) => JSON.stringify(key)).join(', ')}: it takes ${allowed.join(', ')}`);
	}
	return changes;
}
