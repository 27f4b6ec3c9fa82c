/**
 * proto3 JSON as Google's front end reads and writes it, driven by the contract's messages.
 *
 * Reading: field names in lowerCamel or proto form; numbers or strings for integers; enum names or
 * numbers; null for "not set"; output-only fields checked, then ignored. The result is the emulator's
 * canonical form (JSON names, enums by name, int64 as decimal strings, no nulls), or Vertex's
 * "Invalid JSON payload received" violations. Writing: default values, empty lists and empty maps
 * left out, enums as names or (for `$alt=json;enum-encoding=int`) numbers, int64 as strings.
 */
import { contract, fieldIndex, hasBehavior, isEnum, isMessage, type FieldSpec } from './contract';
import type { FieldViolation } from './googleErrors';

const SIGNED_32 = new Set(['int32', 'sint32', 'sfixed32']);
const UNSIGNED_32 = new Set(['uint32', 'fixed32']);
const SIGNED_64 = new Set(['int64', 'sint64', 'sfixed64']);
const UNSIGNED_64 = new Set(['uint64', 'fixed64']);
const FLOATING = new Set(['float', 'double']);
const SCALARS = new Set([...SIGNED_32, ...UNSIGNED_32, ...SIGNED_64, ...UNSIGNED_64, ...FLOATING, 'bool', 'string', 'bytes']);
/** The wrapper types carry one scalar and are written as it. */
const WRAPPERS: Record<string, string> = {
	'google.protobuf.DoubleValue': 'double',
	'google.protobuf.FloatValue': 'float',
	'google.protobuf.Int64Value': 'int64',
	'google.protobuf.UInt64Value': 'uint64',
	'google.protobuf.Int32Value': 'int32',
	'google.protobuf.UInt32Value': 'uint32',
	'google.protobuf.BoolValue': 'bool',
	'google.protobuf.StringValue': 'string',
	'google.protobuf.BytesValue': 'bytes',
};
const MAX_DURATION_SECONDS = 315_576_000_000;
const TYPE_URL_PREFIX = 'type.googleapis.com/';

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How Google's errors name a field's type: TYPE_STRING for scalars, the type URL for messages and enums. */
function typeLabel(type: string): string {
	return SCALARS.has(type) ? `TYPE_${type.toUpperCase()}` : `${TYPE_URL_PREFIX}${type}`;
}

function shown(value: Json): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function child(at: string, name: string): string {
	return at ? `${at}.${name}` : name;
}

/** Where a request's values come from changes how scalars may be spelled: a query string has only strings. */
type Source = 'body' | 'query';

/** Collects violations while turning a JSON value into the canonical form. */
export class ProtoJsonReader {
	readonly violations: FieldViolation[] = [];

	private unknownName(name: string, at: string, why: string): void {
		const description = `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: ${why}`;
		this.violations.push(at ? { field: at, description } : { description });
	}

	private invalidValue(at: string, type: string, value: Json, why?: string): undefined {
		this.violations.push({ field: at, description: `Invalid value at '${at}' (${typeLabel(type)}), ${why ?? shown(value)}` });
		return undefined;
	}

	/** A message given as a JSON object (the root of a body, or a nested one). */
	message(typeName: string, value: Json, at: string): Record<string, Json> | undefined {
		if (!isObject(value)) return this.invalidValue(at, typeName, value);
		const index = fieldIndex(typeName);
		const out: Record<string, Json> = {};
		const oneofs = new Map<string, string>();
		for (const [key, raw] of Object.entries(value)) {
			const field = index.get(key);
			if (!field) {
				this.unknownName(key, at, 'Cannot find field.');
				continue;
			}
			// null is the field's default, as if it were not there (google.protobuf.Value keeps it: it is JSON null).
			if (raw === null && field.type !== 'google.protobuf.Value') continue;
			const parsed = this.field(field, raw, key, at, 'body');
			if (parsed === undefined) continue;
			if (field.oneof) {
				const taken = oneofs.get(field.oneof);
				if (taken !== undefined) {
					this.unknownName(key, at, `oneof field '${field.oneof}' is already set. Cannot set '${field.name}'`);
					continue;
				}
				oneofs.set(field.oneof, field.name);
			}
			// Output-only fields a caller echoes back (from a GET) are checked, then ignored.
			if (hasBehavior(field, 'OUTPUT_ONLY')) continue;
			out[field.json] = parsed;
		}
		return out;
	}

