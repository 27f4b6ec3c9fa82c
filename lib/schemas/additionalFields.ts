/**
 * "Additional Fields": a JSON object merged into a request body, for the fields this package does not name. Every
 * key, nested ones included, is checked against the request's proto message in the API version in use (the data
 * in protoFields.ts, generated from googleapis' protos) before anything is sent: an unknown or misspelled field, an
 * output-only one, a wrong JSON type, an enum value that does not exist or two members of one oneof are refused,
 * naming the field. Named parameters win over the same field given here.
 */
import type { ApiVersion } from '../apiVersion';
import { fieldRef, VertexValidationError, type MessagePart } from '../errors';
import { quoteForMessage } from '../secrets';
import { PROTO_FIELDS } from './protoFields';
import type { ProtoField, ProtoVersionData } from './protoFieldTypes';

/** The request bodies that take additional fields, by the proto message each one is. */
export const ADDITIONAL_FIELDS_MESSAGES = {
	upload: 'UploadModelRequest',
	createEndpoint: 'Endpoint',
	deploy: 'DeployModelRequest',
	createPool: 'DeploymentResourcePool',
} as const;
export type AdditionalFieldsTarget = keyof typeof ADDITIONAL_FIELDS_MESSAGES;

export const ADDITIONAL_FIELDS = 'additionalFields';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** protoc's JSON name of a proto field name (min_replica_count -> minReplicaCount). */
function jsonNameOf(protoName: string): string {
	return protoName.replace(/_+([^_])?/g, (_all, next: string | undefined) => (next ? next.toUpperCase() : ''));
}

/** Edit distance (insert, delete, substitute, swap of neighbours), case-insensitive. */
function distance(a: string, b: string): number {
	const x = a.toLowerCase();
	const y = b.toLowerCase();
	const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
	for (let j = 1; j <= y.length; j++) rows[0][j] = j;
	for (let i = 1; i <= x.length; i++) {
		for (let j = 1; j <= y.length; j++) {
			const cost = x[i - 1] === y[j - 1] ? 0 : 1;
			rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
		}
	}
	return rows[x.length][y.length];
}

/** The known name closest to `given`, when close enough to be a likely misspelling. */
export function closestName(given: string, known: readonly string[]): string | undefined {
	// A name that holds the given one whole (NVIDIA_H100 in NVIDIA_H100_80GB) beats one a few letters away.
	const holding = known.filter((name) => given.length >= 3 && name.toLowerCase().includes(given.toLowerCase())).sort((a, b) => a.length - b.length);
	if (holding.length > 0) return holding[0];
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const name of known) {
		const d = distance(given, name);
		if (d < bestDistance) [best, bestDistance] = [name, d];
	}
	return best !== undefined && bestDistance <= Math.max(2, Math.floor(given.length / 3)) ? best : undefined;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const UINT32 = { min: 0, max: 2 ** 32 - 1 };
const SCALAR_RULES: Record<string, { expected: string; ok: (value: unknown) => boolean }> = {};
const wholeIn = (range: { min: number; max: number }) => (value: unknown) =>
	(typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) ||
	(typeof value === 'string' && /^-?\d+$/.test(value) && Number(value) >= range.min && Number(value) <= range.max);
const int64 = (signed: boolean) => (value: unknown) =>
	(typeof value === 'number' && Number.isSafeInteger(value) && (signed || value >= 0)) ||
	(typeof value === 'string' && (signed ? /^-?\d{1,19}$/ : /^\d{1,20}$/).test(value));
