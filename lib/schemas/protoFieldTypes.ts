/** The shape of lib/schemas/protoFields.ts, the request messages generated from googleapis' protos. */

/** A scalar's proto type, or how a well-known type is written in JSON (duration: "600s", value: any JSON...). */
export type ProtoScalar =
	| 'string'
	| 'bytes'
	| 'bool'
	| 'int32'
	| 'uint32'
	| 'sint32'
	| 'fixed32'
	| 'sfixed32'
	| 'int64'
	| 'uint64'
	| 'sint64'
	| 'fixed64'
	| 'sfixed64'
	| 'double'
	| 'float'
	| 'duration'
	| 'timestamp'
	| 'fieldMask'
	| 'struct'
	| 'value'
	| 'list'
	| 'any'
	| 'empty';

export interface ProtoField {
	/** Exactly one of type, message (a message's name in its version) and enum (an enum's name). */
	type?: ProtoScalar | string;
	message?: string;
	enum?: string;
	repeated?: boolean;
	/** Set for a map field: the key's scalar type; the field's type is the value's. */
	mapKey?: string;
	/** The oneof the field belongs to: at most one of its fields may be set. */
	oneof?: string;
	outputOnly?: boolean;
	required?: boolean;
}

export interface ProtoVersionData {
	/** Message name (relative to google.cloud.aiplatform.{version}) -> JSON field name -> field. */
	messages: Record<string, Record<string, ProtoField>>;
	/** Enum name -> its value names. */
	enums: Record<string, string[]>;
}

export interface ProtoFieldsData {
	source: { repository: string; commit: string; date: string };
	versions: Record<'v1' | 'v1beta1', ProtoVersionData>;
}
