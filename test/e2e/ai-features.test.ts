/**
 * n8n's AI features served by our Chat Model and Embeddings in a real n8n (2.40.7, or N8N_VERSION=2.41.1) with this
 * package installed as a community package, one example each (examples 8 to 12), against the emulator's sample model
 * server (its chat rules are deterministic: emulator/README.md). One n8n user folder and one emulator for the file:
 * the examples run with `n8n execute`, then `n8n start` serves example 8's streamed chat.
 * - 8: AI Agent streaming to a Chat Trigger with a reasoning model (vLLM --reasoning-parser: dialect vllm-reasoning);
 *   the reasoning stays out of the answer and the chat, and is kept in the Chat Model's log of each call (its run data).
 * - 9: two tool calls in one model turn; both tools run and the answer quotes both results.
 * - 10: our model chosen by n8n's Model Selector, and our model as the agent's fallback of a failing model.
 * - 11: the Structured Output Parser on the agent: the output is the parsed object.
 * - 12: the Simple Vector Store fed by our Embeddings, searched by the agent through the store as a tool.
 * Only with N8N_E2E=1, after npm run build.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { IRunExecutionData } from 'n8n-workflow';

import { loadExample, type ExampleWorkflow } from '../../examples';
import { ensureN8n, installDir } from '../../scripts/n8n-install';
import { importWorkflow, publishWorkflow, type ExecuteResult } from '../../scripts/n8n-run/instance';
import { startN8n, type N8nServer } from '../../scripts/n8n-run/server';
import { listExecutions, ownerSession } from '../../scripts/n8n-run/rest';
import { loggedGenerations, type RunsByNode } from '../harness/model-log';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import {
	CALCULATOR_ANSWER as ANSWER,
	CALCULATOR_QUESTION as QUESTION,
	chatCompletions,
	clearRequests,
	deploySampleServer,
	describeE2e,
	executeNoting,
	forwardedRequests,
	postChatMessage,
	PIECE_DELAY_MS,
	prepareN8n,
	requireFreshBuild,
	sampleChatReply,
	streamingChat,
	succeeded,
	type ForwardedRequest,
	type PreparedN8n,
} from './support';

/** Every chat model of the examples is filled with one of these endpoints; each serves under its own model name. */
const ENDPOINTS = {
	small: { endpointId: 'ai-small-endpoint', modelId: 'ai-small-model', args: ['--model-name=brain-small'] },
	large: { endpointId: 'ai-large-endpoint', modelId: 'ai-large-model', args: ['--model-name=brain-large'] },
	/** Answers 503 UNAVAILABLE to every call, through a fault armed in the emulator. */
	failing: { endpointId: 'ai-failing-endpoint', modelId: 'ai-failing-model', args: ['--model-name=brain-failing'] },
	reasoning: { endpointId: 'ai-reasoning-endpoint', modelId: 'ai-reasoning-model', args: ['--model-name=r1', '--dialect=vllm-reasoning'] },
};
/** What the vllm-reasoning dialect thinks before every answer (emulator/README.md). */
const REASONING = 'Let me think about this.';
const CHAT_WEBHOOK_ID = '5d0c1f0e-1a01-4a6e-9c3b-0008000000e2';

/** Example 8 behind a public Chat Trigger (embedded mode: a webhook), its model's answers streamed slowly. */
function reasoningChat(): ExampleWorkflow {
	const workflow = loadExample('agentReasoningStreaming', { endpointId: ENDPOINTS.reasoning.endpointId });
	workflow.id = 'vertexE2eReasoningChat';
	return streamingChat(workflow, CHAT_WEBHOOK_ID);
}

/** The run data a node recorded (main output, or a sub-node's `ai_*` output), as JSON text for searching. */
function recorded(run: ExecuteResult, node: string): string {
	const runs = run.run?.data.resultData.runData[node];
	return runs === undefined ? '' : JSON.stringify(runs);
}

/**
 * Where a run keeps the reasoning: the names of the nodes whose run data holds it, and the generations the Chat
 * Model's log recorded (each model call's reasoning in `generationInfo`, its answer text in `text`).
 */
function reasoningKept(runData: RunsByNode): { nodes: string[]; generations: Array<{ text: string; reasoning: unknown }> } {
	return {
		nodes: Object.keys(runData).filter((node) => JSON.stringify(runData[node]).includes(REASONING)),
		generations: loggedGenerations(runData, 'Vertex AI Chat Model').map(({ text, generationInfo }) => ({ text, reasoning: generationInfo?.reasoning })),
	};
}

/** A saved execution's data as n8n's REST API gives it (a `flatted` string), read with n8n's own flatted. */
function parseSavedExecution(flattedData: string): IRunExecutionData {
	const n8nRequire = createRequire(join(installDir(), 'node_modules', 'n8n', 'package.json'));
	return (n8nRequire('flatted') as { parse(text: string): IRunExecutionData }).parse(flattedData);
}

