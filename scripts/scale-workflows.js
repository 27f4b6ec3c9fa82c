/*
 * The workflows that measure the package at scale (test/e2e/queue-mode.test.ts, bench/queue-bench.js), built
 * as data for importWorkflow, and the answer the sample model server gives them. Plain Node.
 */
'use strict';

const CREDENTIALS = { googleVertexAiApi: { id: 'vertexAiCredential', name: 'Google Vertex AI account' } };

/** The sample model server's readable chat reply to `prompt` (a chat that asks for no chunk count or size). */
function sampleChatReply(prompt) {
	return `Hello from the sample model server behind Vertex AI invoke! You said: "${prompt}"`;
}

function invokeNode(id, name, position, parameters) {
	return {
		id,
		name,
		type: 'n8n-nodes-vertex-invoke.vertexAiInvoke',
		typeVersion: 1,
		position,
		parameters: { path: '/v1/chat/completions', bodyType: 'json', responseFormat: 'auto', ...parameters },
		credentials: CREDENTIALS,
	};
}

function webhookNode(id, name, webhookId, parameters) {
	return { id, name, type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], webhookId, parameters: { httpMethod: 'POST', options: {}, ...parameters } };
}

/** Webhook (answers with the last node's first item) at POST /webhook/queue-batch {prompt} -> Invoke, aggregated: one answer per call. */
function batchWorkflow(endpointId) {
	return {
		id: 'vertexQueueBatch',
		name: 'Queue mode: one chat answer per webhook call',
		nodes: [
			webhookNode('a0000000-0000-4000-8000-000000000001', 'Batch Webhook', 'a0000000-0000-4000-8000-0000000000ff', {
				path: 'queue-batch',
				responseMode: 'lastNode',
				responseData: 'firstEntryJson',
			}),
			invokeNode('a0000000-0000-4000-8000-000000000002', 'Invoke', [220, 0], {
				endpoint: { __rl: true, mode: 'id', value: endpointId },
				jsonBody: "={{ JSON.stringify({ messages: [{ role: 'user', content: $json.body.prompt }], stream: true }) }}",
				streamOutput: 'aggregate',
				options: {},
			}),
		],
		connections: { 'Batch Webhook': { main: [[{ node: 'Invoke', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/**
 * Webhook in Streaming response mode at POST /webhook/live-stream {chunks, chunkSize, delayMs, coalesceMs} -> Invoke
 * forwarding the sample server's generated chunks live, with that coalescing window. The client reads n8n's NDJSON
 * stream: one `item` line per forwarded message.
 */
function liveStreamWorkflow(endpointId) {
	return {
		id: 'vertexLiveStream',
		name: 'Live forwarding: a long streamed answer',
		nodes: [
			webhookNode('c0000000-0000-4000-8000-000000000001', 'Stream Webhook', 'c0000000-0000-4000-8000-0000000000ff', {
				path: 'live-stream',
				responseMode: 'streaming',
			}),
			invokeNode('c0000000-0000-4000-8000-000000000002', 'Invoke Stream', [220, 0], {
				endpoint: { __rl: true, mode: 'id', value: endpointId },
				jsonBody:
					"={{ JSON.stringify({ messages: [{ role: 'user', content: 'go' }], stream: true, chunks: $json.body.chunks, chunkSize: $json.body.chunkSize, delayMs: $json.body.delayMs }) }}",
				streamOutput: 'aggregate',
				options: { forwardLive: true, coalesceLiveChunksMs: '={{ $json.body.coalesceMs }}', maxChunks: 1000000 },
			}),
		],
		connections: { 'Stream Webhook': { main: [[{ node: 'Invoke Stream', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

module.exports = { batchWorkflow, liveStreamWorkflow, sampleChatReply };
