/**
 * Shared set-up of the end-to-end tests: a fresh build is required, then one n8n user folder with this
 * package installed as a community package and the example credential pointing at an emulator process.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CREDENTIAL, nodeNamed, type ExampleWorkflow } from '../../examples';
import { VertexClient } from '../../lib';
import { clientOptionsFromCredential } from '../../nodes/shared/client';
import { prepareInstance, type PreparedInstance } from '../../scripts/n8n-run/community-package';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import { executeWorkflow, importWorkflow, type ExecuteResult } from '../../scripts/n8n-run/instance';
import { packNodeRedPackage, startNodeRed, type NodeRedInstance } from '../../scripts/node-red-run';

export const describeE2e = process.env.N8N_E2E === '1' ? describe : describe.skip;

export const PACKAGE = 'n8n-nodes-vertex-invoke';
export const NODE_NAMES = ['vertexAiUploadModel', 'vertexAiCreateDedicatedEndpoint', 'vertexAiDeployModel', 'vertexAiInvoke', 'vertexAiManage', 'vertexAiChatModel', 'vertexAiEmbeddings'];
/** AI sub-nodes: they supply a model or embeddings to an agent, chain or vector store, and have no Tool twin. */
export const SUB_NODE_NAMES = ['vertexAiChatModel', 'vertexAiEmbeddings'];

const ROOT = join(__dirname, '..', '..');
/** Each source folder and where its build goes: the community package's dist/ (the Node-RED nodes' too), and the emulator package's own. */
const BUILDS: Array<[source: string, built: string]> = [
	['lib', 'dist/lib'],
	['nodes', 'dist/nodes'],
	['credentials', 'dist/credentials'],
	['emulator', 'emulator/dist'],
	['node-red/src', 'dist/node-red/src'],
];

function newestMtime(dir: string, suffix: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		// A package's own build folder (emulator/dist) is not among its sources.
		if (entry.isDirectory()) newest = entry.name === 'dist' ? newest : Math.max(newest, newestMtime(path, suffix));
		else if (entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
	}
	return newest;
}

/** The tests install the packed dist/: stop with a clear message when it is missing or older than the sources. */
export function requireFreshBuild(): void {
	const missing = ['emulator/dist/cli.js', ...NODE_NAMES.map((name) => `dist/nodes/${name[0].toUpperCase()}${name.slice(1)}/${name[0].toUpperCase()}${name.slice(1)}.node.js`)].filter(
		(file) => !existsSync(join(ROOT, file)),
	);
	if (missing.length) throw new Error(`The e2e tests need a build: run npm run build first (missing ${missing.join(', ')})`);
	const sources = Math.max(...BUILDS.map(([source]) => newestMtime(join(ROOT, source), '.ts')));
	const built = Math.min(...BUILDS.map(([, output]) => newestMtime(join(ROOT, output), '.js')));
	if (built < sources) throw new Error('the build (dist/, emulator/dist/) is older than the TypeScript sources: run npm run build first');
}

export type PreparedN8n = PreparedInstance;

/**
 * A fresh user folder with the packed package installed as n8n installs community packages, and the examples'
 * credential; `credentialExtra` adds fields to it (example 7's Private Endpoint CA Certificate).
 */
export async function prepareN8n(
	emulator: EmulatorProcess,
	{ env, credentialExtra = {} }: { env?: Record<string, string>; credentialExtra?: Record<string, string | boolean> } = {},
): Promise<PreparedN8n> {
	return await prepareInstance({ credentials: [{ ...CREDENTIAL, data: { ...emulator.credentialData(), ...credentialExtra } }], env });
}

/** The sample model server's deterministic filler text of chunk `index` (chunkSize 8), as /generate sends it. */
export function sampleChunkText(index: number): string {
	const seed = `tok${index} `;
	return seed.repeat(2).slice(0, 8);
}

export { sampleChatReply } from '../../scripts/scale-workflows';

/** What the agent examples are asked; n8n hands the model the tool's output as `[{"response": ...}]`, and the sample server quotes what it gets. */
export const CALCULATOR_QUESTION = 'What is 12 * 7?';
export const CALCULATOR_ANSWER = 'The Calculator tool returned: [{"response":"84"}]';
/** Between two streamed pieces of every answer of a streamingChat, so "chunks before the end" is measurable. */
export const PIECE_DELAY_MS = 250;

/**
 * An agent example behind a public Chat Trigger (embedded mode: a webhook, `webhookId`) in streaming mode, its
 * model's answers streamed slowly (PIECE_DELAY_MS between pieces).
 */
export function streamingChat(workflow: ExampleWorkflow, webhookId: string): ExampleWorkflow {
	const trigger = nodeNamed(workflow, 'When Chat Message Received');
	trigger.webhookId = webhookId;
	trigger.parameters = { public: true, mode: 'webhook', options: { responseMode: 'streaming' } };
	nodeNamed(workflow, 'Vertex AI Chat Model').parameters.options.extraBody = JSON.stringify({ delayMs: PIECE_DELAY_MS });
	return workflow;
}

/** A line of a streamed n8n webhook answer (NDJSON: begin, item, end, error), with when it arrived. */
export interface StreamLine {
	type: string;
	content?: string;
	metadata?: { nodeName?: string };
	at: number;
}

/**
 * Reads a streamed webhook answer line by line as it arrives, keepalives left out. `onLine` sees each line on
 * arrival, before the next read: e.g. to release a held model server once the client has the first item.
 */
