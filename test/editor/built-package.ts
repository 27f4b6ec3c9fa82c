/**
 * The editor must show the nodes as they are in the sources, so the packed package has to come from
 * a build that is newer than every source file it is built from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_FOLDERS = ['nodes', 'credentials', 'lib'];

function newestModification(folder: string): { file: string; mtimeMs: number } {
	let newest = { file: folder, mtimeMs: 0 };
	for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
		if (!entry.isFile()) continue;
		const file = join(entry.parentPath, entry.name);
		const { mtimeMs } = statSync(file);
		if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
	}
	return newest;
}

/** Throws, naming a newer source file, unless every file n8n loads from dist/ is newer than the sources. */
export function assertBuildIsCurrent(projectRoot: string): void {
	const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
	const loaded: string[] = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
	const newestSource = SOURCE_FOLDERS.map((folder) => newestModification(join(projectRoot, folder))).reduce((a, b) =>
		b.mtimeMs > a.mtimeMs ? b : a,
	);
	for (const relative of loaded) {
		let builtAt: number;
		try {
			builtAt = statSync(join(projectRoot, relative)).mtimeMs;
		} catch {
			throw new Error(`${relative} is missing: run npm run build first`);
		}
		if (builtAt < newestSource.mtimeMs) {
			throw new Error(`${relative} is older than ${newestSource.file}: run npm run build first`);
		}
	}
}
