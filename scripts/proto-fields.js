#!/usr/bin/env node
'use strict';
/**
 * Writes lib/schemas/protoFields.ts: for each API version (v1, v1beta1), every message and enum that the request
 * bodies of Upload Model, Create Endpoint, Deploy Model and Manage's pool create can hold, with each field's JSON name, type, repeated/map,
 * oneof and behaviours (OUTPUT_ONLY...). The core checks "Additional Fields" against it before anything is sent.
 * Nothing in the output is written by hand: it is read from googleapis' .proto sources at one commit, recorded in it.
 *
 *   node scripts/proto-fields.js <googleapis git dir> [commit]     (commit defaults to HEAD)
 *   node scripts/proto-fields.js <googleapis git dir> [commit] --check    (exit 1 when the file differs)
 *
 * The git dir may be bare (the .proto files are read with `git show`, no checkout needed).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const protobuf = require('protobufjs');

const OUTPUT = path.join(__dirname, '..', 'lib', 'schemas', 'protoFields.ts');
const VERSIONS = ['v1', 'v1beta1'];
/** The bodies the nodes send: UploadModelRequest (minus the path's parent), the Endpoint itself, DeployModelRequest, and the DeploymentResourcePool of a pool's create. */
const ROOTS = ['UploadModelRequest', 'Endpoint', 'DeployModelRequest', 'DeploymentResourcePool'];
/** Types outside the aiplatform package, by what their JSON mapping is. */
const EXTERNAL = {
	'google.protobuf.Duration': 'duration',
	'google.protobuf.Timestamp': 'timestamp',
	'google.protobuf.FieldMask': 'fieldMask',
	'google.protobuf.Struct': 'struct',
	'google.protobuf.Value': 'value',
	'google.protobuf.ListValue': 'list',
	'google.protobuf.Any': 'any',
	'google.protobuf.Empty': 'empty',
	'google.protobuf.BoolValue': 'bool',
	'google.protobuf.StringValue': 'string',
	'google.protobuf.Int32Value': 'int32',
	'google.protobuf.Int64Value': 'int64',
	'google.protobuf.UInt32Value': 'uint32',
	'google.protobuf.UInt64Value': 'uint64',
	'google.protobuf.DoubleValue': 'double',
	'google.protobuf.FloatValue': 'float',
	'google.rpc.Status': 'any',
	'google.type.Interval': 'any',
	'google.type.Money': 'any',
};