for (const name of ['int32', 'sint32', 'sfixed32']) SCALAR_RULES[name] = { expected: 'a whole number (int32)', ok: wholeIn(INT32) };
for (const name of ['uint32', 'fixed32']) SCALAR_RULES[name] = { expected: 'a whole number >= 0 (uint32)', ok: wholeIn(UINT32) };
for (const name of ['int64', 'sint64', 'sfixed64']) SCALAR_RULES[name] = { expected: 'a whole number, or one as a string of digits (int64)', ok: int64(true) };
for (const name of ['uint64', 'fixed64']) SCALAR_RULES[name] = { expected: 'a whole number >= 0, or one as a string of digits (uint64)', ok: int64(false) };
for (const name of ['double', 'float']) {
	SCALAR_RULES[name] = { expected: 'a number', ok: (value) => (typeof value === 'number' && Number.isFinite(value)) || ['NaN', 'Infinity', '-Infinity'].includes(value as string) };
}
Object.assign(SCALAR_RULES, {
	string: { expected: 'a string', ok: (value: unknown) => typeof value === 'string' },
	bytes: { expected: 'a base64 string', ok: (value: unknown) => typeof value === 'string' && /^[A-Za-z0-9+/_-]*=*$/.test(value) },
	bool: { expected: 'true or false', ok: (value: unknown) => typeof value === 'boolean' },
	duration: { expected: 'a duration string such as "600s"', ok: (value: unknown) => typeof value === 'string' && /^-?\d+(\.\d{1,9})?s$/.test(value) },
	timestamp: {
		expected: 'an RFC 3339 time such as "2026-01-01T00:00:00Z"',
		ok: (value: unknown) => typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value),
	},
	fieldMask: { expected: 'a string of comma-separated field paths', ok: (value: unknown) => typeof value === 'string' },
	struct: { expected: 'a JSON object', ok: isObject },
	any: { expected: 'a JSON object', ok: isObject },
	empty: { expected: 'an empty JSON object', ok: (value: unknown) => isObject(value) && Object.keys(value).length === 0 },
	list: { expected: 'a JSON array', ok: Array.isArray },
	value: { expected: 'any JSON value', ok: () => true },
});

function jsonKind(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return `the string ${quoteForMessage(value)}`;
	return `${typeof value} ${quoteForMessage(value)}`;
}

/** One check of one body, in one API version; `root` is the input field the body came from. */
class ProtoCheck {
	private readonly data: ProtoVersionData;
	private readonly other: { version: ApiVersion; data: ProtoVersionData };

	constructor(
		private readonly version: ApiVersion,
		private readonly root: string,
	) {
		this.data = PROTO_FIELDS.versions[version];
		const otherVersion: ApiVersion = version === 'v1' ? 'v1beta1' : 'v1';
		this.other = { version: otherVersion, data: PROTO_FIELDS.versions[otherVersion] };
	}

	fail(path: string, parts: MessagePart[]): never {
		throw new VertexValidationError([fieldRef(this.root), `: ${path} `, ...parts], this.root);
	}

	message(value: unknown, messageName: string, path: string): void {
		if (!isObject(value)) this.fail(path || '(the whole value)', [`must be a JSON object (the message ${messageName}); it is ${jsonKind(value)}.`]);
		const fields = this.data.messages[messageName] ?? {};
		const oneofs = new Map<string, string>();
		for (const [key, inner] of Object.entries(value)) {
			const here = path ? `${path}.${key}` : key;
			const field = fields[key];
			if (!field) this.unknown(here, key, messageName, fields);
			if (field.outputOnly) this.fail(here, [`is output only: Vertex AI sets it, a request cannot. Leave it out.`]);
			if (field.oneof && inner !== null && inner !== undefined) {
				const taken = oneofs.get(field.oneof);
				if (taken) this.fail(here, [`cannot be given with ${path ? `${path}.` : ''}${taken}: ${messageName} takes only one of its ${field.oneof} fields.`]);
				oneofs.set(field.oneof, key);
			}
			this.field(inner, field, here);
		}
	}

	private unknown(path: string, key: string, messageName: string, fields: Record<string, ProtoField>): never {
		const where = `is not a field of ${messageName} in API ${this.version}`;
		const elsewhere = this.other.data.messages[messageName]?.[key];
		if (elsewhere) {
			const hint = this.other.version === 'v1beta1' ? 'the preview API' : 'the stable API';
			this.fail(path, [`${where}; it exists in ${hint} (${this.other.version}): choose it with `, fieldRef('apiVersion'), '.']);
		}
		const asJson = jsonNameOf(key);
		if (asJson !== key && fields[asJson]) this.fail(path, [`${where}: give it by its JSON name, "${asJson}".`]);
		const suggestion = closestName(key, Object.keys(fields));
		this.fail(path, [`${where}${suggestion ? `: did you mean "${suggestion}"?` : '.'} Known fields: ${Object.keys(fields).join(', ')}.`]);
	}

	private field(value: unknown, field: ProtoField, path: string): void {
		// proto3 JSON: null means "the default" for any field.
		if (value === null) return;
		if (field.mapKey) {
			if (!isObject(value)) this.fail(path, [`must be a JSON object (a map); it is ${jsonKind(value)}.`]);
			for (const [key, inner] of Object.entries(value)) {
				if (field.mapKey !== 'string' && !/^-?\d+$/.test(key)) this.fail(`${path}.${key}`, [`is not a valid key: this map's keys are whole numbers (${field.mapKey}).`]);
				this.single(inner, field, `${path}.${key}`);
			}
			return;
		}
		if (field.repeated) {
			if (!Array.isArray(value)) this.fail(path, [`must be a JSON array; it is ${jsonKind(value)}.`]);
			value.forEach((inner, index) => this.single(inner, field, `${path}[${index}]`));
			return;
		}
		this.single(value, field, path);
	}

