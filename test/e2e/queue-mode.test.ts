/**
 * The package in n8n's queue mode: a Redis (Debian's redis-server, scripts/ensure-redis.js) on a free
 * loopback port with persistence off, a throw-away PostgreSQL (Debian's postgresql; SQLite answers
 * SQLITE_BUSY, and a webhook call fails with HTTP 500, when 50 executions are written at once by three
 * processes), `n8n start` as main (EXECUTIONS_MODE=queue) and two `n8n worker` processes sharing one
 * user folder (the same community package install, settings and encryption key). Every
 * production execution runs on a worker: a 50-call webhook batch, a streamed webhook answer, example 5's
 * Wait loop with the workers restarted while the execution waits, and the token cache (one token a
 * worker process), and a worker killed mid-execution. Only with N8N_E2E=1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { loadExample, nodeNamed, type ExampleWorkflow } from '../../examples';
import { ensureN8n } from '../../scripts/n8n-install';
import { importWorkflow, publishWorkflow } from '../../scripts/n8n-run/instance';
import type { N8nServer } from '../../scripts/n8n-run/server';
import { startQueueMode, type N8nWorker, type QueueMode } from '../../scripts/n8n-run/queue-mode';
import { startRedis, type RedisServer } from '../../scripts/n8n-run/redis';
import { startPostgres, type PostgresServer } from '../../scripts/n8n-run/postgres';
import { listExecutions, ownerSession, restRequest, waitForExecutions } from '../../scripts/n8n-run/rest';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import { batchWorkflow, slowChatWorkflow } from '../../scripts/scale-workflows';
import { chatThroughGate, deltaText, deployGatedServer, startGatedChatServer, type GatedChatServer } from './gated-chat-server';
import { describeE2e, prepareN8n, requireFreshBuild, sampleChatReply, type PreparedN8n } from './support';

const GATED_IMAGE = 'e2e.local/gated-chat-server:1';
const CHUNKS = 12;
const BATCH = 50;
const WORKER_CONCURRENCY = 10;
/** The shortest Wait n8n puts to the database (below 65 s the Wait node sleeps in the worker's memory). */
const PERSISTED_WAIT_SECONDS = 65;

const CREDENTIALS = { googleVertexAiApi: { id: 'vertexAiCredential', name: 'Google Vertex AI account' } };

/** Example 5 started by a webhook (production executions go to the workers), with its own ids and a model server slow to become healthy. */
function waitLoopWorkflow(imageUri: string): ExampleWorkflow {
	const workflow = loadExample('deployWithoutHoldingAWorker', { imageUri });
	workflow.id = 'vertexQueueWaitLoop';
	workflow.name = 'Queue mode: deploy in a Wait loop';
	const trigger = nodeNamed(workflow, 'Run Now');
	Object.assign(trigger, {
		name: 'Start Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		webhookId: 'a0000000-0000-4000-8000-0000000005ff',
		parameters: { httpMethod: 'POST', path: 'queue-wait-loop', responseMode: 'onReceived', options: {} },
	});
	const connections = workflow.connections as Record<string, unknown>;
	connections['Start Webhook'] = connections['Run Now'];
	delete connections['Run Now'];
	const upload = nodeNamed(workflow, 'Upload Model');
	upload.parameters.modelId = 'queue-wait-loop';
	// Still deploying at the first check, done long before the Wait is over.
	upload.parameters.args = ['--health-delay-ms=3000'];
	nodeNamed(workflow, 'Create Dedicated Endpoint').parameters.endpointId = 'queue-wait-loop';
	nodeNamed(workflow, 'Wait').parameters.amount = PERSISTED_WAIT_SECONDS;
	return workflow;
}

function streamingWorkflow(endpointId: string): ExampleWorkflow {
	const workflow = loadExample('chatStreaming', { endpointId });
	workflow.id = 'vertexQueueStreaming';
	return workflow;
}

const SCHEDULED_ITEMS = 100;
const SCHEDULED_RUNS = 3;

