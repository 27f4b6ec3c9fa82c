#!/usr/bin/env node
'use strict';
/**
 * Writes contract/aiplatform.json, the machine-readable slice of Vertex AI's API that the emulator
 * routes and validates by: every HTTP binding of the services it plays, and every message and enum
 * their requests, responses and long-running operations use. Nothing in it is written by hand; it is
 * extracted from the installed @google-cloud/aiplatform, Google's own client:
 *
 * - build/protos/protos.json: messages, fields (proto and JSON names, types, maps, repeated, oneofs),
 *   enums, and each method's google.api.http rule and operation_info;
 * - build/protos/google/cloud/aiplatform/**.proto: field behaviours (REQUIRED, OUTPUT_ONLY...), because
 *   protos.json keeps one value per option, so a field marked REQUIRED and IMMUTABLE reads as IMMUTABLE;
 * - build/src/{v1,v1beta1}/*_client.js: the HTTP rules of the mixins (google.longrunning.Operations with its /ui/
 *   bindings, Locations, IAMPolicy), which live in the service config, not in the protos.
 *
 * `node emulator/contract/extract.js` rewrites the file; `--check` exits 1 when it is out of date. A test
 * does the same check, so upgrading the client package shows what changed in the contract.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const protobuf = require('protobufjs');

const CLIENT_PACKAGE = '@google-cloud/aiplatform';
const OUTPUT = path.join(__dirname, 'aiplatform.json');
const VERSIONS = ['v1', 'v1beta1'];
/** Services whose messages the emulator parses; PredictionService is the data plane, whose bodies pass through as bytes. */
const SERVICES = [
	{ name: 'ModelService', types: true },
	{ name: 'EndpointService', types: true },
	{ name: 'DeploymentResourcePoolService', types: true },
	{ name: 'PredictionService', types: false },
];
/** The generated clients with long-running methods, whose mixin rules are read (they must agree). */
const MIXIN_SOURCES = ['model_service_client.js', 'endpoint_service_client.js'];
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const WELL_KNOWN = new Set([
	'google.protobuf.Any',
	'google.protobuf.Duration',
	'google.protobuf.Timestamp',
	'google.protobuf.FieldMask',
	'google.protobuf.Empty',
	'google.protobuf.Struct',
	'google.protobuf.Value',
	'google.protobuf.ListValue',
	'google.protobuf.NullValue',
	'google.protobuf.DoubleValue',
	'google.protobuf.FloatValue',
	'google.protobuf.Int64Value',
	'google.protobuf.UInt64Value',
	'google.protobuf.Int32Value',
	'google.protobuf.UInt32Value',
	'google.protobuf.BoolValue',
	'google.protobuf.StringValue',
	'google.protobuf.BytesValue',
]);

function packageDir() {
	return path.dirname(require.resolve(`${CLIENT_PACKAGE}/package.json`));
}

function fullName(reflection) {
	return reflection.fullName.replace(/^\./, '');
}

/** An HttpRule (as protos.json or a client's httpRules spell it) as a flat list of bindings. */
function bindingsOf(rule) {
	const out = [];
	const add = (one) => {
		for (const method of HTTP_METHODS) {
			if (typeof one[method] === 'string') out.push({ method: method.toUpperCase(), path: one[method], ...(one.body ? { body: one.body } : {}) });
		}
	};
	add(rule);
	const more = rule.additional_bindings;
	for (const extra of Array.isArray(more) ? more : more ? [more] : []) add(extra);
	return out;
}

/**
 * Per `message full name#field number`: the field's proto name and behaviours, read from the .proto sources
 * (protos.json keeps only the lowerCamel name, which does not always give the proto name back).
 */
