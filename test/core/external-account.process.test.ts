/**
 * Workload identity federation in a real Node process. google-auth-library's STS client loads its
 * fetch through a dynamic import, which jest's module sandbox cannot run; a plain Node process (what
 * n8n is) can. The lib is compiled once into a temporary folder and driven from a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import * as ts from 'typescript';

import { FakeGoogle, sendJson } from './support/fakeGoogle';

const repoRoot = resolve(__dirname, '..', '..');
const workDir = mkdtempSync(join(tmpdir(), 'vertex-wif-'));
const outDir = join(workDir, 'build');
let fake: FakeGoogle;

function compileLib(): void {
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
}

function runNode(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, ['-e', script], {
			env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
	});
}

beforeAll(async () => {
	compileLib();
	fake = await FakeGoogle.start();
	fake.route('GET', /\/models$/, (_request, response) => sendJson(response, 200, { models: [{ name: 'm' }] }));
}, 60_000);

afterAll(async () => {
	await fake.close();
	rmSync(workDir, { recursive: true, force: true });
});

it('exchanges the subject token at the STS URL once and calls the API with the federated token', async () => {
	const subjectFile = join(workDir, 'subject-token.txt');
	writeFileSync(subjectFile, 'subject-token-from-idp');
	const config = {
		type: 'external_account',
		audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/provider',
		subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
		token_url: `${fake.url}/sts`,
		credential_source: { file: subjectFile },
	};
	const options = {
		credential: { kind: 'externalAccount', configJson: JSON.stringify(config) },
		projectId: 'wif-project',
		location: 'us-central1',
		apiBaseUrl: fake.url,
		tokenUrl: `${fake.url}/token`,
	};
	const script = `
		const lib = require(${JSON.stringify(join(outDir, 'index.js'))});
		(async () => {
			const client = new lib.VertexClient(${JSON.stringify(options)});
			const first = await client.listModels();
			await client.listModels();
			console.log(JSON.stringify({ models: first.models.length }));
			await lib.closeSharedAgent();
		})().catch((error) => { console.error(error.message); process.exit(1); });
	`;
	const result = await runNode(script);
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	expect(JSON.parse(result.stdout.trim())).toEqual({ models: 1 });
	const stsCalls = fake.requests.filter((request) => request.path === '/sts');
	expect(stsCalls).toHaveLength(1);
	expect(new URLSearchParams(stsCalls[0].body).get('subject_token')).toBe('subject-token-from-idp');
	expect(fake.apiRequests).toHaveLength(2);
	expect(fake.apiTokens().every((token) => token.startsWith('ya29.sts-token-'))).toBe(true);
}, 60_000);
