/**
 * The Node-RED package as Node-RED's packaging guide asks, and how the core travels with it: a scoped name, a
 * `node-red` section naming each node's built file, an editor HTML beside each source, the core's runtime
 * dependencies declared (the core itself is bundled from the build, never kept in the sources), and the n8n
 * package still shipping only its own folders.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_CONTAINER_PORT } from '../../lib';

const ROOT = join(__dirname, '..', '..');
const PACKAGE_DIR = join(ROOT, 'node-red');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('the Node-RED package', () => {
	it('has a scoped name and is a workspace of the repository', () => {
		expect(manifest.name).toMatch(/^@[a-z0-9-]+\/node-red-/);
		expect(rootManifest.workspaces).toContain('node-red');
	});

	it('the Upload Model editor proposes the port Vertex uses when none is named (the editor cannot import the core)', () => {
		const html = readFileSync(join(PACKAGE_DIR, 'src', 'vertexAiUploadModel.html'), 'utf8');
		expect(/port: \{ value: (\d+)/.exec(html)?.[1]).toBe(String(DEFAULT_CONTAINER_PORT));
	});

	it('names every node type with its built file; each has a TypeScript source and an editor HTML', () => {
		const nodes = Object.entries(manifest['node-red'].nodes as Record<string, string>);
		expect(nodes.length).toBeGreaterThanOrEqual(2);
		for (const [type, file] of nodes) {
			expect([type, file]).toEqual([type, expect.stringMatching(/^dist\/nodes\/[A-Za-z]+\.js$/)]);
			const base = file.replace(/^dist\/nodes\//, '').replace(/\.js$/, '');
			expect(existsSync(join(PACKAGE_DIR, 'src', `${base}.ts`))).toBe(true);
			const html = readFileSync(join(PACKAGE_DIR, 'src', `${base}.html`), 'utf8');
			expect(html).toContain(`RED.nodes.registerType('${type}'`);
			expect(html).toContain(`data-template-name="${type}"`);
			expect(html).toContain(`data-help-name="${type}"`);
			// The source's module registers exactly this type with Node-RED.
			const registered: string[] = [];
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const register = require(join(PACKAGE_DIR, 'src', `${base}.ts`)) as (RED: unknown) => void;
			register({ nodes: { registerType: (name: string) => registered.push(name) } });
			expect(registered).toEqual([type]);
		}
	});

	it('declares exactly the core\'s runtime dependencies, and ships the bundled core, its nodes and examples', () => {
		expect(manifest.dependencies).toEqual(rootManifest.dependencies);
		expect(manifest.files).toEqual(expect.arrayContaining(['dist/nodes', 'lib', 'examples']));
		expect(manifest.scripts.prepack).toMatch(/bundle/);
	});

	it('keeps no copy of the core in its sources', () => {
		const sources = readdirSync(join(PACKAGE_DIR, 'src'), { recursive: true }).map(String);
		const coreModules = readdirSync(join(ROOT, 'lib')).filter((name) => name.endsWith('.ts'));
		expect(sources.filter((name) => coreModules.includes(name) && name !== 'index.ts')).toEqual([]);
		expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\/node-red\/lib\/$/m);
	});

	it('leaves the n8n package as it was: its files are its own folders, its nodes only n8n nodes', () => {
		expect(rootManifest.files.filter((entry: string) => /node-red/.test(entry))).toEqual([]);
		// What npm would pack (the compiled Node-RED nodes in dist/node-red/ stay out).
		const [{ files }] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
		expect(files.filter((file) => /node-red/.test(file.path))).toEqual([]);
	});
});
