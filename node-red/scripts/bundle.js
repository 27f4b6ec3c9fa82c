#!/usr/bin/env node
/*
 * Assembles the Node-RED package from the repository's build (`npm run build` at the top compiles lib/ and
 * node-red/src/ into dist/): the nodes' JavaScript and their editor HTML into node-red/dist/nodes/, and the
 * built core (dist/lib) into node-red/lib/, where the nodes' `require('../../lib')` finds it. Nothing of the core
 * is kept in the package's sources; its runtime dependencies are the package's dependencies. Runs before
 * `npm pack` (prepack) and at the end of the top-level build.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const REPOSITORY = path.resolve(PACKAGE_DIR, '..');
const BUILT_CORE = path.join(REPOSITORY, 'dist', 'lib');
const BUILT_NODES = path.join(REPOSITORY, 'dist', 'node-red', 'src');
const SOURCES = path.join(PACKAGE_DIR, 'src');

/** Files a package needs at run time: JavaScript (no source maps, no declarations). */
const isRuntimeFile = (/** @type {string} */ name) => name.endsWith('.js');

/**
 * Copies the runtime files of `from` into `to`, keeping sub-folders.
 * @param {string} from
 * @param {string} to
 * @param {(name: string) => boolean} keep
 */
function copyTree(from, to, keep) {
	for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
		const source = path.join(from, entry.name);
		if (entry.isDirectory()) copyTree(source, path.join(to, entry.name), keep);
		else if (keep(entry.name)) {
			fs.mkdirSync(to, { recursive: true });
			fs.copyFileSync(source, path.join(to, entry.name));
		}
	}
}

function main() {
	for (const built of [BUILT_CORE, BUILT_NODES]) {
		if (!fs.existsSync(built)) {
			process.stderr.write(`${path.relative(REPOSITORY, built)} is missing: run npm run build at the top of the repository first\n`);
			process.exit(1);
		}
	}
	const nodesOut = path.join(PACKAGE_DIR, 'dist', 'nodes');
	const coreOut = path.join(PACKAGE_DIR, 'lib');
	fs.rmSync(path.join(PACKAGE_DIR, 'dist'), { recursive: true, force: true });
	fs.rmSync(coreOut, { recursive: true, force: true });
	copyTree(BUILT_NODES, nodesOut, isRuntimeFile);
	copyTree(SOURCES, nodesOut, (name) => name.endsWith('.html'));
	copyTree(BUILT_CORE, coreOut, isRuntimeFile);
	const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
	for (const [type, file] of Object.entries(manifest['node-red'].nodes)) {
		const html = String(file).replace(/\.js$/, '.html');
		for (const needed of [file, html]) {
			if (!fs.existsSync(path.join(PACKAGE_DIR, String(needed)))) {
				process.stderr.write(`node type ${type}: ${needed} was not produced\n`);
				process.exit(1);
			}
		}
	}
	process.stdout.write(`bundled ${Object.keys(manifest['node-red'].nodes).length} node types and the core into ${path.relative(REPOSITORY, PACKAGE_DIR)}\n`);
}

main();