	/** One field's JSON value: a list, a map or a single value as the field says. */
	field(field: FieldSpec, raw: Json, key: string, at: string, source: Source): Json | undefined {
		const here = child(at, field.name);
		if (field.map) {
			if (!isObject(raw)) return this.invalidValue(here, field.type, raw);
			const entries: Record<string, Json> = {};
			Object.entries(raw).forEach(([mapKey, item], i) => {
				const keyAt = `${here}[${i}].key`;
				if (field.map !== 'string' && this.scalar(field.map as string, mapKey, keyAt, 'query') === undefined) return;
				const parsed = item === null ? this.invalidValue(`${here}[${i}].value`, field.type, item) : this.single(field.type, item, `${here}[${i}].value`, source);
				if (parsed !== undefined) entries[mapKey] = parsed;
			});
			return entries;
		}
		if (field.repeated) {
			if (!Array.isArray(raw)) return this.invalidValue(here, field.type, raw);
			const items: Json[] = [];
			raw.forEach((item, i) => {
				const parsed = item === null ? this.invalidValue(`${here}[${i}]`, field.type, item) : this.single(field.type, item, `${here}[${i}]`, source);
				if (parsed !== undefined) items.push(parsed);
			});
			return items;
		}
		if (Array.isArray(raw)) {
			this.unknownName(key, at, 'Proto field is not repeating, cannot start list.');
			return undefined;
		}
		return this.single(field.type, raw, here, source);
	}

	/** One value of a type: scalar, enum, well-known type or message. */
	single(type: string, raw: Json, at: string, source: Source): Json | undefined {
		if (SCALARS.has(type)) return this.scalar(type, raw, at, source);
		const spec = contract().types[type];
		if (isEnum(spec)) return this.enumName(type, spec.values, raw, at, source);
		if (isMessage(spec)) return this.message(type, raw, at);
		return this.wellKnown(type, raw, at, source);
	}