function git(gitDir, ...args) {
	return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function parseVersion(gitDir, commit, version) {
	const root = new protobuf.Root();
	const dir = `google/cloud/aiplatform/${version}`;
	const files = git(gitDir, 'ls-tree', '--name-only', `${commit}:${dir}`)
		.split('\n')
		.filter((name) => name.endsWith('.proto'))
		.sort();
	// File by file, imports not followed: types from google/protobuf, google/rpc and google/type are mapped by name.
	for (const file of files) protobuf.parse(git(gitDir, 'show', `${commit}:${dir}/${file}`), root, { keepCase: true });
	return root;
}

/** protoc's json_name: underscores dropped, the character after each one upper-cased. */
function jsonName(protoName) {
	return protoName.replace(/_+([^_])?/g, (_all, next) => (next ? next.toUpperCase() : ''));
}

function extractVersion(gitDir, commit, version) {
	const root = parseVersion(gitDir, commit, version);
	const prefix = `google.cloud.aiplatform.${version}.`;
	const short = (reflection) => reflection.fullName.replace(/^\./, '').replace(prefix, '');
	const messages = {};
	const enums = {};
	const stack = ROOTS.map((name) => root.lookupType(`${prefix}${name}`));
	while (stack.length > 0) {
		const type = stack.pop();
		const name = short(type);
		if (messages[name]) continue;
		const fields = {};
		for (const field of type.fieldsArray) {
			const scalar = field.type in protobuf.types.basic || field.type === 'string' || field.type === 'bytes';
			const external = EXTERNAL[field.type.replace(/^\./, '')];
			const resolved = scalar || external ? undefined : type.lookup(field.type, [protobuf.Type, protobuf.Enum]);
			if (!scalar && !external && !resolved) throw new Error(`${name}.${field.name}: type ${field.type} is neither in the package nor mapped`);
			let spec;
			if (resolved instanceof protobuf.Enum) {
				enums[short(resolved)] = Object.keys(resolved.values);
				spec = { enum: short(resolved) };
			} else if (resolved instanceof protobuf.Type) {
				spec = { message: short(resolved) };
				stack.push(resolved);
			} else {
				spec = { type: external ?? field.type };
			}
			if (field.map) spec.mapKey = field.keyType;
			else if (field.repeated) spec.repeated = true;
			if (field.partOf && !field.options?.proto3_optional) spec.oneof = field.partOf.name;
			const behaviours = (field.parsedOptions ?? []).map((option) => option['(google.api.field_behavior)']).filter(Boolean);
			if (behaviours.includes('OUTPUT_ONLY')) spec.outputOnly = true;
			if (behaviours.includes('REQUIRED')) spec.required = true;
			fields[jsonName(field.name)] = spec;
		}
		messages[name] = fields;
	}
	const sorted = (object) => Object.fromEntries(Object.keys(object).sort().map((key) => [key, object[key]]));
	return { messages: sorted(messages), enums: sorted(enums) };
}

/** JSON with one line per field (or enum): short to read, and a diff shows each changed field. */
function compact(value, depth = 0) {
	const leaf = (inner) => typeof inner !== 'object' || inner === null || Array.isArray(inner) || Object.values(inner).every((v) => typeof v !== 'object');
	if (leaf(value)) return JSON.stringify(value);
	const pad = '\t'.repeat(depth + 1);
	const entries = Object.entries(value).map(([key, inner]) => `${pad}${JSON.stringify(key)}: ${compact(inner, depth + 1)}`);
	return `{\n${entries.join(',\n')}\n${'\t'.repeat(depth)}}`;
}

function render(gitDir, commit) {
	const sha = git(gitDir, 'rev-parse', `${commit}^{commit}`).trim();
	const date = git(gitDir, 'show', '-s', '--format=%cs', sha).trim();
	const data = { source: { repository: 'googleapis/googleapis', commit: sha, date }, versions: {} };
	for (const version of VERSIONS) data.versions[version] = extractVersion(gitDir, sha, version);
	return [
		'/* eslint-disable */',
		`// Generated by scripts/proto-fields.js from googleapis/googleapis ${sha} (${date}), google/cloud/aiplatform/{v1,v1beta1}/*.proto; do not edit.`,
		"import type { ProtoFieldsData } from './protoFieldTypes';",
		'',
		`export const PROTO_FIELDS: ProtoFieldsData = ${compact(data)};`,
		'',
	].join('\n');
}

if (require.main === module) {
	const args = process.argv.slice(2).filter((arg) => arg !== '--check');
	const [gitDir, commit = 'HEAD'] = args;
	if (!gitDir) {
		process.stderr.write('usage: node scripts/proto-fields.js <googleapis git dir> [commit] [--check]\n');
		process.exit(2);
	}
	const text = render(gitDir, commit);
	if (process.argv.includes('--check')) {
		if (!fs.existsSync(OUTPUT) || fs.readFileSync(OUTPUT, 'utf8') !== text) {
			process.stderr.write(`${path.relative(process.cwd(), OUTPUT)} is out of date: run node scripts/proto-fields.js ${gitDir} ${commit}\n`);
			process.exit(1);
		}
	} else {
		fs.writeFileSync(OUTPUT, text);
		process.stdout.write(`wrote ${OUTPUT} (${text.length} bytes)\n`);
	}
}

module.exports = { render, OUTPUT };
