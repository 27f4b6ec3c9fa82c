import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, pidAlive, uploadModel } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

/** The CLI runs from the build (as `npx vertex-ai-emulator` does): the emulator package's own build, into a scratch folder. */
function buildEmulator(outDir: string): void {
	execFileSync(process.execPath, [path.join(ROOT, 'emulator', 'build.js'), outDir], { cwd: ROOT, stdio: 'pipe' });
}

describe('vertex-ai-emulator CLI', () => {
	let scratch: string;
	let cli: ChildProcess | undefined;
	beforeAll(() => {
		scratch = mkdtempSync(path.join(tmpdir(), 'emulator-cli-test-'));
		buildEmulator(path.join(scratch, 'dist'));
	});
	afterAll(() => {
		if (cli?.exitCode === null && cli.pid) process.kill(cli.pid, 'SIGKILL');
		rmSync(scratch, { recursive: true, force: true });
	});

	it('prints one JSON line of facts, serves the API, and stops its model servers on SIGTERM', async () => {
		const stateDir = path.join(scratch, 'state');
		cli = spawn(process.execPath, [path.join(scratch, 'dist/cli.js'), '--port', '0', '--state-dir', stateDir, '--operation-step-ms', '5', '--project-id', 'cli-project'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		cli.stderr?.on('data', (part: Buffer) => (stderr += part.toString()));
		const firstLine = await new Promise<string>((resolve, reject) => {
			createInterface({ input: cli!.stdout! }).once('line', resolve);
			cli!.once('exit', () => reject(new Error(`CLI exited early: ${stderr}`)));
		});
		const facts = JSON.parse(firstLine) as RunningEmulator;
		expect(Object.keys(facts)).toEqual(expect.arrayContaining(['baseUrl', 'regionalUrl', 'regionalHost', 'tokenUrl', 'serviceAccountKeyFile', 'projectId', 'projectNumber', 'location', 'pscUrl', 'pscCaFile', 'pscCaCertificate']));
		expect(facts.pscCaCertificate).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
		expect(facts.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(facts.projectId).toBe('cli-project');
		expect(facts.projectNumber).toMatch(/^\d{12}$/);
		expect(facts.serviceAccountKeyFile).toBe(path.join(stateDir, 'service-account-key.json'));
		expect(existsSync(facts.serviceAccountKeyFile)).toBe(true);

		const api = apiClient(facts, await accessToken(facts));
		const { modelName } = await uploadModel(api, facts);
		const endpoint = await createEndpoint(api, facts);
		await deploy(api, endpoint.name, modelName);
		const stats = (await (await fetch(`${facts.baseUrl}/emulator/stats`)).json()) as { processes: Array<{ pid: number }> };
		const pid = stats.processes[0]?.pid as number;
		expect(pidAlive(pid)).toBe(true);
		expect(stderr).toContain('[model-server');
		// Logs go to stderr; nothing secret is in them.
		expect(stderr).not.toContain('PRIVATE KEY');
		expect(stderr).not.toContain('ya29.');

		const exited = new Promise<number | null>((resolve) => cli!.once('exit', (code) => resolve(code)));
		cli.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(pidAlive(pid)).toBe(false);
	});
});
