/**
 * Runs lib/ in a plain Node child process, as n8n runs it. google-auth-library's helpers (STS, metadata
 * server) load their fetch through a dynamic import, which jest's module sandbox cannot run.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

import * as ts from 'typescript';

const repoRoot = resolve(__dirname, '..', '..', '..');

/** Compiles lib/ to CommonJS in `outDir`; returns the path of its index.js. */
export function compileLib(outDir: string): string {
	const program = ts.createProgram([join(repoRoot, 'lib', 'index.ts')], {
		outDir,
		rootDir: join(repoRoot, 'lib'),
		module: ts.ModuleKind.CommonJS,
		target: ts.ScriptTarget.ES2023,
		moduleResolution: ts.ModuleResolutionKind.Node10,
		esModuleInterop: true,
		skipLibCheck: true,
		types: ['node'],
	});
	const result = program.emit();
	if (result.emitSkipped) throw new Error('lib did not compile');
	return join(outDir, 'index.js');
}

export interface NodeRun {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `script` with this Node binary; `env` replaces the inherited environment's entries it names (undefined removes one). */
export function runNode(script: string, env: Record<string, string | undefined> = {}): Promise<NodeRun> {
	const childEnv: Record<string, string | undefined> = { ...process.env, NODE_PATH: join(repoRoot, 'node_modules'), ...env };
	for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
	return new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, ['-e', script], { env: childEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
	});
}