export async function readStreamLines(response: Response, onLine?: (line: StreamLine) => void): Promise<StreamLine[]> {
	const lines: StreamLine[] = [];
	const reader = response.body!.getReader();
	const decoder = new TextDecoder();
	let buffered = '';
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		buffered += decoder.decode(value, { stream: true });
		let newline: number;
		while ((newline = buffered.indexOf('\n')) >= 0) {
			const text = buffered.slice(0, newline).trim();
			buffered = buffered.slice(newline + 1);
			if (!text) continue;
			const line: StreamLine = { ...(JSON.parse(text) as Omit<StreamLine, 'at'>), at: Date.now() };
			if (line.type === 'keepalive') continue;
			lines.push(line);
			onLine?.(line);
		}
	}
	return lines;
}

/**
 * Uploads the emulator's sample model server (with these container `args`, e.g. `--dialect=vllm-reasoning` or
 * `--model-name=...`), or another image the emulator maps (`imageUri`), creates a dedicated endpoint and deploys it
 * there with all the traffic, with the core client.
 */
export async function deploySampleServer(
	emulator: EmulatorProcess,
	{ modelId, endpointId, args, imageUri = emulator.builtInImage }: { modelId: string; endpointId: string; args?: string[]; imageUri?: string },
): Promise<void> {
	const client = new VertexClient(clientOptionsFromCredential(emulator.credentialData()));
	const wait = { timeoutMs: 60_000 };
	const containerSpec = { imageUri, invokeRoutePrefix: '/*', healthRoute: '/health', ports: [{ containerPort: 8080 }], ...(args ? { args } : {}) };
	const uploaded = await client.uploadModel({ modelId, model: { displayName: modelId, containerSpec } });
	if (uploaded.operation) await client.waitForOperation(uploaded.operation, wait);
	const created = await client.createEndpoint({ endpointId, endpoint: { displayName: endpointId, dedicatedEndpointEnabled: true } });
	if (created.operation) await client.waitForOperation(created.operation, wait);
	await client.waitForDedicatedEndpointDns(endpointId, wait);
	const deployed = await client.deployModel({
		endpoint: endpointId,
		model: modelId,
		deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1, maxReplicaCount: 1 } },
		trafficPercentage: 100,
	});
	if (deployed.operation) await client.waitForOperation(deployed.operation, wait);
}

/** A request the emulator passed to a model server, from its request log. */
export interface ForwardedRequest {
	path: string;
	status: number;
	endpointId: string;
	/** What the model server was sent, when the emulator keeps bodies (startEmulatorProcess's logRequestBodies). */
	body?: string;
}

export async function forwardedRequests(emulator: EmulatorProcess): Promise<ForwardedRequest[]> {
	const answer = (await (await fetch(`${emulator.baseUrl}/emulator/requests?outcome=forwarded`)).json()) as { requests: ForwardedRequest[] };
	return answer.requests;
}

export async function clearRequests(emulator: EmulatorProcess): Promise<void> {
	await fetch(`${emulator.baseUrl}/emulator/requests`, { method: 'DELETE' });
}

export const chatCompletions = (requests: ForwardedRequest[]) => requests.filter((request) => request.path === '/v1/chat/completions');

/**
 * Posts a message to a public Chat Trigger (webhook mode) and reads the NDJSON answer line by line, noting when each
 * line arrived. n8n registers published webhooks a moment after it reports ready: a 404 is tried again (it started
 * nothing) for up to 30 s.
 */
export async function postChatMessage(baseUrl: string, webhookId: string, chatInput: string): Promise<{ status: number; lines: StreamLine[]; endedAt: number }> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const response = await fetch(`${baseUrl}/webhook/${webhookId}/chat`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'sendMessage', sessionId: 'e2e-session', chatInput }),
		});
		if (response.status === 404 && Date.now() < deadline) {
			await response.body?.cancel();
			await new Promise((resolve) => setTimeout(resolve, 250));
			continue;
		}
		const lines = await readStreamLines(response);
		return { status: response.status, lines, endedAt: Date.now() };
	}
}

/** An `n8n execute` run that must have succeeded: else its error and the end of n8n's log. */
export function succeeded(run: ExecuteResult): ExecuteResult {
	if (run.status !== 'success') throw new Error(`n8n execute failed: ${JSON.stringify(run.error)}\n${run.stderr.slice(-3000)}`);
	return run;
}

/** Imports a workflow and runs it with `n8n execute`, with what the model servers were asked meanwhile. */
export async function executeNoting(n8n: PreparedN8n, emulator: EmulatorProcess, workflow: ExampleWorkflow): Promise<{ run: ExecuteResult; requests: ForwardedRequest[] }> {
	await importWorkflow(n8n.instance, workflow);
	await clearRequests(emulator);
	const run = await executeWorkflow(n8n.instance, workflow.id);
	return { run, requests: await forwardedRequests(emulator) };
}

/**
 * An emulator process and a headless Node-RED with the packed Node-RED package installed as a user installs it;
 * stop() ends both (whatever of them started) and removes the packing folder.
 */
export async function startNodeRedOnEmulator(): Promise<{ emulator: EmulatorProcess; nodeRed: NodeRedInstance; stop(): Promise<void> }> {
	let emulator: EmulatorProcess | undefined;
	let nodeRed: NodeRedInstance | undefined;
	const packDir = mkdtempSync(join(tmpdir(), 'node-red-pack-'));
	const stop = async () => {
		await nodeRed?.stop();
		await emulator?.stop();
		rmSync(packDir, { recursive: true, force: true });
	};
	try {
		emulator = await startEmulatorProcess({ operationStepMs: 50 });
		nodeRed = await startNodeRed({ tarball: await packNodeRedPackage(packDir) });
		return { emulator, nodeRed, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
