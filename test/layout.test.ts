/**
 * The shape the code keeps (see the README's Layout): node files small enough to read at once, and a core that
 * imports nothing from n8n or Node-RED, so any adapter gets the same behaviour by calling it; the Node-RED adapter
 * imports nothing from n8n.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const MAX_NODE_FILE_LINES = 350;

function sourceFiles(folder: string): string[] {
	return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
		.map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe('layout', () => {
	it(`keeps every file in nodes/ at ${MAX_NODE_FILE_LINES} lines or fewer`, () => {
		const long = sourceFiles('nodes')
			.map((file) => [file, readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1] as const)
			.filter(([, lines]) => lines > MAX_NODE_FILE_LINES);
		expect(long).toEqual([]);
	});

	it('keeps lib/ free of n8n imports', () => {
		// import ... from, require(...) and import(...), with either quote.
		const N8N_MODULE = /(?:\bfrom\s*|\b(?:require|import)\s*\(\s*)['"](?:n8n-|@n8n\/)/;
		const importsN8n = sourceFiles('lib').filter((file) => N8N_MODULE.test(readFileSync(join(ROOT, file), 'utf8')));
		expect(importsN8n).toEqual([]);
	});

	it('keeps lib/ free of Node-RED imports and node-red/ free of n8n imports', () => {
		const NODE_RED_MODULE = /(?:\bfrom\s*|\b(?:require|import)\s*\(\s*)['"](?:node-red|@node-red\/)/;
		const N8N_MODULE = /(?:\bfrom\s*|\b(?:require|import)\s*\(\s*)['"](?:n8n-|@n8n\/|[./]+\/nodes\/|[./]+\/credentials\/)/;
		expect(sourceFiles('lib').filter((file) => NODE_RED_MODULE.test(readFileSync(join(ROOT, file), 'utf8')))).toEqual([]);
		expect(sourceFiles('node-red/src').filter((file) => N8N_MODULE.test(readFileSync(join(ROOT, file), 'utf8')))).toEqual([]);
	});
});