/**
 * Every 10 s: a Code node makes 100 prompts naming the execution -> Invoke with concurrency 4 (one
 * aggregated answer each) -> Aggregate -> HTTP Request posting the execution id and the answers' texts
 * to the test's collector.
 */
function scheduledWorkflow(endpointId: string, collectorUrl: string): ExampleWorkflow {
	const node = (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>, extra = {}) => ({
		id: `b0000000-0000-4000-8000-00000000000${x / 220}`,
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	});
	return {
		id: 'vertexQueueScheduled',
		name: 'Queue mode: scheduled batch',
		nodes: [
			node('Every 10 Seconds', 'n8n-nodes-base.scheduleTrigger', 1.2, 0, { rule: { interval: [{ field: 'seconds', secondsInterval: 10 }] } }),
			node('Make Prompts', 'n8n-nodes-base.code', 2, 220, {
				jsCode: `return Array.from({ length: ${SCHEDULED_ITEMS} }, (_, index) => ({ json: { prompt: 'Scheduled run ' + $execution.id + ' item ' + index } }));`,
			}),
			node(
				'Invoke Batch',
				'n8n-nodes-vertex-invoke.vertexAiInvoke',
				1,
				440,
				{
					endpoint: { __rl: true, mode: 'id', value: endpointId },
					path: '/v1/chat/completions',
					bodyType: 'json',
					jsonBody: "={{ JSON.stringify({ messages: [{ role: 'user', content: $json.prompt }], stream: true }) }}",
					responseFormat: 'auto',
					streamOutput: 'aggregate',
					options: { concurrency: 4 },
				},
				{ credentials: CREDENTIALS },
			),
			node('Collect Answers', 'n8n-nodes-base.aggregate', 1, 660, { aggregate: 'aggregateAllItemData', destinationFieldName: 'answers', options: {} }),
			node('Report', 'n8n-nodes-base.httpRequest', 4.2, 880, {
				method: 'POST',
				url: collectorUrl,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify({ execution: $execution.id, texts: $json.answers.map((answer) => answer.text) }) }}',
				options: {},
			}),
		],
		connections: {
			'Every 10 Seconds': { main: [[{ node: 'Make Prompts', type: 'main', index: 0 }]] },
			'Make Prompts': { main: [[{ node: 'Invoke Batch', type: 'main', index: 0 }]] },
			'Invoke Batch': { main: [[{ node: 'Collect Answers', type: 'main', index: 0 }]] },
			'Collect Answers': { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	} as unknown as ExampleWorkflow;
}

