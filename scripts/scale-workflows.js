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

/**
 * Webhook -> Invoke on the chat route, the workflow's node ids made from `idPrefix` (one hex digit), the Invoke on the
 * given endpoint with our credential.
 */
function webhookToInvoke({ id, name, idPrefix, endpointId, webhook, invoke }) {
	const nodeId = (last) => `${idPrefix}0000000-0000-4000-8000-0000000000${last}`;
	return {
		id,
		name,
		nodes: [
			{
				id: nodeId('01'),
				name: webhook.name,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: nodeId('ff'),
				parameters: { httpMethod: 'POST', options: {}, ...webhook.parameters },
			},
			{
				id: nodeId('02'),
				name: invoke.name,
				type: 'n8n-nodes-vertex-invoke.vertexAiInvoke',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					path: '/v1/chat/completions',
					bodyType: 'json',
					responseFormat: 'auto',
					endpoint: { __rl: true, mode: 'id', value: endpointId },
					...invoke.parameters,
				},
				credentials: CREDENTIALS,
			},
		],
		connections: { [webhook.name]: { main: [[{ node: invoke.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** Webhook (answers with the last node's first item) at POST /webhook/queue-batch {prompt} -> Invoke, aggregated: one answer per call. */
function batchWorkflow(endpointId) {
	return webhookToInvoke({
		id: 'vertexQueueBatch',
		name: 'Queue mode: one chat answer per webhook call',
		idPrefix: 'a',
		endpointId,
		webhook: { name: 'Batch Webhook', parameters: { path: 'queue-batch', responseMode: 'lastNode', responseData: 'firstEntryJson' } },
		invoke: {
			name: 'Invoke',
			parameters: {
				jsonBody: "={{ JSON.stringify({ messages: [{ role: 'user', content: $json.body.prompt }], stream: true }) }}",
				streamOutput: 'aggregate',
				options: {},
			},
		},
	});
}

/**
 * Webhook in Streaming response mode at POST /webhook/live-stream {chunks, chunkSize, delayMs, coalesceMs} -> Invoke
 * forwarding the sample server's generated chunks live, with that coalescing window. The client reads n8n's NDJSON
 * stream: one `item` line per forwarded message.
 */
function liveStreamWorkflow(endpointId) {
	return webhookToInvoke({
		id: 'vertexLiveStream',
		name: 'Live forwarding: a long streamed answer',
		idPrefix: 'c',
		endpointId,
		webhook: { name: 'Stream Webhook', parameters: { path: 'live-stream', responseMode: 'streaming' } },
		invoke: {
			name: 'Invoke Stream',
			parameters: {
				jsonBody:
					"={{ JSON.stringify({ messages: [{ role: 'user', content: 'go' }], stream: true, chunks: $json.body.chunks, chunkSize: $json.body.chunkSize, delayMs: $json.body.delayMs }) }}",
				streamOutput: 'aggregate',
				options: { forwardLive: true, coalesceLiveChunksMs: '={{ $json.body.coalesceMs }}', maxChunks: 1000000 },
			},
		},
	});
}

/**
 * Webhook (answers with the last node's first item) at POST /webhook/queue-slow {prompt, chunks, delayMs} -> Invoke,
 * aggregated, on the sample server's generated chunks paced `delayMs` apart: an execution that is still running
 * on its worker for chunks x delayMs, for the queue-mode failure runs (a worker killed, Redis restarted).
 */
function slowChatWorkflow(endpointId) {
	return webhookToInvoke({
		id: 'vertexQueueSlow',
		name: 'Queue mode: a slow chat answer',
		idPrefix: 'd',
		endpointId,
		webhook: { name: 'Slow Webhook', parameters: { path: 'queue-slow', responseMode: 'lastNode', responseData: 'firstEntryJson' } },
		invoke: {
			name: 'Invoke Slowly',
			parameters: {
				jsonBody:
					"={{ JSON.stringify({ messages: [{ role: 'user', content: $json.body.prompt }], stream: true, chunks: $json.body.chunks, delayMs: $json.body.delayMs }) }}",
				streamOutput: 'aggregate',
				options: {},
			},
		},
	});
}

module.exports = { batchWorkflow, liveStreamWorkflow, sampleChatReply, slowChatWorkflow };
