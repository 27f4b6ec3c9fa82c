/*
 * The example workflows as data, for the demo and the end-to-end tests: each one loaded with its
 * placeholders filled in (an exact string match on any parameter value, never a substring edit).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const FILES = {
	deployPipeline: '1-deploy-pipeline.json',
	scheduledBatch: '2-scheduled-batch.json',
	chainToService: '3-chain-to-service.json',
	chatStreaming: '4-chat-streaming-webhook.json',
	deployWithoutHoldingAWorker: '5-deploy-without-holding-a-worker.json',
	agentWithYourOwnModel: '6-agent-with-your-own-model.json',
	privateReservedGpu: '7-private-reserved-gpu.json',
	agentReasoningStreaming: '8-agent-reasoning-model-streaming.json',
	agentParallelToolCalls: '9-agent-parallel-tool-calls.json',
	fallbackAndModelSelector: '10-fallback-and-model-selector.json',
	structuredOutput: '11-structured-output.json',
	vectorStoreRetrieval: '12-vector-store-retrieval.json',
	basicLlmChain: '13-basic-llm-chain.json',
	informationExtractor: '14-information-extractor.json',
	textClassifier: '15-text-classifier.json',
	sentimentAnalysis: '16-sentiment-analysis.json',
	questionAnswerRetrieval: '17-question-answer-retrieval.json',
};

/**
 * What a user replaces after importing, by name, as written in the files; and what differs between Vertex AI and
 * the emulator (example 7's private address: on Vertex AI the forwarding rule Vertex created, on the emulator its
 * PSC listener). Example 7's CA is no placeholder: it lives in the credential (Private Endpoint CA Certificate).
 */
const PLACEHOLDERS = {
	endpointId: 'your-endpoint-id',
	primaryEndpointId: 'your-primary-endpoint-id',
	largeEndpointId: 'your-large-endpoint-id',
	serviceUrl: 'http://127.0.0.1:8099/ingest',
	imageUri: 'emulator/sample-model-server',
	privateAddress: "={{ $('Create Dedicated Endpoint').item.json.privateServiceConnect.automatedEndpoints[0].ipAddress }}",
};

/** The credential every example refers to; importing one with this id (or name) connects them. */
const CREDENTIAL = { id: 'vertexAiCredential', name: 'Google Vertex AI account', type: 'googleVertexAiApi' };

function replaceValues(value, replacements) {
	if (typeof value === 'string') return Object.hasOwn(replacements, value) ? replacements[value] : value;
	if (Array.isArray(value)) return value.map((entry) => replaceValues(entry, replacements));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, replaceValues(entry, replacements)]));
	}
	return value;
}

/**
 * Reads an example (a key of FILES) and fills placeholders: `fill` maps PLACEHOLDERS keys to values,
 * e.g. { endpointId: 'chat-endpoint', serviceUrl: 'http://127.0.0.1:4321/ingest' }.
 */
function loadExample(key, fill = {}) {
	const file = FILES[key];
	if (!file) throw new Error(`no example named ${key} (known: ${Object.keys(FILES).join(', ')})`);
	const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, file), 'utf8'));
	const replacements = {};
	for (const [name, value] of Object.entries(fill)) {
		if (!Object.hasOwn(PLACEHOLDERS, name)) throw new Error(`unknown placeholder ${name}`);
		replacements[PLACEHOLDERS[name]] = value;
	}
	return replaceValues(workflow, replacements);
}

/** The node of a workflow with that name (throws if there is none). */
function nodeNamed(workflow, name) {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`workflow ${workflow.id} has no node named ${name}`);
	return node;
}

module.exports = { CREDENTIAL, loadExample, nodeNamed };
