/** The parts of scripts/n8n-run.js that need no n8n install: they run in every test pass. */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { freePort } from '../../scripts/n8n-run/processes';
import { createUserFolder, parseExecuteOutput } from '../../scripts/n8n-run/instance';

const logLine = (message: string) => JSON.stringify({ level: 'info', message, metadata: { file: 'x.js' } });

describe('scripts/n8n-run.js helpers', () => {
	it('picks the run result out of `n8n execute --rawOutput` JSON logs', () => {
		const run = {
			data: { resultData: { runData: { Set: [{ data: { main: [[{ json: { a: 1 } }]] } }] } } },
			mode: 'cli',
			status: 'success',
		};
		const stdout = [
			logLine('n8n Task Broker ready on 127.0.0.1, port 15679'),
			logLine('{"not": "a run"}'),
			'plain text that is not JSON',
			logLine(JSON.stringify(run, null, 2)),
			logLine('{"data": {"other": true}}'),
			'',
		].join('\n');
		expect(parseExecuteOutput(stdout)).toEqual(run);
		expect(parseExecuteOutput([logLine('hello'), logLine('{"data": {}}')].join('\n'))).toBeUndefined();
	});

	it('hands out a port on 127.0.0.1 that can be listened on', async () => {
		const port = await freePort();
		expect(port).toBeGreaterThan(0);
		const server = createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', resolve);
		});
		await new Promise((resolve) => server.close(resolve));
	});

	it('makes a fresh user folder with an encryption key, and removes it', () => {
		const first = createUserFolder();
		const second = createUserFolder();
		try {
			expect(existsSync(join(first.userFolder, '.n8n'))).toBe(true);
			expect(first.userFolder).not.toBe(second.userFolder);
			expect(first.encryptionKey).not.toBe(second.encryptionKey);
			expect(first.encryptionKey.length).toBeGreaterThanOrEqual(32);
		} finally {
			first.remove();
			second.remove();
		}
		expect(existsSync(first.userFolder)).toBe(false);
	});
});
