/**
 * The toolchain and the package as npm and n8n see it: the Node tests run on, the fields the npm page and n8n's
 * package scan need, what a publish ships (a tree of the files the build makes, packed by npm itself), and the
 * publish workflow.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');

interface PackageJson {
	name: string;
	main: string;
	types: string;
	author?: { name?: string; email?: string };
	homepage?: string;
	repository?: { type?: string; url?: string };
	bugs?: { url?: string };
	files: string[];
	n8n: { n8nNodesApiVersion: unknown; nodes: string[]; credentials: string[] };
	[field: string]: unknown;
}

const packageJson = (): PackageJson => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** The files `npm pack` takes from a tree holding what the build makes for `pkg` (each .js with its .d.ts and .map). */
function packedFiles(pkg: PackageJson): string[] {
	const folder = mkdtempSync(join(tmpdir(), 'packed-files-'));
	try {
		const { workspaces: _workspaces, ...standalone } = pkg;
		writeFileSync(join(folder, 'package.json'), JSON.stringify(standalone));
		for (const built of [pkg.main, ...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			for (const file of [built, built.replace(/\.js$/, '.d.ts'), `${built}.map`]) {
				mkdirSync(join(folder, dirname(file)), { recursive: true });
				writeFileSync(join(folder, file), '');
			}
		}
		const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: folder, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
		return packed.files.map((file) => file.path).sort();
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

describe('toolchain', () => {
	it('runs the tests on the Node the project installs (24), not the machine Node', () => {
		expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
	});
});

describe('package.json for npm and n8n', () => {
	it('names an author with an email, and the repository, its home page and its issues, all on the same GitHub repository', () => {
		const pkg = packageJson();
		expect(pkg.author?.name).toEqual(expect.any(String));
		expect(pkg.author?.email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
		const repository = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(pkg.repository?.url ?? '')?.[1];
		expect(repository).toBeDefined();
		expect(pkg.repository?.type).toBe('git');
		expect(pkg.homepage).toBe(`${repository}#readme`);
		expect(pkg.bugs?.url).toBe(`${repository}/issues`);
	});

	it("declares what n8n needs: a name its installer accepts, the keyword community packages are found by, node API version 1, and nodes and credentials it can load", () => {
		const pkg = packageJson();
		expect(pkg.name).toMatch(/^n8n-nodes-[a-z0-9-]+$/);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		// n8n 2.40 and 2.41 accept an integer from 1 to their N8N_NODES_API_VERSION, 1.
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
		expect(pkg.n8n.nodes.length).toBeGreaterThan(0);
		expect(pkg.n8n.credentials.length).toBeGreaterThan(0);
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(() => readFileSync(join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).not.toThrow();
		}
	});

	it('ships the compiled nodes and credentials without their .d.ts (the scanner reads them as misnamed sources), and the core with its types', () => {
		const pkg = packageJson();
		const files = packedFiles(pkg);
		expect(files).toEqual(expect.arrayContaining([pkg.main, pkg.types, ...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		expect(files.filter((file) => /^dist\/(nodes|credentials)\/.*\.d\.ts$/.test(file))).toEqual([]);
		expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
	});
});

describe('the publish workflow', () => {
	it('publishes with npm provenance (an OIDC token) from a version tag, after the scan and the checks', () => {
		const workflow = readFileSync(join(ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
		expect(workflow).toMatch(/tags:\s*\n\s*- 'v\*\.\*\.\*'/);
		expect(workflow).toMatch(/id-token: write/);
		expect(workflow).toMatch(/npm publish --provenance/);
		expect(workflow).toMatch(/node scripts\/scan-package\.js/);
	});
});
