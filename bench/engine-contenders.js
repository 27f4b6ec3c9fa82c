'use strict';
/**
 * Bench contenders that run inside n8n's engine: one workflow run of n8n-core's WorkflowExecute (test/harness, compiled
 * into bench/engine-build by bench/build.js) per `run`, a source node emitting `calls` items `{ request: i }` into
 *   - our Invoke node (dist/nodes) with our credential, POST /echo, Options > Concurrency;
 *   - n8n's HTTP Request node from the pinned n8n install (scripts/n8n-install.js), newest type version, POST to the
 *     same invoke URL, with a fixed `Authorization: Bearer` header or with n8n's Google Service Account credential.
 * Each factory: `async (world, options) => ({ name, run: async ({ calls, concurrency }) => facts, close })`; `run`
 * throws unless every output item is the /echo answer to its own request.
 *
 *   node bench/engine-contenders.js --check [--calls 200,2000] [--concurrency 64] [--batch-interval 1]
 * starts the bench world, runs each contender once per call count and prints wall time, CPU per call, tokens minted.
 */
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { DEFAULT_N8N_VERSION, ensureN8n } = require('../scripts/n8n-install');
const { invokeUrl } = require('./raw-client');

const SOURCE = 'Source';
const CONTENDER = 'Contender';
const INVOKE_NODE_TYPE = 'n8n-nodes-vertex-invoke.vertexAiInvoke';
const HTTP_REQUEST_NODE_TYPE = 'n8n-nodes-base.httpRequest';
const ECHO_PATH = '/echo';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/**
 * The HTTP Request node sends every item's request without waiting for earlier answers; "batching" only sleeps
 * batchInterval ms after each batchSize items, and only when batchInterval > 0 (HttpRequestV3.node.js). So 0 is no
 * batching at all (all 10,000 requests at once), and 1 ms is the fastest setting that still paces the requests.
 */
const FASTEST_BATCH_INTERVAL_MS = 1;
// As a production execution (a trigger started it): outside manual mode n8n-core drops a node's messages to the editor.
const EXECUTION_MODE = 'trigger';

/** The engine harness, loaded on first use: bench/build.js must have built it first. */
let harness;
function engine() {
	harness ??= require('./engine-build/test/harness/n8n-engine');
	return harness;
}

function readServiceAccountKeyJson(world) {
	return readFileSync(world.facts.serviceAccountKeyFile, 'utf8');
}

/** Throws unless `answer` (the parsed /echo response) answers request `i`: not a cached or misrouted answer. */
function assertEchoAnswer(answer, i, who) {
	let request;
	try {
		request = answer?.path === ECHO_PATH ? JSON.parse(answer.body).request : undefined;
	} catch {
		request = undefined;
	}
	if (request !== i) throw new Error(`${who}: item ${i} is not the /echo answer to its request: ${JSON.stringify(answer).slice(0, 200)}`);
}

/** The source node's items for a call count, built once per count (rounds repeat the same counts). */
const sourceNodes = new Map();
function sourceNodeOf(calls) {
	let node = sourceNodes.get(calls);
	if (!node) {
		node = engine().sourceNode(SOURCE, Array.from({ length: calls }, (_, i) => ({ request: i })));
		sourceNodes.set(calls, node);
	}
	return node;
}

function redact(text, secrets) {
	return secrets.reduce((redacted, secret) => (secret ? redacted.split(secret).join('[redacted]') : redacted), text);
}

/**
 * A contender from what its workflow needs: node types and credential types as instances (made once here, not per
 * run), the contender node for a concurrency, and where an output item holds the /echo answer.
 */
function engineContender(world, { name, nodeTypes, credentials = {}, credentialTypes = [], contenderNode, answerOf, checkItem, secrets = [], runFacts = () => ({}) }) {
	const check = checkItem ?? ((json, i) => assertEchoAnswer(answerOf(json), i, name));
	return {
		name,
		async run({ calls, concurrency }) {
			const result = await runContenderWorkflow(
				{ nodeTypes, credentials, credentialTypes },
				{ source: sourceNodeOf(calls), node: contenderNode(concurrency) },
			);
			// A node error or an answer quoted below may carry a header or key: never let a secret reach the report.
			try {
				if (result.error) {
					const { message, description } = result.error;
					throw new Error(`${name}: the workflow run failed: ${message}${description ? ` (${description})` : ''}`);
				}
				const items = result.lastNodeJson(CONTENDER);
				if (items.length !== calls) throw new Error(`${name}: ${items.length} output items for ${calls} requests`);
				items.forEach(check);
			} catch (error) {
				throw new Error(redact(error.message, secrets));
			}
			return runFacts();
		},
		close: async () => {},
	};
}

