/**
 * n8n's own AI Agent on a model deployed to the emulator, in a real n8n (2.40.7, or the newest with
 * N8N_VERSION=2.41.3) with this package installed as a community package: example 6 (Run Now -> AI Agent with
 * the Vertex AI Chat Model and n8n's Calculator tool) through `n8n execute`, the Vertex AI Embeddings feeding
 * n8n's In-Memory Vector Store, the same agent behind a public Chat Trigger in streaming mode through `n8n start`,
 * and the Invoke node as a tool of n8n's MCP Server Trigger, called by an MCP client over streamable HTTP. The
 * model server is the emulator's sample server, whose tool-calling rules are deterministic (emulator/README.md).
 * Only with N8N_E2E=1, after npm run build.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { loadExample, type ExampleWorkflow } from '../../examples';
import { ensureN8n } from '../../scripts/n8n-install';
import { executeWorkflow, importWorkflow, publishWorkflow, type ExecuteResult } from '../../scripts/n8n-run/instance';
import { startN8n, type N8nServer } from '../../scripts/n8n-run/server';
import { ownerSession, restRequest } from '../../scripts/n8n-run/rest';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import {
	CALCULATOR_ANSWER as ANSWER,
	CALCULATOR_QUESTION as QUESTION,
	chatCompletions,
	clearRequests,
	deploySampleServer,
	describeE2e,
	forwardedRequests,
	postChatMessage,
	PIECE_DELAY_MS,
	prepareN8n,
	requireFreshBuild,
	sampleChatReply,
	streamingChat,
	type ForwardedRequest,
	type PreparedN8n,
} from './support';

const ENDPOINT_ID = 'agent-endpoint';
const CHAT_WEBHOOK_ID = '5d0c1f0e-1a01-4a6e-9c3b-0000000e2e01';

/** Example 6 behind a public Chat Trigger, its answers streamed slowly. */
function agentChat(): ExampleWorkflow {
	const workflow = loadExample('agentWithYourOwnModel', { endpointId: ENDPOINT_ID });
	workflow.id = 'vertexE2eAgentChat';
	workflow.name = 'Agent chat, streamed';
	return streamingChat(workflow, CHAT_WEBHOOK_ID);
}

