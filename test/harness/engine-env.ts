/**
 * Must be imported before anything from n8n-core: its DI container needs reflect-metadata, and the
 * instance settings it builds on first use write a config file under N8N_USER_FOLDER, which must
 * therefore point at a throwaway folder rather than the developer's ~/.n8n. The engine also logs
 * every node error to the console; it stays quiet unless N8N_LOG_LEVEL asks otherwise
 * (e.g. `N8N_LOG_LEVEL=debug npx jest ...`).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-engine-'));
	process.env.N8N_USER_FOLDER = userFolder;
	process.once('exit', () => rmSync(userFolder, { recursive: true, force: true }));
}

process.env.N8N_LOG_LEVEL ??= 'silent';