	scalar(type: string, raw: Json, at: string, source: Source): Json | undefined {
		const fromString = typeof raw === 'string';
		if (type === 'string') return fromString ? raw : this.invalidValue(at, type, raw);
		if (type === 'bytes') return fromString && /^[A-Za-z0-9+/_-]*={0,2}$/.test(raw) ? raw : this.invalidValue(at, type, raw);
		if (type === 'bool') {
			if (typeof raw === 'boolean') return raw;
			if (source === 'query' && (raw === 'true' || raw === 'false')) return raw === 'true';
			return this.invalidValue(at, type, raw);
		}
		if (FLOATING.has(type)) {
			if (typeof raw === 'number') return raw;
			if (fromString && ['NaN', 'Infinity', '-Infinity'].includes(raw)) return Number(raw);
			if (fromString && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
			return this.invalidValue(at, type, raw);
		}
		// Integers: a JSON number or a decimal string (proto3 JSON takes both), within the type's range.
		const text = typeof raw === 'number' ? (Number.isInteger(raw) ? BigInt(raw).toString() : undefined) : fromString && /^-?\d+$/.test(raw.trim()) ? raw.trim() : undefined;
		if (text === undefined) return this.invalidValue(at, type, raw);
		const value = BigInt(text);
		const [min, max] = SIGNED_32.has(type)
			? [-(2n ** 31n), 2n ** 31n - 1n]
			: UNSIGNED_32.has(type)
				? [0n, 2n ** 32n - 1n]
				: SIGNED_64.has(type)
					? [-(2n ** 63n), 2n ** 63n - 1n]
					: [0n, 2n ** 64n - 1n];
		if (value < min || value > max) return this.invalidValue(at, type, raw);
		// int64 values are strings in proto3 JSON (they do not fit a double); 32-bit ones are numbers.
		return SIGNED_64.has(type) || UNSIGNED_64.has(type) ? value.toString() : Number(value);
	}

	private enumName(type: string, values: Record<string, number>, raw: Json, at: string, source: Source): string | undefined {
		if (typeof raw === 'string' && Object.hasOwn(values, raw)) return raw;
		const number = typeof raw === 'number' ? raw : source === 'query' && typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : undefined;
		const name = number === undefined ? undefined : Object.keys(values).find((candidate) => values[candidate] === number);
		return name ?? this.invalidValue(at, type, raw);
	}

	private wellKnown(type: string, raw: Json, at: string, source: Source): Json | undefined {
		const wrapped = WRAPPERS[type];
		if (wrapped) return this.scalar(wrapped, raw, at, source);
		switch (type) {
			case 'google.protobuf.Duration':
				return typeof raw === 'string' && isDuration(raw) ? raw : this.invalidValue(at, type, raw, typeof raw === 'string' && !raw.endsWith('s') ? "Illegal duration format; duration must end with 's'" : undefined);
			case 'google.protobuf.Timestamp':
				return typeof raw === 'string' && isTimestamp(raw) ? raw : this.invalidValue(at, type, raw);
			case 'google.protobuf.FieldMask':
				// Comma-separated paths; blanks after the commas are let through.
				return typeof raw === 'string' && /^[A-Za-z0-9_., ]*$/.test(raw) ? raw : this.invalidValue(at, type, raw);
			case 'google.protobuf.Struct':
				return isObject(raw) ? raw : this.invalidValue(at, type, raw);
			case 'google.protobuf.ListValue':
				return Array.isArray(raw) ? raw : this.invalidValue(at, type, raw);
			case 'google.protobuf.Value':
				return raw;
			case 'google.protobuf.Empty':
				if (!isObject(raw)) return this.invalidValue(at, type, raw);
				for (const key of Object.keys(raw)) this.unknownName(key, at, 'Cannot find field.');
				return {};
			case 'google.protobuf.Any':
				return this.any(raw, at);
			default:
				return this.invalidValue(at, type, raw);
		}
	}

	/** An Any: its `@type` names the message the other fields belong to; types outside the contract pass as they are. */
	private any(raw: Json, at: string): Json | undefined {
		if (!isObject(raw) || typeof raw['@type'] !== 'string') return this.invalidValue(at, 'google.protobuf.Any', raw);
		const typeUrl = raw['@type'];
		const type = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
		const spec = contract().types[type];
		const { '@type': _typeUrl, ...fields } = raw;
		if (isMessage(spec)) {
			const parsed = this.message(type, fields, at);
			return parsed === undefined ? undefined : { '@type': typeUrl, ...parsed };
		}
		if (spec !== undefined && 'value' in fields) {
			const parsed = this.wellKnown(type, fields.value, at, 'body');
			return parsed === undefined ? undefined : { '@type': typeUrl, value: parsed };
		}
		return raw;
	}
}

function isDuration(text: string): boolean {
	const match = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
	return match !== null && Number(match[2]) <= MAX_DURATION_SECONDS;
}

function isTimestamp(text: string): boolean {
	return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text.replace(/(\.\d{3})\d+/, '$1')));
}

/** The default value of a type, which proto3 JSON leaves out of an answer and a REQUIRED field may not have. */
function isDefault(type: string, value: Json): boolean {
	if (value === undefined || value === null) return true;
	if (Array.isArray(value)) return value.length === 0;
	if (SIGNED_64.has(type) || UNSIGNED_64.has(type)) return value === '0' || value === 0;
	if (SCALARS.has(type)) return value === '' || value === 0 || value === false;
	const spec = contract().types[type];
	return isEnum(spec) && (value === 0 || spec.values[value as string] === 0);
}

/**
 * REQUIRED fields whose default value Vertex takes when given: v1beta1's min_replica_count 0 asks for
 * scale to zero (Vertex's scale-to-zero guide), though the field is marked REQUIRED.
 */
const DEFAULT_ALLOWED_WHEN_GIVEN = new Set(['google.cloud.aiplatform.v1beta1.DedicatedResources#min_replica_count']);

/**
 * REQUIRED fields not set in a request, as Vertex lists them ("Required field is not set."). `partial`
 * skips the nested messages: an update's resource only has the fields its update_mask names.
 */
