/**
 * The node's fields as the core's messages name them: each field's label, and where its value came from when a
 * typed input took it from the message, flow or environment (`"Endpoint" (msg.endpointId)`), so an error names the
 * field the user set. Reading a field checks its JavaScript type before the core sees it.
 */
import { renderMessage, scrubSecrets, VertexValidationError, whatWasSent, type MessageWords } from '../../lib';

import type { NodeAPI, NodeDefinition, NodeMessage, RuntimeNode } from './red';

/** The kinds of value a field takes; a value of another kind is refused, naming the field. */
type FieldKind = 'text' | 'number' | 'boolean' | 'object' | 'any';

export interface FieldSpec {
	/** The property in the node's definition; its typed-input type is `<name>Type` (a plain property: none). */
	name: string;
	/** The label the editor shows. */
	label: string;
	kind: FieldKind;
	/** The core's field path this field sets (its messages name it), when it differs from `name`. */
	core?: string;
	/** The field must be given (unset, null or empty text is refused). */
	required?: boolean;
}

/** An error of a node: a field of the node (or of its config) at fault, or a refusal or failure of Vertex AI. */
export class VertexNodeError extends Error {
	readonly name = 'VertexNodeError';
	constructor(
		message: string,
		/** The field's name in the node's definition, when one field is at fault. */
		readonly field?: string,
	) {
		super(message);
	}

	/** Node-RED puts `toString()` in a Catch node's msg.error.message: the message alone reads best there. */
	override toString(): string {
		return this.message;
	}
}

/** Where a typed input's value comes from, in the words a flow author reads: `msg.endpointId`, `env.MODEL`. */
function sourceOf(type: string | undefined, value: unknown): string | undefined {
	if (type === 'msg' || type === 'flow' || type === 'global' || type === 'env') return `${type}.${String(value)}`;
	if (type === 'jsonata') return 'its JSONata expression';
	return undefined;
}

/** A field as messages name it: its label in quotes, and its source when that is not the node's own setting. */
interface NamedField {
	spec: FieldSpec;
	words: string;
}

function kindProblem(kind: FieldKind, value: unknown): string | undefined {
	const shown = value === null ? 'null' : Array.isArray(value) ? 'an array' : Buffer.isBuffer(value) ? 'a buffer' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
	switch (kind) {
		case 'text':
			return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? undefined : `must be text; it is ${shown}`;
		case 'number':
			return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a number; it is ${shown}`;
		case 'boolean':
			return typeof value === 'boolean' ? undefined : `must be true or false; it is ${shown}`;
		case 'object':
			return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
				? undefined
				: `must be an object of names and values; it is ${shown}`;
		default:
			return undefined;
	}
}

function isUnset(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A typed input's value for this message (JSONata is evaluated asynchronously, hence the callback). */
async function evaluate(RED: NodeAPI, node: RuntimeNode, msg: NodeMessage, value: unknown, type: string): Promise<unknown> {
	return await new Promise((resolve, reject) =>
		RED.util.evaluateNodeProperty(value, type, node, msg, (error, result) => (error ? reject(error) : resolve(result))),
	);
}

/** The values of one message's fields, checked by kind, and the words that name each field. */
export interface ReadFields {
	values: Record<string, unknown>;
	/** A refusal naming the field (`name` is the field's name in the definition); "Nothing was sent." follows. */
	refuse(name: string, problem: string): VertexNodeError;
	/** A field's words by its core path (longest prefix wins), for rendering the core's messages. */
	words: MessageWords;
	/** The core's refusal of the values, in the node's words, then what was sent before it (whatWasSent). */
	refusal(error: VertexValidationError): VertexNodeError;
}

/**
 * Reads `specs` for one message: a typed input is evaluated against the message; a value of the wrong kind, or a
 * required one that is missing, is refused naming the field, before anything is sent.
 */
export async function readFields(RED: NodeAPI, node: RuntimeNode, definition: NodeDefinition, msg: NodeMessage, specs: readonly FieldSpec[]): Promise<ReadFields> {
	const named = new Map<string, NamedField>();
	for (const spec of specs) {
		const type = definition[`${spec.name}Type`] as string | undefined;
		const source = sourceOf(type, definition[spec.name]);
		named.set(spec.name, { spec, words: source ? `"${spec.label}" (${source})` : `"${spec.label}"` });
	}
	const coreTable = new Map<string, NamedField>();
	for (const field of named.values()) coreTable.set(field.spec.core ?? field.spec.name, field);
	const words = wordsOf(new Map([...coreTable].map(([core, field]) => [core, field.words])));
	const refuse = (name: string, problem: string) => new VertexNodeError(`${named.get(name)?.words ?? name} ${problem}. Nothing was sent.`, name);
	const values: Record<string, unknown> = {};
	for (const spec of specs) {
		const type = definition[`${spec.name}Type`] as string | undefined;
		let value: unknown = definition[spec.name];
		// An empty typed input (no JSON written, no property named) is a field left unset.
		if (type !== undefined && value !== '') {
			try {
				value = await evaluate(RED, node, msg, value, type);
			} catch (error) {
				throw refuse(spec.name, `could not be read (${scrubSecrets(error instanceof Error ? error.message : String(error))})`);
			}
		}
		// A plain number field is saved by the editor as the text typed.
		if (type === undefined && spec.kind === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) value = Number(value);
		if (isUnset(value)) {
			if (spec.required) throw refuse(spec.name, 'is required');
			continue;
		}
		const problem = kindProblem(spec.kind, value);
		if (problem) throw refuse(spec.name, problem);
		values[spec.name] = spec.kind === 'text' ? String(value).trim() : value;
	}
	return {
		values,
		refuse,
		words,
		refusal: (error) => {
			const field = longestPrefix(coreTable, error.field);
			const message = renderMessage(error.parts, words);
			// Some of the core's messages say what is wrong without naming the field: the node's words for it go first.
			const named = field === undefined || message.includes(field.words) ? message : `${field.words}: ${message}`;
			return new VertexNodeError(`${named} ${whatWasSent(error)}`, field?.spec.name);
		},
	};
}

/** The longest prefix of `path` (dot-separated) that `table` knows. */
function longestPrefix<T>(table: ReadonlyMap<string, T>, path: string): T | undefined {
	// `env[0].name` is under `env`.
	const parts = path.replace(/\[\d+\]/g, '').split('.');
	for (let length = parts.length; length > 0; length--) {
		const found = table.get(parts.slice(0, length).join('.'));
		if (found !== undefined) return found;
	}
	return undefined;
}

/** The core's message words over a table of core field paths to the node's words. */
export function wordsOf(table: ReadonlyMap<string, string>): MessageWords {
	return {
		field: ({ field, as }) => longestPrefix(table, field) ?? as ?? field,
		setting: ({ field, value }) => `(${longestPrefix(table, field) ?? field}: "${value}")`,
	};
}

/**
 * Any failure as the error a node passes to done(): the core's refusals in the node's words, every other error
 * with the core's message (which never carries a secret; scrubbed once more all the same).
 */
export function nodeFailure(error: unknown, read?: ReadFields): Error {
	if (error instanceof VertexNodeError) return error;
	if (error instanceof VertexValidationError) {
		return read ? read.refusal(error) : new VertexNodeError(`${renderMessage(error.parts)} ${whatWasSent(error)}`, error.field);
	}
	const message = error instanceof Error ? error.message : String(error);
	return new VertexNodeError(scrubSecrets(message));
}
