#!/usr/bin/env node
/*
 * `npm run demo`: the whole package in a real n8n, with no cloud account. Builds the package, starts
 * the Vertex AI emulator, installs n8n (cached after the first run), installs the packed package as a
 * community package into a fresh user folder, imports a credential pointing at the emulator and
 * examples/1-deploy-pipeline.json, runs it with `n8n execute`, prints each node's result and the
 * streamed chunks, and shuts everything down, also on failure and on Ctrl-C. With `--node-red` the same
 * pipeline runs in a real Node-RED instead (scripts/node-red-run/demo.js).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { ensureN8n, isInstalled, n8nVersion, nodeEnv } = require('./n8n-install');
const { stopChildren } = require('./n8n-run/processes');
const { createUserFolder, executeWorkflow, importCredentials, importWorkflow } = require('./n8n-run/instance');
const { installCommunityPackage, packPackage } = require('./n8n-run/community-package');
const { keySecrets, startEmulatorProcess } = require('./n8n-run/emulator');
const { CREDENTIAL, loadExample } = require('../examples');
const nodeRedDemo = require('./node-red-run/demo');

const PROJECT_ROOT = path.resolve(__dirname, '..');
const NODE_RED = process.argv.includes('--node-red');
const STEP_COUNT = NODE_RED ? nodeRedDemo.STEP_COUNT : 8;

class StepError extends Error {}

/** What is left to shut down, undone last-in first-out. */
const cleanups = [];
const timings = [];
let secrets = [];
let stepNumber = 0;

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** Output must never show the private key, even if an error message echoed part of it. */
function redact(text) {
	let safe = String(text);
	for (const secret of secrets) safe = safe.split(secret).join('[redacted]');
	return safe.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]');
}

function say(line = '') {
	process.stdout.write(`${redact(line)}\n`);
}

async function step(title, work) {
	stepNumber += 1;
	say(`[${stepNumber}/${STEP_COUNT}] ${title}...`);
	const started = Date.now();
	try {
		const result = await work();
		timings.push([title, Date.now() - started]);
		return result;
	} catch (error) {
		throw new StepError(`step ${stepNumber}/${STEP_COUNT} (${title}) failed: ${error instanceof Error ? error.message : String(error)}`);
	}
}

function run(command, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: PROJECT_ROOT, env: nodeEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (data) => (output += data));
		child.stderr.on('data', (data) => (output += data));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(output);
			else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.trimEnd().split('\n').slice(-20).join('\n')}`));
		});
	});
}

function printResults(result) {
	const [upload] = result.nodeOutput('Upload Model').map((item) => item.json);
	const [endpoint] = result.nodeOutput('Create Dedicated Endpoint').map((item) => item.json);
	const [deploy] = result.nodeOutput('Deploy Model').map((item) => item.json);
	const chunks = result.nodeOutput('Invoke Chat').map((item) => item.json);

	say();
	say('Upload Model');
	say(`  model            ${upload.model}`);
	say(`  version          ${upload.modelVersionId}`);
	say('Create Dedicated Endpoint');
	say(`  endpoint         ${endpoint.endpoint}`);
	say(`  DNS              ${endpoint.dedicatedEndpointDns}`);
	say('Deploy Model');
	say(`  deployed model   ${deploy.deployedModelId}`);
	say(`  traffic split    ${JSON.stringify(deploy.trafficSplit)}`);
	say(`Invoke Chat: POST /v1/chat/completions, ${chunks.length} streamed chunks as items`);
	for (const chunk of chunks) {
		const text = chunk.text === null || chunk.text === undefined ? '(no text)' : JSON.stringify(chunk.text);
		const finish = chunk.data && chunk.data.choices && chunk.data.choices[0] && chunk.data.choices[0].finish_reason;
		const usage = chunk.data && chunk.data.usage ? ` usage ${JSON.stringify(chunk.data.usage)}` : '';
		say(`  #${String(chunk.chunkIndex).padEnd(3)} ${text}${finish ? ` (finish: ${finish})` : ''}${usage}`);
	}
	const answer = chunks.map((chunk) => chunk.text || '').join('');
	say(`  answer           ${JSON.stringify(answer)}  (deployed model ${chunks[0] ? chunks[0].deployedModelId : '-'})`);
}

