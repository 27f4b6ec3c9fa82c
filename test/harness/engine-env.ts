/**
 * Must be imported before anything from n8n-core: its DI container needs reflect-metadata, and the
 * instance settings it builds on first use write a config file under N8N_USER_FOLDER, which must
 * therefore point at a throwaway folder rather than the developer's ~/.n8n. The engine also logs
 * every node error to the console; it stays quiet unless N8N_LOG_LEVEL asks otherwise
 * (e.g. `N8N_LOG_LEVEL=debug npx jest ...`).
 */
import 'reflect-metadata';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One folder per jest worker process, named by its pid. */
const ENGINE_FOLDERS = join(tmpdir(), 'n8n-nodes-vertex-invoke-engine');

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

// Jest ends its workers without an 'exit' event, so folders of finished processes are swept here.
function sweepFinishedWorkers(): void {
	for (const name of readdirSync(ENGINE_FOLDERS)) {
		const pid = Number(name);
		if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
			rmSync(join(ENGINE_FOLDERS, name), { recursive: true, force: true });
		}
	}
}

if (!process.env.N8N_USER_FOLDER) {
	mkdirSync(ENGINE_FOLDERS, { recursive: true });
	sweepFinishedWorkers();
	const userFolder = join(ENGINE_FOLDERS, String(process.pid));
	mkdirSync(userFolder, { recursive: true });
	process.env.N8N_USER_FOLDER = userFolder;
}

process.env.N8N_LOG_LEVEL ??= 'silent';
