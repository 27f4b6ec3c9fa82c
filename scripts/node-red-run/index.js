/*
 * A real Node-RED (the `node-red` package, a dev dependency of the node-red workspace) started headless on
 * 127.0.0.1 with its own user folder, this repository's Node-RED package packed and installed into that folder
 * as a user installs it (npm install of the tarball), flows deployed through the admin API, the Inject button
 * pressed through it, and what Debug nodes show captured from the editor's websocket. Used by the end-to-end
 * suite, the editor screenshot and `npm run demo -- --node-red`.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { packPackage } = require('../n8n-run/community-package');
const { freePort, runCommand, startProcess, stopChild, waitForLog } = require('../n8n-run/processes');
const { nodeEnv } = require('../n8n-install');

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_DIR = path.join(PROJECT_ROOT, 'node-red');
const PACKAGE_NAME = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).name;
const NODE_RED_CLI = path.join(path.dirname(require.resolve('node-red/package.json', { paths: [PACKAGE_DIR] })), 'red.js');
const EXAMPLE = path.join(PACKAGE_DIR, 'examples', 'deploy-pipeline.json');
/** The example's placeholder image: the emulator runs its built-in sample server under its own URI instead. */
const EXAMPLE_IMAGE = 'us-docker.pkg.dev/my-project/models/chat-server:1';

/**
 * Bundles (the build must have run) and packs the Node-RED package.
 * @param {string} destination
 * @returns {Promise<string>} the tarball's path
 */
async function packNodeRedPackage(destination) {
	await runCommand(process.execPath, [path.join(PACKAGE_DIR, 'scripts', 'bundle.js')]);
	return await packPackage(PACKAGE_DIR, destination);
}

/**
 * @typedef {object} NodeRedInstance
 * @property {string} url the editor and admin API, http://127.0.0.1:PORT
 * @property {string} userDir
 * @property {() => string} logs
 * @property {() => Promise<void>} stop ends Node-RED and removes its user folder
 */

/**
 * A user folder with the tarball installed as Node-RED's palette manager does (npm install in the folder), and
 * Node-RED started on it on a free port of 127.0.0.1.
 * @param {{ tarball: string, timeoutMs?: number }} options
 * @returns {Promise<NodeRedInstance>}
 */
async function startNodeRed({ tarball, timeoutMs = 60_000 }) {
	const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-red-user-'));
	const remove = () => fs.rmSync(userDir, { recursive: true, force: true });
	try {
		fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, version: '0.0.1' }));
		await runCommand('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball], { cwd: userDir });
		const port = await freePort();
		fs.writeFileSync(
			path.join(userDir, 'settings.js'),
			`module.exports = ${JSON.stringify(
				{
					uiHost: '127.0.0.1',
					uiPort: port,
					flowFile: 'flows.json',
					credentialSecret: 'a-secret-for-this-test-instance-only',
					debugMaxLength: 100000,
					editorTheme: { tours: false, projects: { enabled: false } },
					telemetry: { enabled: false },
					diagnostics: { enabled: false },
				},
				null,
				2,
			)};\n`,
		);
		const running = startProcess(process.execPath, [NODE_RED_CLI, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], { env: nodeEnv(), cwd: userDir });
		await waitForLog(running, /Server now running at/, { name: 'Node-RED', timeoutMs });
		return {
			url: `http://127.0.0.1:${port}`,
			userDir,
			logs: running.logs,
			async stop() {
				await stopChild(running.child, 10_000);
				remove();
			},
		};
	} catch (error) {
		remove();
		throw error;
	}
}

/**
 * The example flow as the editor's Import > Examples menu gets it: from the running Node-RED's library of the
 * installed package's examples/ folder.
 * @param {string} url
 * @returns {Promise<Array<Record<string, any>>>}
 */
async function importExample(url) {
	const response = await fetch(`${url}/library/examples/flows/${PACKAGE_NAME}/${path.basename(EXAMPLE, '.json')}`);
	if (!response.ok) throw new Error(`Node-RED does not list the example of ${PACKAGE_NAME}: ${response.status} ${await response.text()}`);
	return /** @type {Array<Record<string, any>>} */ (await response.json());
}

