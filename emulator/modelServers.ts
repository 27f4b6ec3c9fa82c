/** Model-server processes: started in their own process group, logged, health-checked, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export const DEFAULT_STOP_GRACE_MS = 3000;

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

interface ExitInfo {
	code: number | null;
	signal: NodeJS.Signals | null;
	error?: string;
}

export class ModelServerProcess {
	readonly pid: number | undefined;
	readonly exited: Promise<ExitInfo>;
	private exitInfo: ExitInfo | undefined;
	/** The last lines it printed, quoted in a failed deploy's message. */
	readonly recentLines: string[] = [];

	constructor(
		child: ChildProcess,
		label: string,
		log: (line: string) => void,
	) {
		this.pid = child.pid;
		this.exited = new Promise((resolve) => {
			child.once('error', (error) => {
				this.exitInfo = { code: null, signal: null, error: error.message };
				resolve(this.exitInfo);
			});
			child.once('exit', (code, signal) => {
				this.exitInfo = { code, signal };
				resolve(this.exitInfo);
			});
		});
		for (const stream of [child.stdout, child.stderr]) {
			if (!stream) continue;
			createInterface({ input: stream }).on('line', (line) => {
				this.recentLines.push(line);
				if (this.recentLines.length > 20) this.recentLines.shift();
				log(`[${label}] ${line}`);
			});
		}
	}

	get hasExited(): boolean {
		return this.exitInfo !== undefined;
	}

	/** SIGTERM to the whole group, SIGKILL after the grace period; also sweeps leftover children. */
	async stop(graceMs: number = DEFAULT_STOP_GRACE_MS): Promise<void> {
		if (this.pid === undefined) return;
		signalGroup(this.pid, 'SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		const graceOver = new Promise<'timeout'>((resolve) => {
			timer = setTimeout(() => resolve('timeout'), graceMs);
		});
		const outcome = await Promise.race([this.exited.then(() => 'exited' as const), graceOver]);
		clearTimeout(timer);
		signalGroup(this.pid, 'SIGKILL');
		if (outcome === 'timeout') await this.exited;
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// ESRCH: the group is already gone.
	}
}

export function startModelServer(argv: string[], env: Record<string, string>, cwd: string | undefined, label: string, log: (line: string) => void): ModelServerProcess {
	const [file, ...args] = argv as [string, ...string[]];
	const child = spawn(file, args, {
		cwd,
		env: { ...process.env, ...env },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return new ModelServerProcess(child, label, log);
}

type HealthOutcome = 'healthy' | 'timeout' | 'exited' | 'cancelled';

/**
 * Polls `url` until it answers 200. `ignoreSuccess` (a fault) makes every answer count as unhealthy.
 */
export async function waitUntilHealthy(options: {
	url: string;
	timeoutMs: number;
	process?: ModelServerProcess;
	cancelled: () => boolean;
	ignoreSuccess: boolean;
	intervalMs?: number;
}): Promise<HealthOutcome> {
	const deadline = Date.now() + options.timeoutMs;
	const interval = options.intervalMs ?? 100;
	for (;;) {
		if (options.cancelled()) return 'cancelled';
		if (options.process?.hasExited) return 'exited';
		try {
			const answer = await fetch(options.url, { signal: AbortSignal.timeout(Math.max(200, Math.min(2000, deadline - Date.now()))) });
			await answer.arrayBuffer();
			if (answer.status === 200 && !options.ignoreSuccess) return 'healthy';
		} catch {
			// Not listening yet, or too slow: try again.
		}
		if (Date.now() >= deadline) return 'timeout';
		await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))));
	}
}