function protoSources(dir) {
	const protoRoot = path.join(dir, 'build', 'protos');
	const root = new protobuf.Root();
	// Parsed file by file, imports not followed: google/api and google/protobuf carry no fields taken from here.
	for (const version of VERSIONS) {
		const dirOfVersion = path.join(protoRoot, 'google', 'cloud', 'aiplatform', version);
		for (const file of fs.readdirSync(dirOfVersion).filter((name) => name.endsWith('.proto')).sort()) {
			protobuf.parse(fs.readFileSync(path.join(dirOfVersion, file), 'utf8'), root, { keepCase: true });
		}
	}
	const fields = new Map();
	const walk = (namespace) => {
		for (const nested of namespace.nestedArray) {
			if (nested instanceof protobuf.Type) {
				for (const field of nested.fieldsArray) {
					const values = (field.parsedOptions ?? []).map((option) => option['(google.api.field_behavior)']).filter((value) => value !== undefined);
					fields.set(`${fullName(nested)}#${field.id}`, { name: field.name, behavior: values.length > 0 ? [...new Set(values)].sort() : undefined });
				}
			}
			if (nested.nestedArray) walk(nested);
		}
	};
	walk(root);
	return fields;
}

/** The mixins' rules from the generated client: `lroOptions.httpRules = [...]`, an object literal evaluated in a sandbox. */
function mixinRules(dir, apiVersion) {
	let agreed;
	for (const file of MIXIN_SOURCES) {
		const source = fs.readFileSync(path.join(dir, 'build', 'src', apiVersion, file), 'utf8');
		const start = source.indexOf('lroOptions.httpRules = [');
		if (start < 0) throw new Error(`${file}: no lroOptions.httpRules`);
		const open = source.indexOf('[', start);
		let depth = 0;
		let end = open;
		for (; end < source.length; end++) {
			if (source[end] === '[') depth++;
			else if (source[end] === ']' && --depth === 0) break;
		}
		const rules = vm.runInNewContext(`(${source.slice(open, end + 1)})`, Object.create(null), { timeout: 1000 });
		const text = JSON.stringify(rules);
		if (agreed !== undefined && text !== agreed) throw new Error(`${file}: its mixin HTTP rules differ from ${MIXIN_SOURCES[0]}'s`);
		agreed = text;
	}
	return JSON.parse(agreed);
}

