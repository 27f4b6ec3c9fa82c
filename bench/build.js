'use strict';
/** Makes sure dist/lib and the emulator package's build exist and are newer than their TypeScript sources; builds them if not. */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['lib', 'emulator'];
const BUILT_FILES = ['dist/lib/index.js', 'emulator/dist/index.js', 'emulator/dist/sample-model-server.js'];

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

/** Why the build must run, or undefined when dist is current. */
function staleReason() {
	const missing = BUILT_FILES.find((file) => !existsSync(path.join(ROOT, file)));
	if (missing) return `${missing} is missing`;
	const sources = Math.max(...SOURCE_DIRS.map((dir) => newestSourceTime(path.join(ROOT, dir))));
	const oldestBuilt = Math.min(...BUILT_FILES.map((file) => statSync(path.join(ROOT, file)).mtimeMs));
	return sources > oldestBuilt ? 'sources changed since the last build' : undefined;
}

function ensureBuilt(log) {
	const reason = staleReason();
	if (!reason) return;
	log(`building (${reason}): the emulator package (emulator/build.js), then tsc -p tsconfig.build.json`);
	const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
	for (const args of [[path.join(ROOT, 'emulator', 'build.js')], [tsc, '-p', 'tsconfig.build.json']]) {
		const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
		if (result.status === 0) continue;
		// tsc still writes JavaScript when types fail; go on if what the bench needs is there, but say so.
		log(`the build reported errors (exit ${result.status}):\n${(result.stdout + result.stderr).trim()}`);
	}
	const missing = BUILT_FILES.find((file) => !existsSync(path.join(ROOT, file)));
	if (missing) throw new Error(`the build did not produce ${missing}`);
}

module.exports = { ensureBuilt };
