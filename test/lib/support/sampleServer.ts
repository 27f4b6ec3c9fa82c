import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';

/** The emulator's sample model server, run from its TypeScript source as the emulator starts it. */
export const SAMPLE_SERVER = path.resolve(__dirname, '../../../emulator/sampleModelServer.ts');

export interface SampleServer {
	base: string;
	stop(): void;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.on('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}

/** Starts a sample model server process with these arguments (e.g. `--dialect=tgi`) and waits until it is healthy. */
export async function startSampleServer(args: string[] = []): Promise<SampleServer> {
	const port = await freePort();
	const child: ChildProcess = spawn(process.execPath, ['--no-warnings', SAMPLE_SERVER, ...args], {
		env: { ...process.env, AIP_HTTP_PORT: String(port) },
		stdio: 'ignore',
	});
	const base = `http://127.0.0.1:${port}`;
	for (let attempt = 0; ; attempt++) {
		if (await fetch(`${base}/health`).then((response) => response.ok, () => false)) break;
		if (attempt > 200) throw new Error(`the sample model server (${args.join(' ')}) did not start`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return { base, stop: () => void child.kill('SIGTERM') };
}