/**
 * One workflow run, source -> contender node, as a production execution. `setup`: node types, credentials and
 * credential types (made once by the caller); `streaming`, `onChunk`, `onNodeStart` as the harness takes them.
 */
async function runContenderWorkflow(setup, { source, node, streaming = false, onChunk, onNodeStart }) {
	const { chain, runWorkflow } = engine();
	return await runWorkflow({
		nodes: [source, { name: CONTENDER, ...node }],
		connections: chain(SOURCE, CONTENDER),
		...setup,
		// n8n streams only a webhook's (or chat's, or a manual) execution: a streaming run is a webhook call.
		mode: streaming ? 'webhook' : EXECUTION_MODE,
		streaming,
		onChunk,
		onNodeStart,
	});
}

/** A source node of the given items (for runs that are not the /echo batch). */
function sourceNodeWith(items) {
	return engine().sourceNode(SOURCE, items);
}

const INVOKE_MAX_CONCURRENCY = 64;

/** The Concurrency option's own bounds: the editor enforces them, the engine would not. */
function checkedInvokeConcurrency(concurrency) {
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > INVOKE_MAX_CONCURRENCY) {
		throw new Error(`Invoke node: Concurrency is 1 to ${INVOKE_MAX_CONCURRENCY}, not ${concurrency}`);
	}
	return concurrency;
}

/**
 * Our Invoke node with our credential (the service account key, the emulator as API base and token URL). The node's
 * core client is cached per process, so its token is minted in the first run and reused after.
 */
/** Our Invoke node type and credential for the engine (the service account key, the emulator as API base and token URL). */
function invokeNodeSetup(world) {
	const { VertexAiInvoke } = require('../dist/nodes/VertexAiInvoke/VertexAiInvoke.node');
	const { GoogleVertexAiApi } = require('../dist/credentials/GoogleVertexAiApi.credentials');
	const keyJson = readServiceAccountKeyJson(world);
	const { facts } = world;
	return {
		nodeTypes: { [INVOKE_NODE_TYPE]: new VertexAiInvoke() },
		credentialTypes: [new GoogleVertexAiApi()],
		credentials: {
			googleVertexAiApi: {
				authentication: 'serviceAccountJson',
				serviceAccountJson: keyJson,
				location: facts.location,
				apiBaseUrl: facts.baseUrl,
				tokenUrl: facts.tokenUrl,
			},
		},
		secrets: [JSON.parse(keyJson).private_key],
	};
}

/** How the Invoke contender gets its body (see invokeNodeContender). */
const INVOKE_BODIES = {
	fixed: { name: 'Invoke node, fixed JSON Body (n8n engine)', parameters: () => ({ bodyType: 'json', jsonBody: FIXED_BODY_TEXT }) },
	expression: { name: 'Invoke node, JSON Body ={{ $json }} (n8n engine)', parameters: () => ({ bodyType: 'json', jsonBody: '={{ $json }}' }) },
	item: { name: 'Invoke node, Body: Input Item (n8n engine)', parameters: () => ({ bodyType: 'item' }) },
};

/**
 * Our Invoke node with our credential. The node's core client is cached per process, so its token is minted in the
 * first run and reused after. `body`: 'expression' sends each item with JSON Body `={{ $json }}` (as a user maps an
 * item, and as the HTTP Request contenders do); 'item' sends the item with Body: Input Item (no expression); 'fixed'
 * sends one JSON Body written out, the same for every item.
 */
