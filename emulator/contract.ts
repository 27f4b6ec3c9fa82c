/**
 * The API contract the emulator routes and validates by: contract/aiplatform.json, extracted from
 * Google's own client package by contract/extract.js (see there). Imported as JSON, so every build
 * (tsc with resolveJsonModule) ships it beside this module.
 */
import contractJson from './contract/aiplatform.json';

export interface FieldSpec {
	/** The proto name (display_name), what Vertex's errors name. */
	name: string;
	/** The proto3 JSON name (displayName), what the emulator stores and answers with. */
	json: string;
	/** A scalar (string, int32...) or a full message or enum name. */
	type: string;
	repeated?: true;
	/** Set for map fields: the key type. */
	map?: string;
	/** The real oneof the field belongs to (proto3 `optional` is not one). */
	oneof?: string;
	/** proto3 `optional`: has presence, so a default value given is kept and answered. */
	optional?: true;
	/** google.api.field_behavior: REQUIRED, OUTPUT_ONLY, IMMUTABLE, OPTIONAL... */
	behavior?: string[];
}

export interface MessageSpec {
	fields: FieldSpec[];
}

export interface EnumSpec {
	values: Record<string, number>;
}

/** google.protobuf.* types with their own JSON forms (Duration, Timestamp, Any, Struct...). */
export interface WellKnownSpec {
	wellKnown: true;
}

export type TypeSpec = MessageSpec | EnumSpec | WellKnownSpec;

/** One google.api.http binding: `path` is a template such as `/v1/{name=projects/*\/locations/*\/models/*}`. */
export interface Binding {
	method: string;
	path: string;
	/** `*` (the whole request minus path fields), a field name, or absent (no body: the query carries the rest). */
	body?: string;
}

export interface MethodSpec {
	/** Absent for mixins whose messages the client package does not ship (IAMPolicy, Locations). */
	request?: string;
	response?: string;
	bindings: Binding[];
	lro?: { response: string; metadata: string };
}

export interface Contract {
	clientPackage: string;
	/** By full method name: google.cloud.aiplatform.v1.ModelService.UploadModel, google.longrunning.Operations.GetOperation... */
	methods: Record<string, MethodSpec>;
	types: Record<string, TypeSpec>;
}

export function contract(): Contract {
	return contractJson as unknown as Contract;
}

export function isMessage(spec: TypeSpec | undefined): spec is MessageSpec {
	return spec !== undefined && 'fields' in spec;
}

export function isEnum(spec: TypeSpec | undefined): spec is EnumSpec {
	return spec !== undefined && 'values' in spec;
}

/** A message's fields by JSON name and by proto name, built once per message. */
const fieldIndexes = new Map<string, Map<string, FieldSpec>>();

export function fieldIndex(typeName: string): Map<string, FieldSpec> {
	let index = fieldIndexes.get(typeName);
	if (!index) {
		const spec = contract().types[typeName];
		if (!isMessage(spec)) throw new Error(`${typeName} is not a message of the contract`);
		index = new Map();
		for (const field of spec.fields) {
			index.set(field.json, field);
			index.set(field.name, field);
		}
		fieldIndexes.set(typeName, index);
	}
	return index;
}

export function hasBehavior(field: FieldSpec, behavior: string): boolean {
	return field.behavior?.includes(behavior) ?? false;
}