	private single(value: unknown, field: ProtoField, path: string): void {
		if (field.message) return this.message(value, field.message, path);
		if (field.enum) {
			const values = this.data.enums[field.enum] ?? [];
			if (typeof value === 'string' && values.includes(value)) return;
			if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < values.length) return;
			const suggestion = typeof value === 'string' ? closestName(value, values) : undefined;
			this.fail(path, [
				`must be one of ${field.enum}'s values${suggestion ? ` (did you mean "${suggestion}"?)` : ''}: ${values.join(', ')}; it is ${jsonKind(value)}.`,
			]);
		}
		const rule = SCALAR_RULES[field.type ?? ''];
		if (rule && !rule.ok(value)) this.fail(path, [`must be ${rule.expected}; it is ${jsonKind(value)}.`]);
	}

	/** Two members of one oneof in a body built from both sources (e.g. sharedResources here, dedicatedResources named). */
	oneofs(value: unknown, messageName: string, path: string, fromAdditional: (path: string) => boolean): void {
		if (!isObject(value)) return;
		const fields = this.data.messages[messageName] ?? {};
		const seen = new Map<string, string>();
		for (const [key, inner] of Object.entries(value)) {
			const field = fields[key];
			if (!field || inner === undefined || inner === null) continue;
			const here = path ? `${path}.${key}` : key;
			if (field.oneof) {
				const taken = seen.get(field.oneof);
				if (taken) {
					const [given, named] = fromAdditional(here) ? [here, taken] : [taken, here];
					this.fail(given, [`cannot be given with ${named}, which the node's parameters set: ${messageName} takes only one of its ${field.oneof} fields.`]);
				}
				seen.set(field.oneof, here);
			}
			if (field.message && !field.mapKey) {
				const items = field.repeated && Array.isArray(inner) ? inner : [inner];
				items.forEach((item, index) => this.oneofs(item, field.message as string, field.repeated ? `${here}[${index}]` : here, fromAdditional));
			}
		}
	}
}

/**
 * Checks `additional` against `messageName` (a request body's message) in `apiVersion`; throws a VertexValidationError
 * naming `root` and the path inside it.
 */
export function checkAdditionalFields(additional: unknown, messageName: string, apiVersion: ApiVersion, root = ADDITIONAL_FIELDS): void {
	new ProtoCheck(apiVersion, root).message(additional, messageName, '');
}

/** `named` laid over `additional`: objects merged key by key, any other named value (arrays too) replacing. */
function laidOver(additional: unknown, named: unknown): unknown {
	if (named === undefined) return additional;
	if (!isObject(named) || !isObject(additional)) return named;
	const result: JsonObject = { ...additional };
	for (const [key, value] of Object.entries(named)) {
		if (value !== undefined) result[key] = laidOver(additional[key], value);
	}
	return result;
}

/** Whether `path` (a.b[0].c) was given by `additional` and not by `named`. */
function onlyIn(additional: unknown, named: unknown, path: string): boolean {
	let a = additional;
	let n = named;
	for (const key of path.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '')) {
		a = isObject(a) || Array.isArray(a) ? (a as JsonObject)[key] : undefined;
		n = isObject(n) || Array.isArray(n) ? (n as JsonObject)[key] : undefined;
	}
	return a !== undefined && n === undefined;
}

/**
 * The request body: `named` (what the node's parameters or the caller's named inputs built) laid over the checked
 * `additional` fields, named values winning. Nothing given: `named` unchanged.
 */
export function withAdditionalFields<T extends JsonObject>(
	named: T,
	additional: unknown,
	target: AdditionalFieldsTarget,
	apiVersion: ApiVersion,
	root = ADDITIONAL_FIELDS,
): T {
	if (additional === undefined || (isObject(additional) && Object.keys(additional).length === 0)) return named;
	const messageName = ADDITIONAL_FIELDS_MESSAGES[target];
	const check = new ProtoCheck(apiVersion, root);
	check.message(additional, messageName, '');
	const body = laidOver(additional, named) as T;
	check.oneofs(body, messageName, '', (path) => onlyIn(additional, named, path));
	return body;
}