async function invokeNodeContender(world, { body = 'expression' } = {}) {
	const setup = invokeNodeSetup(world);
	const fixed = body === 'fixed';
	const variant = INVOKE_BODIES[body];
	if (!variant) throw new Error(`invokeNodeContender: body is ${Object.keys(INVOKE_BODIES).join(', ')}, not ${JSON.stringify(body)}`);
	return engineContender(world, {
		name: variant.name,
		...setup,
		contenderNode: (concurrency) => ({
			type: INVOKE_NODE_TYPE,
			parameters: {
				endpoint: { __rl: true, mode: 'id', value: world.endpoint },
				path: ECHO_PATH,
				// The item itself is the body ({"request": i}), by expression or as the input item, or one body for all.
				...variant.parameters(),
				responseFormat: 'json',
				options: { concurrency: checkedInvokeConcurrency(concurrency) },
			},
		}),
		// Not streamed: one item with status, headers and the parsed body. A fixed body is the same for every item, so
		// its answers are checked against that body (the output order and count are checked all the same).
		answerOf: (json) => json.body,
		...(fixed ? { checkItem: (json, i) => assertFixedEchoAnswer(json.body, i) } : {}),
	});
}

const FIXED_BODY_TEXT = '{"request":"the same for every item"}';

function assertFixedEchoAnswer(answer, i) {
	if (answer?.path !== ECHO_PATH || answer.body !== FIXED_BODY_TEXT) {
		throw new Error(`Invoke node, fixed JSON Body: item ${i} is not the /echo answer to that body: ${JSON.stringify(answer).slice(0, 200)}`);
	}
}

// n8n's outbound HTTP layer, one per copy of @n8n/backend-network: the engine's (the HTTP Request node's requests) and
// the install's (the Google credential's token request). Each instance is wrapped once.
const guardedOutboundHttp = new WeakMap();
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The request's URL, sent to its loopback stand-in when `redirects` has one; any other non-loopback URL is refused. */
function loopbackOnly(options, redirects) {
	const key = options.url !== undefined ? 'url' : 'uri';
	const target = new URL(String(options[key]), options.baseURL);
	const standIn = redirects.get(target.href);
	if (standIn) return { ...options, [key]: standIn };
	if (!LOOPBACK_HOSTNAMES.has(target.hostname)) {
		throw new Error(`bench: refused a request to ${target.origin}: the bench only talks to 127.0.0.1`);
	}
	return options;
}

/**
 * Wraps an OutboundHttp instance's requests() clients: URLs go through loopbackOnly, and requests in flight are
 * counted (the HTTP Request node does not bound them itself). Returns the instance's guard state.
 */
function guardOutboundHttp(outboundHttp) {
	let guard = guardedOutboundHttp.get(outboundHttp);
	if (guard) return guard;
	guard = { redirects: new Map(), inFlight: 0, peakInFlight: 0 };
	guardedOutboundHttp.set(outboundHttp, guard);
	const requests = outboundHttp.requests.bind(outboundHttp);
	const tracked = async (send) => {
		guard.peakInFlight = Math.max(guard.peakInFlight, ++guard.inFlight);
		try {
			return await send();
		} finally {
			guard.inFlight--;
		}
	};
	outboundHttp.requests = (clientOptions) => {
		const client = requests(clientOptions);
		return {
			request: (options) => tracked(() => client.request(loopbackOnly(options, guard.redirects))),
			requestLegacy: (options, callbacks) => tracked(() => client.requestLegacy(loopbackOnly(options, guard.redirects), callbacks)),
		};
	};
	return guard;
}

/** The most requests open at once since the last call. */
function takePeakInFlight(guard) {
	const peak = guard.peakInFlight;
	guard.peakInFlight = guard.inFlight;
	return peak;
}

/**
 * The pinned n8n install (installed on first use, cached after) and what the contenders take from it. The Google
 * credential's token request uses the DI container and OutboundHttp of the copies its own file resolves.
 */
