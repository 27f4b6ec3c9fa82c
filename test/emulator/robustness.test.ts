/**
 * The emulator under stress and breakage: many calls at once, model servers that die mid-stream,
 * clients that walk away, and close() while deploys and streams are in flight.
 */
import { spawn } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, startDeploy, uploadModel, waitForExit, type Api } from './helpers';

const CRASH_IMAGE = 'us-docker.pkg.dev/test/crashes-mid-stream';
const HELD_IMAGE = 'us-docker.pkg.dev/test/held-stream';

/** A model server (a real process) whose /crash route sends two chunks and then the process dies. */
const CRASHING_SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
	if (req.url === '/health') return res.end('ok');
	res.writeHead(200, { 'content-type': 'application/x-ndjson' });
	res.write('{"chunk":1}\\n');
	setTimeout(() => { res.write('{"chunk":2}\\n'); setTimeout(() => process.exit(1), 50); }, 50);
}).listen(Number(process.env.AIP_HTTP_PORT), '127.0.0.1');
`;

/**
 * A separate Node process running the emulator from its TypeScript sources: it prints the facts, says
 * "wait pending" once a :wait is registered, calls close() on a line from stdin, and then must exit by
 * itself (no process.exit): nothing the emulator started may keep it alive.
 */
const WAIT_THEN_CLOSE_CHILD = `
const { readFileSync } = require('node:fs');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = (module, filename) => {
	const compiled = ts.transpileModule(readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023, esModuleInterop: true } });
	module._compile(compiled.outputText, filename);
};
const emulatorDir = ${JSON.stringify(path.resolve(__dirname, '../../emulator'))};
const { OperationStore } = require(emulatorDir + '/operations.ts');
const wait = OperationStore.prototype.wait;
OperationStore.prototype.wait = function (...args) {
	const pending = wait.apply(this, args);
	process.stdout.write('wait pending\\n');
	return pending;
};
require(emulatorDir + '/index.ts').startEmulator({ operationStepMs: 5, stopGraceMs: 1000 }).then((emulator) => {
	process.stdout.write(JSON.stringify(emulator) + '\\n');
	process.stdin.once('data', () => {
		process.stdin.destroy();
		void emulator.close();
	});
});
`;

/** Starts a streamed POST and resolves once the first body bytes are in; `rest` settles with the outcome. */
function openStream(url: string, token: string, body: string): Promise<{ first: string; rest: Promise<'ended' | 'cut'>; abort: () => void; status: number }> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
			const rest = new Promise<'ended' | 'cut'>((settle) => {
				res.once('end', () => settle('ended'));
				res.once('error', () => settle('cut'));
				res.once('aborted', () => settle('cut'));
			});
			res.once('data', (chunk: Buffer) => resolve({ first: chunk.toString('utf8'), rest, abort: () => req.destroy(), status: res.statusCode ?? 0 }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

describe('emulator robustness', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let token: string;
	let held: Server;
	/** Responses the held-stream server is still writing, and a promise per response that settles when it closes. */
	const heldClosed: Array<Promise<'torn-down' | 'finished'>> = [];
	const heldTimers = new Set<NodeJS.Timeout>();

	beforeAll(async () => {
		// An already-running server (image mapped to a URL) that streams until its client goes away.
		held = createServer((req: IncomingMessage, res: ServerResponse) => {
			if (req.url === '/health') {
				res.end('ok');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/x-ndjson' });
			let n = 0;
			const timer = setInterval(() => res.write(`{"n":${n++}}\n`), 20);
			heldTimers.add(timer);
			heldClosed.push(
				new Promise((settle) => {
					res.once('close', () => {
						clearInterval(timer);
						heldTimers.delete(timer);
						settle(res.writableFinished ? 'finished' : 'torn-down');
					});
				}),
			);
		});
		await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
		const heldUrl = `http://127.0.0.1:${(held.address() as AddressInfo).port}`;
		emulator = await startEmulator({
			operationStepMs: 5,
			stopGraceMs: 1000,
			images: { [CRASH_IMAGE]: { command: [process.execPath, '-e', CRASHING_SERVER] }, [HELD_IMAGE]: heldUrl },
		});
		token = await accessToken(emulator);
		api = apiClient(emulator, token);
	});

	afterAll(async () => {
		await emulator.close();
		for (const timer of heldTimers) clearInterval(timer);
		held.closeAllConnections();
		await new Promise((resolve) => held.close(resolve));
	});

	it('answers 60 parallel invokes across two deployments, each with its own body and the serving model\'s id', async () => {
		const { modelName } = await uploadModel(api, emulator, { modelId: 'parallel-model' });
		const endpoint = await createEndpoint(api, emulator, {}, 'parallel-endpoint');
		const first = (await deploy(api, endpoint.name, modelName, { '0': 100 })).op.response.deployedModel.id;
		const second = (await deploy(api, endpoint.name, modelName, { [first]: 50, '0': 50 })).op.response.deployedModel.id;
		const answers = await Promise.all(
			Array.from({ length: 60 }, (_, i) => api('POST', `/v1/${endpoint.name}/invoke/echo?i=${i}`, { i })),
		);
		answers.forEach((answer, i) => {
			expect(answer.status).toBe(200);
			expect(answer.json.query).toEqual({ i: String(i) });
			expect(JSON.parse(answer.json.body)).toEqual({ i });
			expect(answer.json.deployedModelId).toBe(answer.headers.get('x-vertex-ai-deployed-model-id'));
		});
		const served = new Set(answers.map((answer) => answer.json.deployedModelId));
		expect(served).toEqual(new Set([first, second]));
	}, 60_000);

	it('runs 5 deploys to one endpoint at once: 5 distinct 19-digit ids, 5 live processes, each reachable pinned', async () => {
		const { modelName } = await uploadModel(api, emulator, { modelId: 'many-deploys' });
		const endpoint = await createEndpoint(api, emulator, {}, 'many-deploys-endpoint');
		const before = emulator.processes().length;
		const results = await Promise.all(Array.from({ length: 5 }, () => deploy(api, endpoint.name, modelName, { '0': 100 })));
		const ids = results.map((result) => result.op.response.deployedModel.id as string);
		expect(ids.every((id) => /^[1-9][0-9]{18}$/.test(id))).toBe(true);
		expect(new Set(ids).size).toBe(5);
		expect(emulator.processes().length).toBe(before + 5);
		const current = (await api('GET', `/v1/${endpoint.name}`)).json;
		expect(current.deployedModels.map((d: { id: string }) => d.id).sort()).toEqual([...ids].sort());
		// Each split overwrote the last: exactly one of them holds all the traffic.
		expect(Object.values(current.trafficSplit)).toEqual([100]);
		const pinned = await Promise.all(ids.map((id) => api('POST', `/v1/${endpoint.name}/deployedModels/${id}/invoke/echo`, {})));
		expect(pinned.map((answer) => answer.json.deployedModelId)).toEqual(ids);
	}, 60_000);

	it('cuts the client\'s stream (no hang) when the model server process dies mid-stream', async () => {
		const { modelName } = await uploadModel(api, emulator, { modelId: 'crasher', imageUri: CRASH_IMAGE });
		const endpoint = await createEndpoint(api, emulator, {}, 'crash-endpoint');
		const { op } = await deploy(api, endpoint.name, modelName, { '0': 100 });
		expect(op.error).toBeUndefined();
		const stream = await openStream(`${emulator.baseUrl}/v1/${endpoint.name}/invoke/generate`, token, '{}');
		expect(stream.status).toBe(200);
		expect(stream.first).toContain('"chunk":1');
		expect(await stream.rest).toBe('cut');
	}, 30_000);

	it('tears down the model server\'s response when the client disconnects mid-stream', async () => {
		const { modelName } = await uploadModel(api, emulator, { modelId: 'held', imageUri: HELD_IMAGE });
		const endpoint = await createEndpoint(api, emulator, {}, 'held-endpoint');
		await deploy(api, endpoint.name, modelName, { '0': 100 });
		const already = heldClosed.length;
		const stream = await openStream(`${emulator.baseUrl}/v1/${endpoint.name}/invoke/stream`, token, '{}');
		expect(stream.first).toContain('"n":0');
		expect(heldClosed.length).toBe(already + 1);
		stream.abort();
		expect(await heldClosed[already]).toBe('torn-down');
	}, 30_000);
});

