/** The parts of scripts/n8n-run/ that need no n8n install: they run in every test pass. */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { createUserFolder, parseExecuteOutput } from '../../scripts/n8n-run/instance';
import { freePort, startProcess, stopChildren, waitForLog } from '../../scripts/n8n-run/processes';

const logLine = (message: string) => JSON.stringify({ level: 'info', message, metadata: { file: 'x.js' } });

describe('scripts/n8n-run helpers', () => {
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

describe('scripts/n8n-run/processes', () => {
	/** A Node child running `code`. */
	const node = (code: string) => startProcess(process.execPath, ['-e', code]);

	afterEach(() => stopChildren({ graceMs: 2_000 }));

	it('waits for the ready line, and stopChildren ends the child', async () => {
		const server = node("console.log('starting'); setTimeout(() => console.error('Ready to accept connections'), 100); setInterval(() => {}, 1000);");
		await waitForLog(server, /Ready to accept connections/, { name: 'fake-server', timeoutMs: 10_000 });
		expect(server.logs()).toMatch(/starting\n[\s\S]*Ready to accept connections/);
		await stopChildren({ graceMs: 2_000 });
		await expect(server.exited).resolves.toEqual({ code: null, signal: 'SIGTERM' });
	});

	it('names the process and shows its last lines when it exits before it is ready', async () => {
		const crashing = node("console.error('bad config'); process.exit(3);");
		await expect(waitForLog(crashing, /ready/, { name: 'fake-server', timeoutMs: 10_000 })).rejects.toThrow('fake-server exited with 3 before it was ready:\nbad config');
	});

	it('says how to install a binary that cannot start', async () => {
		const missing = startProcess('/nonexistent/fake-server', []);
		await expect(waitForLog(missing, /ready/, { name: 'fake-server', timeoutMs: 10_000, hint: 'install it first' })).rejects.toThrow(
			/^could not start fake-server \(install it first\): .*ENOENT/,
		);
	});

	it('gives up after timeoutMs', async () => {
		const silent = node('setInterval(() => {}, 1000);');
		await expect(waitForLog(silent, /ready/, { name: 'fake-server', timeoutMs: 300 })).rejects.toThrow('fake-server was not ready within 0.3 s');
	});
});