let n8nInstall;
async function loadN8nInstall() {
	n8nInstall ??= (async () => {
		const dir = await ensureN8n({ version: DEFAULT_N8N_VERSION });
		engine(); // reflect-metadata and the throwaway N8N_USER_FOLDER come first (test/harness/engine-env.ts)
		const fromInstall = createRequire(path.join(dir, 'package.json'));
		const googleApiFile = fromInstall.resolve('n8n-nodes-base/dist/credentials/GoogleApi.credentials.js');
		const fromCredential = createRequire(googleApiFile);
		return {
			version: DEFAULT_N8N_VERSION,
			HttpRequest: fromInstall('n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js').HttpRequest,
			GoogleApi: fromCredential(googleApiFile).GoogleApi,
			credentialOutboundHttp: () => fromCredential('@n8n/di').Container.get(fromCredential('@n8n/backend-network').OutboundHttp),
		};
	})();
	return n8nInstall;
}

/** The engine's own OutboundHttp (n8n-core's request helpers), from the copies the harness's n8n-core resolves. */
function engineOutboundHttp() {
	const fromCore = createRequire(require.resolve('n8n-core'));
	return fromCore('@n8n/di').Container.get(fromCore('@n8n/backend-network').OutboundHttp);
}

/**
 * n8n's HTTP Request node (newest type version of the pinned install's n8n-nodes-base), POST to the invoke URL with
 * the item as JSON body, batching batchSize = concurrency every `batchIntervalMs`, the answer read as JSON.
 * auth 'bearer': a fixed Authorization header with a token minted once beforehand (the bench client's), no credential.
 * auth 'googleServiceAccount': n8n's googleApi credential, which signs a JWT and asks Google's token URL for a token
 * on every request; that URL is sent to the emulator's token URL.
 * Each run also reports peakInFlight, the most node requests open at once (and, with the credential,
 * peakTokenRequestsInFlight).
 */
