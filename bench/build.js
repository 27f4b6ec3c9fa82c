'use strict';
/**
 * Makes sure what the bench loads is built and newer than its TypeScript sources; builds what is not:
 * - dist (lib, nodes, credentials) and the emulator package's build;
 * - test/harness compiled into bench/engine-build (bench/tsconfig.json), for the contenders that run inside
 *   n8n-core's engine (bench/engine-contenders.js).
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Each target: the source folders it is built from, files whose presence and age stand for it, and its build steps. */
const TARGETS = [
	{
		name: 'dist and the emulator package',
		sourceDirs: ['lib', 'nodes', 'credentials', 'emulator'],
		builtFiles: [
			'dist/lib/index.js',
			'dist/nodes/VertexAiInvoke/VertexAiInvoke.node.js',
			'dist/credentials/GoogleVertexAiApi.credentials.js',
			'emulator/dist/index.js',
			'emulator/dist/sampleModelServer.js',
		],
		steps: ['the emulator package (emulator/build.js), then tsc -p tsconfig.build.json', [path.join(ROOT, 'emulator', 'build.js')], ['tsc', '-p', 'tsconfig.build.json']],
	},
	{
		name: 'the engine harness',
		sourceDirs: ['test/harness'],
		builtFiles: ['bench/engine-build/test/harness/n8n-engine.js'],
		steps: ['test/harness with tsc -p bench/tsconfig.json', ['tsc', '-p', 'bench/tsconfig.json']],
	},
];

function newestSourceTime(dir) {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		// emulator/dist is the emulator package's build, not its sources.
		if (entry.isDirectory()) newest = entry.name === 'dist' || entry.name === 'node_modules' ? newest : Math.max(newest, newestSourceTime(full));
		else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
	}
	return newest;
}

/** Why the target must be built, or undefined when it is current. */
function staleReason(target) {
	const missing = target.builtFiles.find((file) => !existsSync(path.join(ROOT, file)));
	if (missing) return `${missing} is missing`;
	const sources = Math.max(...target.sourceDirs.map((dir) => newestSourceTime(path.join(ROOT, dir))));
	const oldestBuilt = Math.min(...target.builtFiles.map((file) => statSync(path.join(ROOT, file)).mtimeMs));
	return sources > oldestBuilt ? 'sources changed since the last build' : undefined;
}

function build(target, reason, log) {
	const [description, ...commands] = target.steps;
	log(`building ${target.name} (${reason}): ${description}`);
	const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
	for (const [command, ...args] of commands) {
		const result = spawnSync(process.execPath, [command === 'tsc' ? tsc : command, ...args], { cwd: ROOT, encoding: 'utf8' });
		if (result.status === 0) continue;
		// tsc still writes JavaScript when types fail; go on if what the bench needs is there, but say so.
		log(`the build reported errors (exit ${result.status}):\n${(result.stdout + result.stderr).trim()}`);
	}
	const missing = target.builtFiles.find((file) => !existsSync(path.join(ROOT, file)));
	if (missing) throw new Error(`the build did not produce ${missing}`);
}

function ensureBuilt(log) {
	for (const target of TARGETS) {
		const reason = staleReason(target);
		if (reason) build(target, reason, log);
	}
}

module.exports = { ensureBuilt };
