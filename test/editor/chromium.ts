/** Headless Chromium (Debian's package) driven by playwright-core, for the editor screenshot test. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// Without the background-networking flags Chromium calls Google hosts, which are unreachable here.
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface HeadlessChromium {
	context: BrowserContext;
	close(): Promise<void>;
}

/** Launches Chromium on a new empty profile; close() ends it and deletes the profile. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<HeadlessChromium> {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.js first`);
	}
	const userDataDir = mkdtempSync(join(tmpdir(), 'editor-chromium-'));
	try {
		const context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM_PATH,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport,
		});
		return {
			context,
			async close() {
				await context.close();
				rmSync(userDataDir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		rmSync(userDataDir, { recursive: true, force: true });
		throw error;
	}
}