async function httpRequestNodeContender(world, { auth, batchIntervalMs = FASTEST_BATCH_INTERVAL_MS }) {
	const install = await loadN8nInstall();
	const httpRequest = new install.HttpRequest();
	const typeVersion = Math.max(...Object.keys(httpRequest.nodeVersions).map(Number));
	const nodeRequests = guardOutboundHttp(engineOutboundHttp());
	let tokenRequests;
	const parameters = {
		method: 'POST',
		url: invokeUrl(world, ECHO_PATH),
		sendBody: true,
		contentType: 'json',
		specifyBody: 'json',
		jsonBody: '={{ $json }}',
	};
	const spec = { nodeTypes: { [HTTP_REQUEST_NODE_TYPE]: httpRequest } };
	if (auth === 'bearer') {
		const token = await world.client.getAccessToken();
		Object.assign(parameters, {
			authentication: 'none',
			sendHeaders: true,
			specifyHeaders: 'keypair',
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${token}` }] },
		});
		Object.assign(spec, { name: `HTTP Request node v${typeVersion}, Bearer header (n8n engine)`, secrets: [token] });
	} else if (auth === 'googleServiceAccount') {
		const key = JSON.parse(readServiceAccountKeyJson(world));
		tokenRequests = guardOutboundHttp(install.credentialOutboundHttp());
		tokenRequests.redirects.set(GOOGLE_TOKEN_URL, world.facts.tokenUrl);
		Object.assign(parameters, { authentication: 'predefinedCredentialType', nodeCredentialType: 'googleApi' });
		Object.assign(spec, {
			name: `HTTP Request node v${typeVersion}, Google Service Account (n8n engine)`,
			credentialTypes: [new install.GoogleApi()],
			credentials: { googleApi: { email: key.client_email, privateKey: key.private_key, httpNode: true, scopes: CLOUD_PLATFORM_SCOPE } },
			// Picked by the node's parameters, not declared by its type: set it on the node as the editor does.
			credentialReference: { googleApi: { id: 'googleApi', name: 'Bench Google Service Account' } },
			secrets: [key.private_key],
		});
	} else {
		throw new Error(`httpRequestNodeContender: unknown auth ${JSON.stringify(auth)} (bearer or googleServiceAccount)`);
	}
	return engineContender(world, {
		...spec,
		contenderNode: (concurrency) => ({
			type: HTTP_REQUEST_NODE_TYPE,
			typeVersion,
			parameters: {
				...parameters,
				options: {
					batching: { batch: { batchSize: concurrency, batchInterval: batchIntervalMs } },
					response: { response: { responseFormat: 'json' } },
				},
			},
			...(spec.credentialReference ? { credentials: spec.credentialReference } : {}),
		}),
		answerOf: (json) => json,
		runFacts: () => {
			const facts = { peakInFlight: takePeakInFlight(nodeRequests) };
			if (tokenRequests) facts.peakTokenRequestsInFlight = takePeakInFlight(tokenRequests);
			return facts;
		},
	});
}

/** The factories of every engine contender, in report order. */
function engineContenderFactories({ batchIntervalMs = FASTEST_BATCH_INTERVAL_MS } = {}) {
	return [
		(world) => invokeNodeContender(world, { body: 'fixed' }),
		(world) => invokeNodeContender(world, { body: 'expression' }),
		(world) => invokeNodeContender(world, { body: 'item' }),
		(world) => httpRequestNodeContender(world, { auth: 'bearer', batchIntervalMs }),
		(world) => httpRequestNodeContender(world, { auth: 'googleServiceAccount', batchIntervalMs }),
	];
}

function parseCheckArguments(argv) {
	const valueOf = (flag, fallback) => {
		const index = argv.indexOf(flag);
		return index === -1 ? fallback : argv[index + 1];
	};
	return {
		callCounts: String(valueOf('--calls', '200,2000')).split(',').map(Number),
		concurrency: Number(valueOf('--concurrency', 64)),
		batchIntervalMs: Number(valueOf('--batch-interval', FASTEST_BATCH_INTERVAL_MS)),
	};
}

/** `--check`: each contender once per call count, in a fresh bench world; prints one line per run. */
async function check(argv) {
	const log = (line) => process.stderr.write(`[engine-contenders] ${line}\n`);
	require('./build').ensureBuilt(log);
	const { startBenchWorld } = require('./setup');
	const { round } = require('./stats');
	const { callCounts, concurrency, batchIntervalMs } = parseCheckArguments(argv);
	log('starting the emulator and deploying the sample model server');
	const world = await startBenchWorld();
	try {
		for (const factory of engineContenderFactories({ batchIntervalMs })) {
			const contender = await factory(world);
			try {
				for (const calls of callCounts) {
					const tokensBefore = (await world.stats()).tokensMinted;
					const cpuBefore = process.cpuUsage();
					const started = performance.now();
					const facts = await contender.run({ calls, concurrency });
					const wallMs = performance.now() - started;
					const cpu = process.cpuUsage(cpuBefore);
					const tokensMinted = (await world.stats()).tokensMinted - tokensBefore;
					const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / calls;
					const extra =
						(facts.peakInFlight === undefined ? '' : `, peak in flight ${facts.peakInFlight}`) +
						(facts.peakTokenRequestsInFlight === undefined ? '' : ` (token requests ${facts.peakTokenRequestsInFlight})`);
					process.stdout.write(
						`${contender.name}: ${calls} calls, concurrency ${concurrency}: ${round(wallMs, 0)} ms wall, ` +
							`${round((calls / wallMs) * 1000, 0)} calls/s, ${round(cpuMsPerCall, 3)} ms CPU per call, ` +
							`tokens minted ${tokensMinted}${extra}\n`,
					);
				}
			} finally {
				await contender.close();
			}
		}
	} finally {
		await world.close();
	}
}

if (require.main === module) {
	if (!process.argv.includes('--check')) {
		process.stderr.write('usage: node bench/engine-contenders.js --check [--calls 200,2000] [--concurrency 64] [--batch-interval 1]\n');
		process.exit(2);
	}
	check(process.argv.slice(2)).then(
		// Idle keep-alive sockets of n8n's HTTP agents would hold the process a few seconds more.
		() => process.exit(0),
		(error) => {
			process.stderr.write(`[engine-contenders] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
			process.exit(1);
		},
	);
}

module.exports = {
	engineContenderFactories,
	invokeNodeSetup,
	runContenderWorkflow,
	sourceNodeWith,
	redact,
	invokeNodeContender,
	httpRequestNodeContender,
	assertEchoAnswer,
	guardOutboundHttp,
	FASTEST_BATCH_INTERVAL_MS,
	FIXED_BODY_TEXT,
	assertFixedEchoAnswer,
};