/** n8n's MCP Server Trigger offering the Invoke node as a tool: the prompt comes from the MCP client ($fromAI). */
function mcpServer(): ExampleWorkflow {
	const credentials = { googleVertexAiApi: { id: 'vertexAiCredential', name: 'Google Vertex AI account' } };
	return {
		id: 'vertexE2eMcp',
		name: 'Invoke as an MCP tool',
		nodes: [
			{
				id: '5d0c1f0e-1a01-4a6e-9c3b-0000000e2e11',
				name: 'MCP Server Trigger',
				type: '@n8n/n8n-nodes-langchain.mcpTrigger',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5d0c1f0e-1a01-4a6e-9c3b-0000000e2e12',
				parameters: { path: 'vertex-mcp' },
			},
			{
				id: '5d0c1f0e-1a01-4a6e-9c3b-0000000e2e13',
				name: 'Ask the Model',
				type: 'n8n-nodes-vertex-invoke.vertexAiInvokeTool',
				typeVersion: 1,
				position: [0, 200],
				parameters: {
					toolDescription: 'Asks the deployed model a question and returns its answer',
					endpoint: { __rl: true, mode: 'id', value: ENDPOINT_ID },
					path: '/v1/chat/completions',
					bodyType: 'json',
					jsonBody: "={{ JSON.stringify({ messages: [{ role: 'user', content: $fromAI('prompt', 'The question for the model', 'string') }] }) }}",
					options: {},
				},
				credentials,
			},
		],
		connections: { 'Ask the Model': { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Run Now -> three texts -> In-Memory Vector Store (insert) -> the same store searched; Vertex AI Embeddings for both. */
function vectorStore(): ExampleWorkflow {
	const node = (id: number, name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
		id: `5d0c1f0e-1a01-4a6e-9c3b-0000000e2e${20 + id}`,
		name,
		type,
		typeVersion,
		position: [id * 220, 0] as [number, number],
		parameters,
		...extra,
	});
	const store = '@n8n/n8n-nodes-langchain.vectorStoreInMemory';
	return {
		id: 'vertexE2eEmbeddings',
		name: 'Embeddings into a vector store',
		nodes: [
			node(0, 'Run Now', 'n8n-nodes-base.manualTrigger', 1, {}),
			node(1, 'Texts', 'n8n-nodes-base.code', 2, { jsCode: "return ['alpha', 'beta gamma', 'delta'].map((text) => ({ json: { text } }));" }),
			node(2, 'Insert', store, 1.1, { mode: 'insert', memoryKey: 'e2e-store' }),
			node(3, 'Search', store, 1.1, { mode: 'load', memoryKey: 'e2e-store', prompt: 'beta gamma', topK: 1 }, { executeOnce: true }),
			node(4, 'Data Loader', '@n8n/n8n-nodes-langchain.documentDefaultDataLoader', 1.1, { jsonMode: 'expressionData', jsonData: '={{ $json.text }}' }),
			node(5, 'Vertex AI Embeddings', 'n8n-nodes-vertex-invoke.vertexAiEmbeddings', 1, { endpoint: { __rl: true, mode: 'id', value: ENDPOINT_ID } }, {
				credentials: { googleVertexAiApi: { id: 'vertexAiCredential', name: 'Google Vertex AI account' } },
			}),
		],
		connections: {
			'Run Now': { main: [[{ node: 'Texts', type: 'main', index: 0 }]] },
			Texts: { main: [[{ node: 'Insert', type: 'main', index: 0 }]] },
			Insert: { main: [[{ node: 'Search', type: 'main', index: 0 }]] },
			'Data Loader': { ai_document: [[{ node: 'Insert', type: 'ai_document', index: 0 }]] },
			'Vertex AI Embeddings': {
				ai_embedding: [[{ node: 'Insert', type: 'ai_embedding', index: 0 }, { node: 'Search', type: 'ai_embedding', index: 0 }]],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}

describeE2e('an n8n AI Agent on your own model', () => {
	let emulator: EmulatorProcess;
	let n8n: PreparedN8n;
	let server: N8nServer;
	let cliRun: ExecuteResult;
	let cliRequests: ForwardedRequest[];
	let embeddingsRun: ExecuteResult;

	beforeAll(async () => {
		requireFreshBuild();
		await ensureN8n();
		emulator = await startEmulatorProcess({ operationStepMs: 20 });
		await deploySampleServer(emulator, { modelId: 'agent-model', endpointId: ENDPOINT_ID });
		n8n = await prepareN8n(emulator);
		const agent = loadExample('agentWithYourOwnModel', { endpointId: ENDPOINT_ID });
		await importWorkflow(n8n.instance, agent);
		for (const workflow of [agentChat(), mcpServer()]) {
			await importWorkflow(n8n.instance, workflow);
			await publishWorkflow(n8n.instance, workflow.id);
		}
		await clearRequests(emulator);
		cliRun = await executeWorkflow(n8n.instance, agent.id);
		cliRequests = await forwardedRequests(emulator);
		await importWorkflow(n8n.instance, vectorStore());
		embeddingsRun = await executeWorkflow(n8n.instance, 'vertexE2eEmbeddings');
		server = await startN8n(n8n.instance);
	}, 600_000);

	afterAll(async () => {
		await server?.stop();
		await emulator?.stop();
		n8n?.remove();
	}, 60_000);

	it('the package loads in n8n with the AI node SDK n8n ships: the chat model is listed under AI > Language Models', async () => {
		const nodeTypes: Array<{ name: string; outputs?: unknown; codex?: { categories?: string[]; subcategories?: Record<string, string[]> } }> =
			await restRequest(server.baseUrl, await ownerSession(server.baseUrl), '/types/nodes.json');
		const chatModel = nodeTypes.find((type) => type.name === 'n8n-nodes-vertex-invoke.vertexAiChatModel');
		expect(chatModel?.outputs).toEqual(['ai_languageModel']);
		expect(chatModel?.codex).toMatchObject({ categories: ['AI'], subcategories: { AI: ['Language Models', 'Root Nodes'] } });
		// The SDK is a peer dependency: the installed package has no copy of its own and uses the one n8n ships.
		expect(existsSync(join(n8n.packageDir, 'node_modules', '@n8n', 'ai-node-sdk'))).toBe(false);
	});

	it('example 6: the agent calls the Calculator through the model, and answers with its result', () => {
		if (cliRun.status !== 'success') throw new Error(`n8n execute failed: ${JSON.stringify(cliRun.error)}\n${cliRun.stderr.slice(-3000)}`);
		const [answer] = cliRun.nodeOutput('AI Agent');
		expect(answer.json.output).toBe(ANSWER);
		// The tool ran in n8n and said 84; the model server was asked twice: the tool-call round and the answer round.
		expect(JSON.stringify(cliRun.run?.data.resultData.runData.Calculator)).toContain('84');
		expect(chatCompletions(cliRequests)).toHaveLength(2);
		expect(cliRequests.every((request) => request.status === 200)).toBe(true);
	});

	it('Vertex AI Embeddings feed n8n\'s In-Memory Vector Store: the search finds the text it was asked for', () => {
		if (embeddingsRun.status !== 'success') throw new Error(`n8n execute failed: ${JSON.stringify(embeddingsRun.error)}\n${embeddingsRun.stderr.slice(-3000)}`);
		const [found] = embeddingsRun.nodeOutput('Search');
		expect(found.json).toMatchObject({ document: { pageContent: 'beta gamma' } });
		expect(found.json.score as number).toBeCloseTo(1, 5);
	});

	it('a streaming chat: the answer reaches the chat client in chunks, before the run ends', async () => {
		await clearRequests(emulator);
		const { status, lines, endedAt } = await postChatMessage(server.baseUrl, CHAT_WEBHOOK_ID, QUESTION);
		expect(status).toBe(200);
		const items = lines.filter((line) => line.type === 'item' && line.metadata?.nodeName === 'AI Agent');
		expect(items.map((line) => line.content).join('')).toBe(ANSWER);
		expect(items.length).toBeGreaterThan(2);
		// The model server waits PIECE_DELAY_MS between pieces: the first piece arrived well before the last one.
		expect(items.at(-1)!.at - items[0].at).toBeGreaterThanOrEqual(2 * PIECE_DELAY_MS);
		expect(endedAt - items[0].at).toBeGreaterThanOrEqual(2 * PIECE_DELAY_MS);
		expect(lines.filter((line) => line.type === 'error')).toEqual([]);
		expect(chatCompletions(await forwardedRequests(emulator))).toHaveLength(2);
	}, 120_000);

	it('the Invoke node as a tool of the MCP Server Trigger: an MCP client lists it, calls it, the model answers', async () => {
		const client = new Client({ name: 'vertex-e2e', version: '1.0.0' });
		await client.connect(new StreamableHTTPClientTransport(new URL(`${server.baseUrl}/mcp/vertex-mcp`)));
		try {
			const { tools } = await client.listTools();
			expect(tools.map((tool) => tool.name)).toEqual(['Ask_the_Model']);
			expect(tools[0].inputSchema.properties).toHaveProperty('prompt');
			const result = (await client.callTool({ name: 'Ask_the_Model', arguments: { prompt: 'Say hello over MCP' } })) as { content: Array<{ type: string; text?: string }> };
			const text = result.content.map((part) => part.text ?? '').join('');
			expect(text).toContain(JSON.stringify(sampleChatReply('Say hello over MCP')).slice(1, -1));
		} finally {
			await client.close();
		}
	}, 60_000);
});
