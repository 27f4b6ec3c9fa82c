/**
 * A control-plane request as Google's HTTP front end reads it: the path binds some fields, the body
 * (per the binding: the whole request, one field, or nothing) and the query the rest; everything is
 * checked against the request message before the method runs.
 */
import { contract, fieldIndex, isMessage, type Binding, type FieldSpec } from './contract';
import { ApiError, fieldViolations, invalidPayload, type FieldViolation } from './googleErrors';
import { missingRequired, ProtoJsonReader } from './protoJson';

/** Google's system parameters (each also spelled with a leading `$`), which bind to no request field. */
const SYSTEM_PARAMETERS = new Set(['alt', 'fields', 'key', 'prettyPrint', 'quotaUser', 'callback', 'upload_protocol', 'uploadType', 'access_token', 'oauth_token', '.xgafv', 'userIp', 'trace']);

export interface ParsedRequest {
	/** The body as the request's message (canonical form); {} when the binding has no body. */
	body: Record<string, unknown>;
	/** The query's request fields by JSON name (dotted for nested ones), canonical values; system parameters left out. */
	query: URLSearchParams;
}

export interface ResponseFormat {
	/** `$alt=json;enum-encoding=int`: enums answered as numbers. */
	numericEnums: boolean;
	/** `$prettyPrint=0` / `prettyPrint=false` asks for compact JSON. */
	pretty: boolean;
}

function systemName(key: string): string | undefined {
	const name = key.startsWith('$') ? key.slice(1) : key;
	return SYSTEM_PARAMETERS.has(name) ? name : undefined;
}

/**
 * A raw query string without Google's system parameters (`alt`, `$alt`, `prettyPrint`, `key`...), each
 * other parameter kept byte for byte: what the data plane forwards to a model server, which never sees
 * the parameters Google's front end consumes.
 */
export function withoutSystemParameters(rawQuery: string): string {
	if (rawQuery === '') return '';
	return rawQuery
		.split('&')
		.filter((part) => {
			if (part === '') return false;
			const rawKey = part.split('=')[0] as string;
			let key: string;
			try {
				key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
			} catch {
				return true;
			}
			return systemName(key) === undefined;
		})
		.join('&');
}

/** What the system parameters ask of the answer. Only JSON is spoken (alt=proto and alt=media are not emulated). */
export function responseFormat(query: URLSearchParams): ResponseFormat {
	const format: ResponseFormat = { numericEnums: false, pretty: true };
	for (const [key, value] of query) {
		const name = systemName(key);
		if (name === 'alt') {
			const [kind, ...options] = value.split(';').map((part) => part.trim());
			if (kind !== 'json') throw new ApiError('UNIMPLEMENTED', `alt=${kind} is not emulated: the emulator only answers JSON.`);
			if (options.includes('enum-encoding=int')) format.numericEnums = true;
		}
		if (name === 'prettyPrint') format.pretty = !['0', 'false'].includes(value);
	}
	return format;
}

/** The JSON body: `{}` when empty; a non-object root is refused as Google refuses it. */
function parseBody(raw: Buffer): unknown {
	if (raw.length === 0) return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		throw new ApiError('INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.');
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw invalidPayload([{ description: 'Invalid JSON payload received. Unknown name "": Root element must be a message.' }]);
	}
	return parsed;
}

/** The fields a dotted proto or JSON path goes through, or undefined when one is missing. */
function resolvePath(typeName: string, dotted: string): FieldSpec[] | undefined {
	const chain: FieldSpec[] = [];
	let type = typeName;
	for (const part of dotted.split('.')) {
		if (!isMessage(contract().types[type])) return undefined;
		const field = fieldIndex(type).get(part);
		if (!field) return undefined;
		chain.push(field);
		type = field.type;
	}
	return chain;
}

function setPath(target: Record<string, unknown>, chain: FieldSpec[], value: unknown): void {
	let node = target;
	chain.slice(0, -1).forEach((field) => {
		node[field.json] ??= {};
		node = node[field.json] as Record<string, unknown>;
	});
	const last = chain[chain.length - 1] as FieldSpec;
	if (last.repeated) node[last.json] = [...((node[last.json] as unknown[] | undefined) ?? []), value];
	else node[last.json] = value;
}

/**
 * Parses and checks one request against `requestType` for the binding it came in on. `rawBody` is
 * only read when the binding has a body: a body sent to a body-less rule (a `""` on :cancel) is ignored.
 */
export function parseRequest(requestType: string, binding: Binding, vars: Record<string, string>, query: URLSearchParams, rawBody: Buffer): ParsedRequest {
	const reader = new ProtoJsonReader();
	const request: Record<string, unknown> = {};
	let body: Record<string, unknown> = {};
	let bodyField: FieldSpec | undefined;
	if (binding.body === '*') {
		body = reader.message(requestType, parseBody(rawBody), '') ?? {};
		Object.assign(request, body);
	} else if (binding.body) {
		bodyField = fieldIndex(requestType).get(binding.body);
		if (!bodyField) throw new Error(`${requestType} has no body field ${binding.body}`);
		// An empty body leaves the field unset (then REQUIRED says so).
		if (rawBody.length > 0) {
			body = reader.message(bodyField.type, parseBody(rawBody), bodyField.name) ?? {};
			request[bodyField.json] = body;
		}
	}

	const canonical = new URLSearchParams();
	const unbindable = (key: string, why: string): void => {
		reader.violations.push({ description: `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. ${why}` });
	};
	for (const [key, value] of query) {
		if (systemName(key) !== undefined) continue;
		const chain = binding.body === '*' ? undefined : resolvePath(requestType, key);
		if (!chain || chain[0] === bodyField) {
			unbindable(key, `Field '${key}' could not be found in request message.`);
			continue;
		}
		const last = chain[chain.length - 1] as FieldSpec;
		if (last.map || isMessage(contract().types[last.type])) {
			unbindable(key, `'${key}' is a message type. Parameters can only be bound to primitive types.`);
			continue;
		}
		const at = chain.map((field) => field.name).join('.');
		const parsed = reader.single(last.type, value, at, 'query');
		if (parsed === undefined) continue;
		setPath(request, chain, parsed);
		canonical.append(chain.map((field) => field.json).join('.'), String(parsed));
	}
	if (reader.violations.length > 0) throw invalidPayload(reader.violations);

	for (const [field, value] of Object.entries(vars)) {
		const chain = resolvePath(requestType, field);
		if (chain) setPath(request, chain, value);
	}
	// An update's resource carries only the fields its update_mask names, so its own REQUIRED fields are not asked for.
	const partial = fieldIndex(requestType).has('update_mask');
	const missing: FieldViolation[] = missingRequired(requestType, request, '', partial);
	if (missing.length > 0) throw fieldViolations(missing);
	return { body, query: canonical };
}