/** Example 8's two model calls as the Chat Model's log keeps them: the tool call (no text), then the answer. */
const REASONING_LOG = {
	nodes: ['Vertex AI Chat Model'],
	generations: [
		{ text: '', reasoning: REASONING },
		{ text: ANSWER, reasoning: REASONING },
	],
};

const byEndpoint = (requests: ForwardedRequest[]) =>
	Object.fromEntries(Object.values(ENDPOINTS).map(({ endpointId }) => [endpointId, chatCompletions(requests).filter((request) => request.endpointId === endpointId).map((request) => request.status)]));

describeE2e("n8n's AI features on your own model", () => {
	let emulator: EmulatorProcess;
	let n8n: PreparedN8n;
	let server: N8nServer;
	const runs: Record<string, { run: ExecuteResult; requests: ForwardedRequest[] }> = {};
	let failingHits = 0;

	/** Runs an example with `n8n execute`, noting what the model servers were asked meanwhile. */
	async function execute(key: string, workflow: ExampleWorkflow): Promise<void> {
		runs[key] = await executeNoting(n8n, emulator, workflow);
	}

	beforeAll(async () => {
		const started = Date.now();
		requireFreshBuild();
		await ensureN8n();
		emulator = await startEmulatorProcess({ operationStepMs: 20 });
		await Promise.all(Object.values(ENDPOINTS).map((endpoint) => deploySampleServer(emulator, endpoint)));
		const fault = await fetch(`${emulator.baseUrl}/emulator/faults`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ kind: 'unavailable', path: `/endpoints/${ENDPOINTS.failing.endpointId}/`, durationMs: 3_600_000 }),
		});
		if (!fault.ok) throw new Error(`arming the fault failed: ${fault.status} ${await fault.text()}`);
		n8n = await prepareN8n(emulator);
		const small = ENDPOINTS.small.endpointId;
		await execute('reasoning', loadExample('agentReasoningStreaming', { endpointId: ENDPOINTS.reasoning.endpointId }));
		await execute('parallel', loadExample('agentParallelToolCalls', { endpointId: small }));
		await execute('choice', loadExample('fallbackAndModelSelector', { endpointId: small, largeEndpointId: ENDPOINTS.large.endpointId, primaryEndpointId: ENDPOINTS.failing.endpointId }));
		failingHits = ((await (await fetch(`${emulator.baseUrl}/emulator/faults`)).json()) as { faults: Array<{ hits: number }> }).faults[0].hits;
		await execute('structured', loadExample('structuredOutput', { endpointId: small }));
		await execute('retrieval', loadExample('vectorStoreRetrieval', { endpointId: small }));
		const chat = reasoningChat();
		await importWorkflow(n8n.instance, chat);
		await publishWorkflow(n8n.instance, chat.id);
		server = await startN8n(n8n.instance);
		process.stdout.write(`[ai-features] set-up and ${Object.keys(runs).length} CLI runs in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	}, 900_000);

	afterAll(async () => {
		await server?.stop();
		await emulator?.stop();
		n8n?.remove();
	}, 60_000);

	it("example 8, a reasoning model: the agent calls the tool and answers; the reasoning is in the Chat Model's log, not the answer", () => {
		const { run, requests } = runs.reasoning;
		const [answer] = succeeded(run).nodeOutput('AI Agent');
		expect(answer.json.output).toBe(ANSWER);
		// Both turns (the tool call, the answer) were served by the reasoning model, which thought before each.
		expect(byEndpoint(requests)[ENDPOINTS.reasoning.endpointId]).toEqual([200, 200]);
		// n8n's log of each model call keeps the generation's text and generationInfo, where the Chat Model puts the
		// reasoning (docs/n8n-facts.md); no other node's data (the agent's answer, its intermediate steps) holds it.
		expect(reasoningKept(run.run!.data.resultData.runData)).toEqual(REASONING_LOG);
		expect(answer.json.intermediateSteps).toMatchObject([{ action: { tool: 'Calculator', toolInput: { input: '12 * 7' } }, observation: '[{"response":"84"}]' }]);
	});

	it("example 8 in a streaming chat: tokens reach the client as they stream, without the reasoning, which the saved execution's Chat Model log keeps", async () => {
		await clearRequests(emulator);
		const { status, lines, endedAt } = await postChatMessage(server.baseUrl, CHAT_WEBHOOK_ID, QUESTION);
		expect(status).toBe(200);
		const items = lines.filter((line) => line.type === 'item' && line.metadata?.nodeName === 'AI Agent');
		const text = items.map((line) => line.content).join('');
		expect(text).toBe(ANSWER);
		expect(text).not.toContain('think');
		expect(JSON.stringify(lines)).not.toContain(REASONING);
		expect(items.filter((line) => line.content !== '').length).toBeGreaterThan(2);
		// The model server waits PIECE_DELAY_MS between pieces: the first piece arrived well before the last one and the run's end.
		expect(items.at(-1)!.at - items[0].at).toBeGreaterThanOrEqual(2 * PIECE_DELAY_MS);
		expect(endedAt - items[0].at).toBeGreaterThanOrEqual(2 * PIECE_DELAY_MS);
		expect(lines.filter((line) => line.type === 'error')).toEqual([]);
		expect(byEndpoint(await forwardedRequests(emulator))[ENDPOINTS.reasoning.endpointId]).toEqual([200, 200]);
		// The saved execution (what the editor's log shows) has the answer, and the reasoning in the Chat Model's log only.
		const cookie = await ownerSession(server.baseUrl);
		const [execution] = await listExecutions(server.baseUrl, cookie, { workflowId: 'vertexE2eReasoningChat' });
		const saved = (await (await fetch(`${server.baseUrl}/rest/executions/${execution.id}`, { headers: { cookie } })).json()) as { data: { data: string } };
		const savedRunData = parseSavedExecution(saved.data.data).resultData.runData;
		expect(JSON.stringify(savedRunData['AI Agent'])).toContain('The Calculator tool returned');
		expect(reasoningKept(savedRunData)).toEqual(REASONING_LOG);
	}, 120_000);

	it('example 9: the model calls two tools in one turn, n8n runs both, the answer uses both results', () => {
		const { run, requests } = runs.parallel;
		const [answer] = succeeded(run).nodeOutput('AI Agent');
		// Calculator: 12 * 7 = 84; Word Count: "12 * 7" has 3 words. The sample server quotes every tool result it was sent.
		expect(answer.json.output).toContain('The Calculator tool returned: [{"response":"84"}]');
		expect(answer.json.output).toContain('The Word_Count tool returned: [{"response":"3"}]');
		expect(run.run?.data.resultData.runData.Calculator).toHaveLength(1);
		expect(run.run?.data.resultData.runData['Word Count']).toHaveLength(1);
		expect(recorded(run, 'Word Count')).toContain('"response":"3"');
		// One model turn asked for both tools (its log: one answer holding no text), one more turn answered.
		expect(byEndpoint(requests)[ENDPOINTS.small.endpointId]).toEqual([200, 200]);
		expect(run.run?.data.resultData.runData['Vertex AI Chat Model']).toHaveLength(2);
	});

	it('example 10: the Model Selector\'s rule picks the large model; the failing primary falls back to our model', () => {
		const { run, requests } = runs.choice;
		succeeded(run);
		const served = byEndpoint(requests);
		const [selected] = run.nodeOutput('Agent behind a Model Selector');
		const [fallenBack] = run.nodeOutput('Agent with a Fallback');
		expect(selected.json.output).toBe(sampleChatReply('Hello'));
		expect(fallenBack.json.output).toBe(sampleChatReply('Hello'));
		// size "large": only the large model's endpoint answered the selector's agent (rule 2 -> Model 2).
		expect(served[ENDPOINTS.large.endpointId]).toEqual([200]);
		// The primary was called and got 503 (the fault struck; nothing reached its model server); the fallback answered.
		expect(failingHits).toBeGreaterThanOrEqual(1);
		expect(served[ENDPOINTS.failing.endpointId]).toEqual([]);
		expect(served[ENDPOINTS.small.endpointId]).toEqual([200]);
		expect(recorded(run, 'Primary Model')).toContain('503');
		expect(recorded(run, 'Fallback Model')).toContain('Hello from the sample model server');
	});

	it('example 11: with the Structured Output Parser the agent\'s output is the parsed object, numbers as numbers', () => {
		const { run } = runs.structured;
		const [answer] = succeeded(run).nodeOutput('AI Agent');
		// The model answered through format_final_json_response, its arguments filled from the schema by the sample server's rules.
		expect(answer.json.output).toEqual({ city: 'Paris has 2100000 inhabitants', population: 2100000 });
	});

	it('example 12: our Embeddings feed the Simple Vector Store; the agent\'s search through it finds the right document', () => {
		const { run, requests } = runs.retrieval;
		const [answer] = succeeded(run).nodeOutput('AI Agent');
		expect(answer.json.output).toContain('The Eiffel Tower stands in Paris');
		expect(answer.json.output).not.toContain('Photosynthesis');
		expect(answer.json.output).not.toContain('Vertex AI invoke streams');
		expect(run.nodeOutput('Insert Documents')).toHaveLength(3);
		// Three documents embedded, then one query; two chat turns (the tool call and the answer).
		expect(requests.filter((request) => request.path === '/v1/embeddings').length).toBeGreaterThanOrEqual(2);
		expect(byEndpoint(requests)[ENDPOINTS.small.endpointId]).toEqual([200, 200]);
	});
});