function extractContract() {
	const dir = packageDir();
	const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	const root = protobuf.Root.fromJSON(JSON.parse(fs.readFileSync(path.join(dir, 'build', 'protos', 'protos.json'), 'utf8')));
	root.resolveAll();
	const sources = protoSources(dir);

	const methods = {};
	const typeRoots = [];
	const lookupType = (scope, name) => {
		const found = scope.lookup(name);
		if (!found) throw new Error(`cannot resolve ${name} from ${scope.fullName}`);
		return found;
	};
	const addMethod = (qualified, method, bindings, withTypes) => {
		method.resolve();
		const entry = { request: fullName(method.resolvedRequestType), response: fullName(method.resolvedResponseType), bindings };
		const info = method.parsedOptions?.find((option) => option['(google.longrunning.operation_info)'])?.['(google.longrunning.operation_info)'];
		if (info) {
			entry.lro = {
				response: fullName(lookupType(method.parent, info.response_type)),
				metadata: fullName(lookupType(method.parent, info.metadata_type)),
			};
		}
		if (withTypes) {
			typeRoots.push(method.resolvedRequestType, method.resolvedResponseType);
			if (info) typeRoots.push(lookupType(method.parent, info.response_type), lookupType(method.parent, info.metadata_type));
		}
		methods[qualified] = entry;
	};

	for (const apiVersion of VERSIONS) {
		for (const service of SERVICES) {
			const reflected = root.lookupService(`google.cloud.aiplatform.${apiVersion}.${service.name}`);
			for (const method of reflected.methodsArray) {
				const http = method.parsedOptions?.find((option) => option['(google.api.http)'])?.['(google.api.http)'];
				// Streaming-only gRPC methods have no HTTP binding.
				if (!http) continue;
				addMethod(`${fullName(reflected)}.${method.name}`, method, bindingsOf(http), service.types);
			}
		}
	}
	// The mixins each API version's clients use: /ui/ and /v1/ bindings from the v1 clients, /v1beta1/ from the v1beta1 ones.
	const mixins = new Map();
	for (const apiVersion of VERSIONS) {
		for (const rule of mixinRules(dir, apiVersion)) {
			const known = mixins.get(rule.selector) ?? [];
			for (const binding of bindingsOf(rule)) {
				if (!known.some((b) => b.method === binding.method && b.path === binding.path)) known.push(binding);
			}
			mixins.set(rule.selector, known);
		}
	}
	for (const [selector, bindings] of mixins) {
		const dot = selector.lastIndexOf('.');
		const service = root.lookup(selector.slice(0, dot));
		const method = service instanceof protobuf.Service ? service.methods[selector.slice(dot + 1)] : undefined;
		if (!method) {
			// A mixin whose protos the package does not ship (IAM, Locations): routed, answered as not emulated.
			methods[selector] = { bindings };
			continue;
		}
		addMethod(selector, method, bindings, selector.startsWith('google.longrunning.'));
	}

	const types = {};
	const stack = [...typeRoots];
	while (stack.length > 0) {
		const type = stack.pop();
		const name = fullName(type);
		if (types[name]) continue;
		if (WELL_KNOWN.has(name)) {
			types[name] = { wellKnown: true };
			continue;
		}
		if (type instanceof protobuf.Enum) {
			types[name] = { values: { ...type.values } };
			continue;
		}
		const fields = type.fieldsArray.map((field) => {
			const source = sources.get(`${name}#${field.id}`);
			const protoName = source?.name ?? toSnake(field.name);
			const spec = { name: protoName, json: jsonName(protoName), type: field.resolvedType ? fullName(field.resolvedType) : field.type };
			if (field.map) spec.map = field.keyType;
			else if (field.repeated) spec.repeated = true;
			// proto3 `optional` is a synthetic oneof: it gives presence (a default value is still sent), not exclusivity.
			if (field.options?.proto3_optional) spec.optional = true;
			else if (field.partOf) spec.oneof = toSnake(field.partOf.name);
			const behaviour = source ? source.behavior : protosJsonBehaviour(field);
			if (behaviour) spec.behavior = behaviour;
			if (field.resolvedType) stack.push(field.resolvedType);
			return spec;
		});
		types[name] = { fields };
	}
	const sorted = (object) => Object.fromEntries(Object.keys(object).sort().map((key) => [key, object[key]]));
	return {
		_generated: `by emulator/contract/extract.js from ${CLIENT_PACKAGE} ${version} (protos.json, the .proto sources, the clients' mixin rules); do not edit`,
		clientPackage: `${CLIENT_PACKAGE}@${version}`,
		methods: sorted(methods),
		types: sorted(types),
	};
}

/** protos.json's own (single) behaviour, for fields outside aiplatform's .proto files (google.longrunning, google.rpc). */
function protosJsonBehaviour(field) {
	const value = field.options?.['(google.api.field_behavior)'];
	return value === undefined ? undefined : [value];
}

/** For messages outside aiplatform's .proto files (google.longrunning, google.rpc), whose names are plain snake_case. */
function toSnake(name) {
	return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** protoc's json_name: underscores dropped, the character after each one upper-cased. */
function jsonName(protoName) {
	return protoName.replace(/_+([^_])?/g, (_all, next) => (next ? next.toUpperCase() : ''));
}

function serialize(contract) {
	return `${JSON.stringify(contract, null, 1)}\n`;
}

module.exports = { extractContract, serialize, OUTPUT };

if (require.main === module) {
	const text = serialize(extractContract());
	if (process.argv.includes('--check')) {
		const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
		if (current !== text) {
			process.stderr.write(`${path.relative(process.cwd(), OUTPUT)} is out of date: run node emulator/contract/extract.js\n`);
			process.exit(1);
		}
	} else {
		fs.writeFileSync(OUTPUT, text);
		process.stdout.write(`wrote ${OUTPUT} (${text.length} bytes)\n`);
	}
}
