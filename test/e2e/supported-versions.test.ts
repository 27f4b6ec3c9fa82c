/**
 * The supported n8n range the README states, checked rather than guessed: the oldest supported n8n is
 * the default of the real-n8n suites, its n8n-workflow and n8n-core are the package's dev copies (so the
 * in-process engine suites, test/nodes, run the nodes on the oldest engine), and every node of the built
 * package loads, with its parameters resolved by n8n-workflow's NodeHelpers, on the n8n-workflow each
 * installed supported n8n ships. The e2e and editor suites run on each version through
 * scripts/n8n-versions.js. Each install folder holds the npm overrides of its own release only, and they took
 * effect. Only with N8N_E2E=1 (it reads the installed n8n releases).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_N8N_VERSION, SUPPORTED_N8N_VERSIONS, installDir, installOverrides, isInstalled } from '../../scripts/n8n-install';
import { NODE_NAMES, describeE2e, requireFreshBuild } from './support';

const ROOT = join(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const devCopy = (name: string): string => readJson(join(ROOT, 'node_modules', name, 'package.json')).version;
const shipped = (version: string, name: string): string => readJson(join(installDir(version), 'node_modules', name, 'package.json')).version;

/**
 * In a child process whose `require('n8n-workflow')` resolves to the given copy: require every built
 * node, and let NodeHelpers.getNodeParameters resolve its default parameters (what n8n does when a node
 * is added to a workflow). Prints one JSON line: { workflowVersion, nodes: [{ name, parameters }] }.
 */
function loadNodesWith(workflowDir: string) {
	// A node file may export helpers beside its class: the class is the export named after the folder.
	const files = NODE_NAMES.map((name) => {
		const folder = `${name[0].toUpperCase()}${name.slice(1)}`;
		return { file: join(ROOT, 'dist', 'nodes', folder, `${folder}.node.js`), className: folder };
	});
	const script = `
		const Module = require('node:module');
		const path = require('node:path');
		const dir = ${JSON.stringify(workflowDir)};
		const resolve = Module._resolveFilename;
		Module._resolveFilename = function (request, ...rest) {
			if (request === 'n8n-workflow' || request.startsWith('n8n-workflow/')) request = path.join(dir, request.slice('n8n-workflow'.length));
			return resolve.call(this, request, ...rest);
		};
		const { NodeHelpers } = require('n8n-workflow');
		const nodes = ${JSON.stringify(files)}.map(({ file, className }) => {
			const NodeClass = require(file)[className];
			const { description } = new NodeClass();
			const version = Array.isArray(description.version) ? Math.max(...description.version) : description.version;
			const parameters = NodeHelpers.getNodeParameters(description.properties, {}, true, false, { typeVersion: version }, description);
			return { name: description.name, parameters: Object.keys(parameters || {}).length };
		});
		process.stdout.write(JSON.stringify({ workflowVersion: require(path.join(dir, 'package.json')).version, resolved: require.resolve('n8n-workflow'), nodes }) + '\\n');
	`;
	const { NODE_ENV, ...env } = process.env;
	const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
	if (result.status !== 0) throw new Error(`loading the nodes on ${workflowDir} failed:\n${result.stderr}`);
	return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { workflowVersion: string; resolved: string; nodes: Array<{ name: string; parameters: number }> };
}

describeE2e('the supported n8n range', () => {
	const [oldest] = SUPPORTED_N8N_VERSIONS;

	beforeAll(() => requireFreshBuild());

	it('the oldest supported n8n is the default of the real-n8n suites, and the README states the range', () => {
		expect(oldest).toBe(DEFAULT_N8N_VERSION);
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
		expect(readme).toContain(`n8n ${oldest} to ${SUPPORTED_N8N_VERSIONS.at(-1)}`);
	});

	it('the in-process engine suites run on the oldest supported n8n engine: its n8n-workflow and n8n-core are the dev copies', () => {
		if (!isInstalled(installDir(oldest), oldest)) throw new Error(`n8n ${oldest} is not installed: node scripts/n8n-install.js --all`);
		expect(devCopy('n8n-workflow')).toBe(shipped(oldest, 'n8n-workflow'));
		expect(devCopy('n8n-core')).toBe(shipped(oldest, 'n8n-core'));
	});

	it.each(SUPPORTED_N8N_VERSIONS)('the install folder of n8n %s has its own overrides, and every pinned package is installed at its pin', (version) => {
		if (!isInstalled(installDir(version), version)) throw new Error(`n8n ${version} is not installed: node scripts/n8n-install.js --all`);
		const overrides = installOverrides(version);
		expect(readJson(join(installDir(version), 'package.json')).overrides).toEqual(overrides);
		// Every copy of a pinned package in the tree (top level or nested) is at its pin; n8n's own dependencies must be there.
		const lockEntries = Object.entries<{ version: string }>(readJson(join(installDir(version), 'package-lock.json')).packages);
		const n8nDependencies = readJson(join(installDir(version), 'node_modules', 'n8n', 'package.json')).dependencies;
		for (const [name, pinned] of Object.entries(overrides)) {
			const installed = lockEntries.filter(([key]) => key.endsWith(`node_modules/${name}`)).map(([, entry]) => entry.version);
			if (name in n8nDependencies) expect([name, installed.length > 0]).toEqual([name, true]);
			expect([name, [...new Set(installed)]]).toEqual([name, installed.length ? [pinned] : []]);
		}
	});

	it('the oldest supported n8n installs as published: no package of n8n is pinned in its folder', () => {
		const pinnedOfN8n = Object.keys(installOverrides(oldest)).filter((name) => name.startsWith('@n8n/') || name.startsWith('n8n-'));
		expect(pinnedOfN8n).toEqual([]);
	});

	it.each(SUPPORTED_N8N_VERSIONS)("every node loads and resolves its parameters on the n8n-workflow n8n %s ships", (version) => {
		const dir = join(installDir(version), 'node_modules', 'n8n-workflow');
		if (!existsSync(dir)) throw new Error(`n8n ${version} is not installed: node scripts/n8n-install.js --all`);
		const loaded = loadNodesWith(dir);
		expect(loaded.resolved.startsWith(dir)).toBe(true);
		expect(loaded.workflowVersion).toBe(shipped(version, 'n8n-workflow'));
		expect(loaded.nodes.map((node) => node.name)).toEqual(NODE_NAMES);
		expect(loaded.nodes.every((node) => node.parameters > 0)).toBe(true);
	});
});