/** The failing node and its message, as n8n recorded them. */
function describeFailure(result) {
	if (!result.run) {
		const tail = `${result.stdout}\n${result.stderr}`.trimEnd().split('\n').slice(-15).join('\n');
		return `n8n execute exited with ${result.code} and printed no run result:\n${tail}`;
	}
	const error = result.error || {};
	const node = result.run.data.resultData.lastNodeExecuted;
	const description = error.description ? `\n  ${error.description}` : '';
	return `the workflow ended with status "${result.status}" in node "${node}": ${error.message}${description}`;
}

async function shutDown() {
	while (cleanups.length) {
		const cleanup = cleanups.pop();
		try {
			await cleanup();
		} catch (error) {
			process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
		}
	}
	await stopChildren();
}

async function main() {
	const started = Date.now();
	if (NODE_RED) {
		say('Vertex AI invoke demo: a real Node-RED against the local Vertex AI emulator (no cloud account)');
		await nodeRedDemo.runNodeRedDemo({ step, say, cleanups, hideSecrets: (values) => (secrets = values), run });
		printTimings(started);
		return;
	}
	say(`Vertex AI invoke demo: a real n8n ${n8nVersion()} against the local Vertex AI emulator (no cloud account)`);

	await step('Building the package (npm run build)', () => run('npm', ['run', 'build']));

	const emulator = await step('Starting the Vertex AI emulator', () => startEmulatorProcess({ operationStepMs: 100 }));
	cleanups.push(() => emulator.stop());
	const credentialData = emulator.credentialData();
	secrets = keySecrets(credentialData);
	say(`      emulator on ${emulator.baseUrl} (project ${emulator.projectId}, ${emulator.location})`);

	const cached = isInstalled();
	await step(`Installing n8n ${n8nVersion()}${cached ? ' (cached)' : ' (first run: about 3 minutes, cached afterwards)'}`, () => ensureN8n());

	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vertex-invoke-pack-'));
	cleanups.push(() => fs.rmSync(packDir, { recursive: true, force: true }));
	const tarball = await step('Packing the package (npm pack)', () => packPackage(PROJECT_ROOT, packDir));

	const instance = createUserFolder();
	cleanups.push(() => instance.remove());
	await step('Installing it as a community package into a fresh n8n user folder', () => installCommunityPackage(instance, tarball));

	await step('Importing a Google Vertex AI credential pointing at the emulator', () =>
		importCredentials(instance, [{ ...CREDENTIAL, data: credentialData }]),
	);

	const workflow = loadExample('deployPipeline', { imageUri: emulator.builtInImage });
	await step(`Importing examples/1-deploy-pipeline.json ("${workflow.name}")`, () => importWorkflow(instance, workflow));

	const nodes = workflow.nodes.map((node) => node.name).join(' -> ');
	const result = await step(`Executing it with n8n execute: ${nodes}`, () => executeWorkflow(instance, workflow.id));
	if (result.status !== 'success') throw new StepError(`step ${stepNumber}/${STEP_COUNT} failed: ${describeFailure(result)}`);
	printResults(result);
	printTimings(started);
}

/** @param {number} started */
function printTimings(started) {
	say();
	say('Timings');
	for (const [title, ms] of timings) say(`  ${seconds(ms).padStart(7)}  ${title}`);
	say(`  ${seconds(Date.now() - started).padStart(7)}  total (before shutdown)`);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (interrupted) return;
		interrupted = true;
		process.stderr.write(`\n${signal}: shutting down the emulator, its model servers and n8n...\n`);
		shutDown().finally(() => process.exit(130));
	});
}

main().then(
	async () => {
		const stopping = Date.now();
		await shutDown();
		say(`Shut down the emulator, its model servers, ${NODE_RED ? 'Node-RED' : 'n8n'} and the temporary folders in ${seconds(Date.now() - stopping)}.`);
	},
	async (error) => {
		if (interrupted) return;
		process.stderr.write(`\nDemo failed: ${redact(error instanceof StepError ? error.message : error && error.stack ? error.stack : error)}\n`);
		await shutDown();
		process.exitCode = 1;
	},
);