export function missingRequired(typeName: string, value: Record<string, Json>, at: string, partial: boolean): FieldViolation[] {
	const spec = contract().types[typeName];
	if (!isMessage(spec)) return [];
	const missing: FieldViolation[] = [];
	for (const field of spec.fields) {
		const given = value[field.json];
		const defaultTaken = given !== undefined && DEFAULT_ALLOWED_WHEN_GIVEN.has(`${typeName}#${field.name}`);
		if (hasBehavior(field, 'REQUIRED') && !hasBehavior(field, 'OUTPUT_ONLY') && !defaultTaken && (isDefault(field.type, given) || (field.map && isObject(given) && Object.keys(given).length === 0))) {
			missing.push({ field: child(at, field.name), description: 'Required field is not set.' });
			continue;
		}
		if (partial || given === undefined || !isMessage(contract().types[field.type])) continue;
		const nested = field.map ? Object.values(given as Record<string, Json>) : field.repeated ? (given as Json[]) : [given];
		nested.forEach((item, i) => {
			const where = field.map ? `${child(at, field.name)}[${i}].value` : field.repeated ? `${child(at, field.name)}[${i}]` : child(at, field.name);
			if (isObject(item)) missing.push(...missingRequired(field.type, item, where, false));
		});
	}
	return missing;
}

/** Writes a canonical value as proto3 JSON of its type. Throws for a field the type does not have: the emulator's own bug. */
export function writeMessage(typeName: string, value: Record<string, Json>, numericEnums: boolean): Record<string, Json> {
	const index = fieldIndex(typeName);
	const out: Record<string, Json> = {};
	for (const [key, item] of Object.entries(value)) {
		if (item === undefined) continue;
		const field = index.get(key);
		if (!field || field.json !== key) {
			// A resource made through the other API version keeps its fields; this version's answer leaves them out.
			if (otherVersionHas(typeName, key)) continue;
			throw new Error(`the emulator answered ${typeName} with a field it does not have: ${key}`);
		}
		if (field.map) {
			const entries = Object.entries(item as Record<string, Json>).map(([mapKey, entry]) => [mapKey, writeSingle(field.type, entry, numericEnums)]);
			if (entries.length > 0) out[key] = Object.fromEntries(entries);
		} else if (field.repeated) {
			const items = (item as Json[]).map((entry) => writeSingle(field.type, entry, numericEnums));
			if (items.length > 0) out[key] = items;
		} else {
			const written = writeSingle(field.type, item, numericEnums);
			// Fields with presence (messages and well-known types, oneof members, proto3 optional) are written even when default.
			const hasPresence = field.oneof !== undefined || field.optional === true || !(SCALARS.has(field.type) || isEnum(contract().types[field.type]));
			if (hasPresence || !isDefault(field.type, written)) out[key] = written;
		}
	}
	return out;
}

/** True when the same message of the other API version (v1 <-> v1beta1) has this JSON field. */
function otherVersionHas(typeName: string, jsonName: string): boolean {
	const other = typeName.replace(/^google\.cloud\.aiplatform\.(v1beta1|v1)\./, (_all, version: string) => `google.cloud.aiplatform.${version === 'v1' ? 'v1beta1' : 'v1'}.`);
	if (other === typeName || !isMessage(contract().types[other])) return false;
	return fieldIndex(other).get(jsonName)?.json === jsonName;
}

function writeSingle(type: string, value: Json, numericEnums: boolean): Json {
	if (SIGNED_64.has(type) || UNSIGNED_64.has(type)) return String(value);
	if (FLOATING.has(type) && typeof value === 'number' && !Number.isFinite(value)) return String(value);
	if (SCALARS.has(type)) return value;
	const spec = contract().types[type];
	if (isEnum(spec)) {
		const number = typeof value === 'number' ? value : spec.values[value as string];
		if (number === undefined) throw new Error(`the emulator answered ${type} with an unknown value ${String(value)}`);
		return numericEnums ? number : (Object.keys(spec.values).find((name) => spec.values[name] === number) as string);
	}
	if (isMessage(spec)) return writeMessage(type, value as Record<string, Json>, numericEnums);
	const wrapped = WRAPPERS[type];
	if (wrapped) return writeSingle(wrapped, value, numericEnums);
	if (type === 'google.protobuf.Any' && isObject(value) && typeof value['@type'] === 'string') {
		const typeUrl = value['@type'];
		const inner = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
		const { '@type': _typeUrl, ...fields } = value;
		if (isMessage(contract().types[inner])) return { '@type': typeUrl, ...writeMessage(inner, fields, numericEnums) };
	}
	return value;
}