/** Records the scheduled runs' reports. */
async function startCollector() {
	const reports: Array<{ execution: string; texts: string[] }> = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (data) => (body += data));
		req.on('end', () => {
			reports.push(JSON.parse(body));
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/report`,
		reports,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

const tokensMinted = async (emulator: EmulatorProcess) =>
	((await (await fetch(`${emulator.baseUrl}/emulator/stats`)).json()) as { tokensMinted: number }).tokensMinted;

describeE2e('the package in n8n queue mode (main + two workers on Redis)', () => {
	let gated: GatedChatServer;
	let emulator: EmulatorProcess;
	let redis: RedisServer;
	let postgres: PostgresServer;
	let n8n: PreparedN8n;
	let queue: QueueMode;
	let main: N8nServer;
	const stoppedWorkers: N8nWorker[] = [];
	let cookie: string;
	let collector: Awaited<ReturnType<typeof startCollector>>;

	beforeAll(async () => {
		requireFreshBuild();
		await ensureN8n();
		redis = await startRedis();
		postgres = await startPostgres();
		gated = await startGatedChatServer({ chunks: CHUNKS });
		collector = await startCollector();
		emulator = await startEmulatorProcess({ images: { [GATED_IMAGE]: gated.url }, operationStepMs: 20 });
		const chatEndpoint = await deployGatedServer(emulator, emulator.builtInImage, 'queue-chat');
		const gatedEndpoint = await deployGatedServer(emulator, GATED_IMAGE, 'queue-gated');
		n8n = await prepareN8n(emulator, { env: postgres.env });
		for (const workflow of [batchWorkflow(chatEndpoint), streamingWorkflow(gatedEndpoint), waitLoopWorkflow(emulator.builtInImage), slowChatWorkflow(chatEndpoint)]) {
			await importWorkflow(n8n.instance, workflow);
			await publishWorkflow(n8n.instance, workflow.id);
		}
		// Imported inactive: its test activates it, so it does not run during the others.
		await importWorkflow(n8n.instance, scheduledWorkflow(chatEndpoint, collector.url));
		queue = await startQueueMode(n8n.instance, { redis, workerCount: 2, concurrency: WORKER_CONCURRENCY });
		main = queue.main;
		cookie = await ownerSession(main.baseUrl);
		await fetch(`${emulator.baseUrl}/emulator/reset`, { method: 'POST' });
	}, 600_000);

	afterAll(async () => {
		await queue?.stop();
		await redis?.stop();
		await postgres?.stop();
		await emulator?.stop();
		await gated?.close();
		await collector?.close();
		n8n?.remove();
	}, 120_000);

	it(`answers ${BATCH} webhook calls made at once, each with the reply to its own prompt, run on both workers; one token per worker`, async () => {
		const prompts = Array.from({ length: BATCH }, (_, index) => `Queue prompt number ${index}`);
		const started = Date.now();
		const answers = await Promise.all(
			prompts.map(async (prompt) => {
				const response = await fetch(`${main.baseUrl}/webhook/queue-batch`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ prompt }),
				});
				return { httpStatus: response.status, body: (await response.json()) as { status?: number; text?: string } };
			}),
		);
		const seconds = (Date.now() - started) / 1000;
		const failed = answers.filter((answer) => answer.httpStatus !== 200);
		if (failed.length) {
			const logs = [main.logs(), ...queue.workers.map((worker) => worker.logs())].join('\n').split('\n');
			process.stderr.write(`[queue-mode] failed calls: ${JSON.stringify(failed)}\n${logs.filter((line) => /error|SQLITE|busy|lock/i.test(line)).slice(-40).join('\n')}\n`);
		}
		expect(answers.map((answer) => answer.httpStatus)).toEqual(prompts.map(() => 200));
		expect(answers.map((answer) => answer.body.text)).toEqual(prompts.map(sampleChatReply));
		expect(answers.every((answer) => answer.body.status === 200)).toBe(true);

		const executions = await waitForExecutions(main.baseUrl, cookie, {
			workflowId: 'vertexQueueBatch',
			predicate: (list) => list.length >= BATCH && list.every((execution) => execution.status !== 'running' && execution.status !== 'new'),
			timeoutMs: 30_000,
		});
		expect(executions).toHaveLength(BATCH);
		expect(executions.every((execution) => execution.status === 'success' && execution.mode === 'webhook')).toBe(true);
		const ids = executions.map((execution) => String(execution.id)).sort();
		const [onFirst, onSecond] = queue.workers.map((worker) => worker.finishedExecutions().filter((id) => ids.includes(id)));
		// Every execution ran on exactly one worker, and both workers took a share.
		expect([...onFirst, ...onSecond].sort()).toEqual(ids);
		expect(onFirst.length).toBeGreaterThan(0);
		expect(onSecond.length).toBeGreaterThan(0);
		// The main process ran none of them.
		expect(main.logs()).not.toMatch(/Worker started execution/);

		// The access token is cached per process: each worker minted one and reused it for all its calls.
		expect(await tokensMinted(emulator)).toBe(2);
		process.stdout.write(
			`[queue-mode] ${BATCH} webhook calls in ${seconds.toFixed(2)} s (${(BATCH / seconds).toFixed(1)} executions/s); ` +
				`worker 1 ran ${onFirst.length}, worker 2 ran ${onSecond.length}; tokens minted: ${await tokensMinted(emulator)}\n`,
		);
	}, 180_000);

	it('streams a webhook answer from a worker while the model server is still producing it', async () => {
		const before = await tokensMinted(emulator);
		// The first item comes worker -> Redis -> main -> client before the held model server goes on.
		const { lines, atFirstItem } = await chatThroughGate(`${main.baseUrl}/webhook/vertex-chat`, gated);
		expect(atFirstItem).toEqual({ sent: 1, ended: false });
		expect(gated.streams).toHaveLength(1);
		expect(gated.streams[0]).toMatchObject({ releasedBy: 'client', sent: CHUNKS, ended: true });
		const items = lines.filter((line) => line.metadata?.nodeName === 'Invoke Chat' && line.type === 'item').map((line) => line.content);
		// The first delta on its own, the rest joined by the default 50 ms coalescing window, nothing lost or reordered.
		expect(items[0]).toBe(deltaText(0));
		expect(items.join('')).toBe(Array.from({ length: CHUNKS }, (_, index) => deltaText(index)).join(''));
		expect(items.length).toBeLessThan(CHUNKS);
		expect(lines.filter((line) => line.type === 'error')).toEqual([]);

		const [execution] = await waitForExecutions(main.baseUrl, cookie, {
			workflowId: 'vertexQueueStreaming',
			predicate: (list) => list.length === 1 && list[0].status === 'success',
			timeoutMs: 30_000,
		});
		const ranOn = queue.workers.filter((worker) => worker.finishedExecutions().includes(String(execution.id)));
		expect(ranOn).toHaveLength(1);
		// The worker's cached token served this call too.
		expect(await tokensMinted(emulator)).toBe(before);
	}, 120_000);

	it(`example 5 (Wait ${PERSISTED_WAIT_SECONDS} s) completes after both workers are restarted while it waits`, async () => {
		const before = await tokensMinted(emulator);
		const started = Date.now();
		const response = await fetch(`${main.baseUrl}/webhook/queue-wait-loop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(response.status).toBe(200);
		const [waiting] = await waitForExecutions(main.baseUrl, cookie, {
			workflowId: 'vertexQueueWaitLoop',
			predicate: (list) => list.length === 1 && list[0].status === 'waiting',
			timeoutMs: 30_000,
		});
		const id = String(waiting.id);
		const firstPart = queue.workers.filter((worker) => worker.finishedExecutions().includes(id));
		expect(firstPart).toHaveLength(1);

		// The execution is in the database, not on a worker: restart them both (SIGTERM, clean exit).
		stoppedWorkers.push(...queue.workers);
		const exits = await queue.stopWorkers();
		expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
		await queue.startWorkers(2);

		const [done] = await waitForExecutions(main.baseUrl, cookie, {
			workflowId: 'vertexQueueWaitLoop',
			predicate: (list) => list.length === 1 && !['waiting', 'running', 'new'].includes(list[0].status),
			timeoutMs: 120_000,
			intervalMs: 1_000,
		});
		expect(done.status).toBe('success');
		// The rest of the run (Check Deploy -> Deployed? -> Invoke Chat) was done by one of the new worker processes.
		const resumedOn = queue.workers.filter((worker) => worker.startedExecutions().includes(id));
		expect(resumedOn).toHaveLength(1);
		const execution = await (await fetch(`${main.baseUrl}/rest/executions/${id}`, { headers: { cookie } })).json();
		// The run data (a flatted string) holds Invoke Chat's answer.
		expect(JSON.stringify(execution)).toContain('Hello from the sample model server behind Vertex AI invoke!');
		// A new process has an empty token cache: the worker that resumed the run minted one token.
		expect(await tokensMinted(emulator)).toBe(before + 1);
		process.stdout.write(`[queue-mode] Wait-loop run ${id} done after ${((Date.now() - started) / 1000).toFixed(1)} s, across a restart of both workers\n`);
	}, 200_000);

	it(`a scheduled batch: ${SCHEDULED_RUNS} runs of ${SCHEDULED_ITEMS} prompts on the workers, every answer exactly once and in order`, async () => {
		const route = '/rest/workflows/vertexQueueScheduled';
		const { data: stored } = await restRequest(main.baseUrl, cookie, route);
		await restRequest(main.baseUrl, cookie, `${route}/activate`, { method: 'POST', body: { versionId: stored.versionId } });
		const started = Date.now();
		const deadline = started + 120_000;
		while (collector.reports.length < SCHEDULED_RUNS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
		await restRequest(main.baseUrl, cookie, `${route}/deactivate`, { method: 'POST', body: {} });
		const reports = collector.reports.slice(0, SCHEDULED_RUNS);
		expect(reports).toHaveLength(SCHEDULED_RUNS);
		for (const report of reports) {
			expect(report.texts).toEqual(Array.from({ length: SCHEDULED_ITEMS }, (_, index) => sampleChatReply(`Scheduled run ${report.execution} item ${index}`)));
		}
		const all = reports.flatMap((report) => report.texts);
		expect(new Set(all).size).toBe(SCHEDULED_RUNS * SCHEDULED_ITEMS);
		expect(new Set(reports.map((report) => report.execution)).size).toBe(SCHEDULED_RUNS);
		// Each run went to a worker, none to main.
		const finished = queue.workers.flatMap((worker) => worker.finishedExecutions());
		for (const report of reports) expect(finished).toContain(String(report.execution));
		process.stdout.write(`[queue-mode] ${SCHEDULED_RUNS} scheduled runs of ${SCHEDULED_ITEMS} items reported within ${((Date.now() - started) / 1000).toFixed(1)} s of activation\n`);
	}, 180_000);
	// Last: it leaves one worker.
	it('a worker killed (SIGKILL) mid-execution: n8n fails that execution as stalled instead of leaving it running, the caller gets HTTP 500, the next execution runs on the other worker', async () => {
		const post = (body: Record<string, unknown>) =>
			fetch(`${main.baseUrl}/webhook/queue-slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		// Two minutes of streamed chunks: still running long after the kill.
		const killedCall = post({ prompt: 'killed mid-answer', chunks: 120, delayMs: 1000 });
		const [running] = await waitForExecutions(main.baseUrl, cookie, {
			workflowId: 'vertexQueueSlow',
			predicate: (list) => list.length === 1 && list[0].status === 'running',
			timeoutMs: 60_000,
		});
		const id = String(running.id);
		let victim: N8nWorker | undefined;
		for (const deadline = Date.now() + 10_000; !victim && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
			victim = queue.workers.find((worker) => worker.startedExecutions().includes(id));
		}
		expect(victim).toBeDefined();
		const survivor = queue.workers.find((worker) => worker !== victim)!;
		victim!.child.kill('SIGKILL');
		queue.workers = [survivor];

		// Bull finds the job stalled once its lock expires (QUEUE_WORKER_LOCK_DURATION, then the next
		// QUEUE_WORKER_STALLED_INTERVAL check); n8n does not retry it (maxStalledCount 0).
		const answer = await killedCall;
		expect(answer.status).toBe(500);
		const [failed] = await waitForExecutions(main.baseUrl, cookie, {
			workflowId: 'vertexQueueSlow',
			predicate: (list) => list.length === 1 && list[0].status !== 'running',
			timeoutMs: 180_000,
		});
		expect(failed.status).toBe('error');
		const detail = await (await fetch(`${main.baseUrl}/rest/executions/${id}`, { headers: { cookie } })).json();
		expect(JSON.stringify(detail)).toContain('This execution failed to be processed too many times');

		const next = await post({ prompt: 'after the kill' });
		expect(next.status).toBe(200);
		expect(((await next.json()) as { text?: string }).text).toBe(sampleChatReply('after the kill'));
		const [latest] = await listExecutions(main.baseUrl, cookie, { workflowId: 'vertexQueueSlow' });
		expect(latest.status).toBe('success');
		expect(survivor.finishedExecutions()).toContain(String(latest.id));
	}, 300_000);
});