describe('emulator close() with work in flight', () => {
	it('ends an open stream, abandons a deploy that is starting its server, and leaves no process behind', async () => {
		const emulator = await startEmulator({ operationStepMs: 5, stopGraceMs: 1000 });
		const token = await accessToken(emulator);
		const api = apiClient(emulator, token);
		const { modelName } = await uploadModel(api, emulator, { modelId: 'streams' });
		const slowStart = await uploadModel(api, emulator, { modelId: 'slow-start', args: ['--health-delay-ms=600000'] });
		const endpoint = await createEndpoint(api, emulator, {}, 'busy-endpoint');
		await deploy(api, endpoint.name, modelName, { '0': 100 });

		const stream = await openStream(`${emulator.baseUrl}/v1/${endpoint.name}/invoke/generate`, token, JSON.stringify({ chunks: 100000, delayMs: 20 }));
		expect(stream.status).toBe(200);
		const started = await startDeploy(api, endpoint.name, slowStart.modelName, { '0': 100 });
		expect(started.status).toBe(200);
		// Wait until the second model server is running but not yet healthy.
		for (let i = 0; i < 400 && emulator.processes().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
		const pids = emulator.processes().map((p) => p.pid as number);
		expect(pids).toHaveLength(2);
		expect((await api('GET', `/v1/${started.json.name}`)).json.done).toBeUndefined();

		await emulator.close();
		expect(await stream.rest).toBe('cut');
		for (const pid of pids) expect(await waitForExit(pid)).toBe(true);
		expect(emulator.processes()).toEqual([]);
	}, 60_000);

	it('lets its process exit by itself after close() while a :wait is pending', async () => {
		const child = spawn(process.execPath, ['-e', WAIT_THEN_CLOSE_CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (part: Buffer) => (stderr += part.toString()));
		const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		try {
			const lines = createInterface({ input: child.stdout });
			const nextLine = (): Promise<string> =>
				new Promise((resolve, reject) => {
					lines.once('line', resolve);
					void exit.then(() => reject(new Error(`emulator child exited early: ${stderr}`)));
				});
			const facts = JSON.parse(await nextLine()) as RunningEmulator;
			const api = apiClient(facts, await accessToken(facts));
			// A deploy whose model server never turns healthy: only close() can end the :wait on it.
			const { modelName } = await uploadModel(api, facts, { modelId: 'never-ready', args: ['--health-delay-ms=600000'] });
			const endpoint = await createEndpoint(api, facts, {}, 'never-ready-endpoint');
			const started = await startDeploy(api, endpoint.name, modelName);
			expect(started.status).toBe(200);
			const waiting = api('POST', `/v1/${started.json.name}:wait?timeout=600s`).catch(() => undefined);
			expect(await nextLine()).toBe('wait pending');
			child.stdin.end('close\n');
			// Hang guard only: the pending :wait (600s) and the model server's health delay are far longer.
			let guardTimer: NodeJS.Timeout | undefined;
			const guard = new Promise<'still running'>((resolve) => (guardTimer = setTimeout(resolve, 20_000, 'still running')));
			expect(await Promise.race([exit, guard])).toBe(0);
			clearTimeout(guardTimer);
			await waiting;
		} finally {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	}, 30_000);
});