/**
 * The example flow (`nodes`, by default the repository's copy) on a tab of its own, its config node pointing at the
 * emulator with the emulator's key as the config node's credentials (sent once with the deploy, then stored by
 * Node-RED apart from the flow).
 * @param {{ baseUrl: string, tokenUrl: string, location: string, builtInImage: string, credentialData(): Record<string, string> }} emulator
 * @param {Array<Record<string, any>>} [nodes]
 * @returns {Array<Record<string, any>>}
 */
function exampleFlowFor(emulator, nodes = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'))) {
	const tab = { id: 'vertex-ai-example', type: 'tab', label: 'Vertex AI: upload, create, deploy, invoke' };
	return [
		tab,
		...nodes.map((node) => {
			if (node.type === 'vertex-ai-config') {
				return {
					...node,
					name: 'emulator',
					location: emulator.location,
					apiBaseUrl: emulator.baseUrl,
					tokenUrl: emulator.tokenUrl,
					credentials: { serviceAccountJson: emulator.credentialData().serviceAccountJson },
				};
			}
			/** @type {Record<string, any>} */
			const placed = { ...node, z: tab.id };
			if (placed.imageUri === EXAMPLE_IMAGE) placed.imageUri = emulator.builtInImage;
			return placed;
		}),
	];
}

/**
 * Replaces every flow (POST /flows, a full deploy).
 * @param {string} url
 * @param {Array<Record<string, any>>} flows
 */
async function deployFlows(url, flows) {
	const response = await fetch(`${url}/flows`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'node-red-deployment-type': 'full' },
		body: JSON.stringify(flows),
	});
	if (!response.ok) throw new Error(`POST /flows answered ${response.status}: ${await response.text()}`);
}

/**
 * Presses an Inject node's button; right after a deploy the node may not be started yet (404), so that is retried.
 * @param {string} url
 * @param {string} id
 * @param {number} [timeoutMs]
 */
async function inject(url, id, timeoutMs = 10_000) {
	const started = Date.now();
	for (;;) {
		const response = await fetch(`${url}/inject/${id}`, { method: 'POST' });
		if (response.ok) return;
		if (response.status !== 404 || Date.now() - started > timeoutMs) {
			throw new Error(`POST /inject/${id} answered ${response.status}: ${await response.text()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * @typedef {object} DebugMessage
 * @property {string} id the Debug node's id
 * @property {string} [name]
 * @property {any} msg what it shows, parsed when it is JSON
 * @property {string} [format]
 */

/**
 * What the Debug nodes send to the editor's sidebar, through the editor's websocket (/comms), in order.
 * @param {string} url
 * @returns {Promise<{ messages: DebugMessage[], close(): void }>}
 */
async function captureDebug(url) {
	/** @type {DebugMessage[]} */
	const messages = [];
	const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/comms`);
	await new Promise((resolve, reject) => {
		socket.addEventListener('open', resolve, { once: true });
		socket.addEventListener('error', () => reject(new Error('could not open the editor websocket (/comms)')), { once: true });
	});
	socket.send(JSON.stringify({ subscribe: 'debug' }));
	socket.addEventListener('message', (event) => {
		for (const { topic, data } of /** @type {Array<{ topic: string, data: any }>} */ (JSON.parse(String(event.data)))) {
			if (topic !== 'debug') continue;
			let msg = data.msg;
			if (typeof msg === 'string' && data.format && /^Object|^array/.test(data.format)) {
				try {
					msg = JSON.parse(msg);
				} catch {
					// Shown as text: kept as text.
				}
			}
			messages.push({ id: data.id, name: data.name, msg, format: data.format });
		}
	});
	return { messages, close: () => socket.close() };
}

module.exports = { captureDebug, deployFlows, EXAMPLE, exampleFlowFor, importExample, inject, PACKAGE_NAME, packNodeRedPackage, startNodeRed };
