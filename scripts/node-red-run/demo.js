/*
 * `npm run demo -- --node-red`: the same pipeline as the n8n demo, in a real Node-RED. Starts the emulator,
 * packs the Node-RED package and installs it into a fresh Node-RED user folder, starts Node-RED headless on
 * 127.0.0.1, deploys node-red/examples/deploy-pipeline.json through the admin API with the emulator's key as the
 * config node's credentials, presses its Run button, and prints each streamed message as its Debug node shows it.
 * scripts/demo.js runs the steps (numbering, timings, shutdown on failure and Ctrl-C).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { keySecrets, startEmulatorProcess } = require('../n8n-run/emulator');
const { captureDebug, deployFlows, exampleFlowFor, importExample, inject, packNodeRedPackage, startNodeRed } = require('.');

const STEP_COUNT = 6;

/**
 * @typedef {object} DemoRunner
 * @property {<T>(title: string, work: () => Promise<T>) => Promise<T>} step
 * @property {(line?: string) => void} say
 * @property {Array<() => Promise<unknown> | unknown>} cleanups undone last-in first-out
 * @property {(values: string[]) => void} hideSecrets
 * @property {(command: string, args: string[]) => Promise<string>} run
 */

/** @param {any} msg */
function chunkLine(msg) {
	const text = msg.chunk.text === undefined ? '(no text)' : JSON.stringify(msg.chunk.text);
	const choice = msg.chunk.data && msg.chunk.data.choices && msg.chunk.data.choices[0];
	const finish = choice && choice.finish_reason ? ` (finish: ${choice.finish_reason})` : '';
	const usage = msg.chunk.data && msg.chunk.data.usage ? ` usage ${JSON.stringify(msg.chunk.data.usage)}` : '';
	return `  #${String(msg.chunk.index).padEnd(3)} ${text}${finish}${usage}`;
}

/**
 * @param {DemoRunner} runner
 */
async function runNodeRedDemo({ step, say, cleanups, hideSecrets, run }) {
	await step('Building the packages (npm run build)', () => run('npm', ['run', 'build']));

	const emulator = await step('Starting the Vertex AI emulator', () => startEmulatorProcess({ operationStepMs: 100 }));
	cleanups.push(() => emulator.stop());
	hideSecrets(keySecrets(emulator.credentialData()));
	say(`      emulator on ${emulator.baseUrl} (project ${emulator.projectId}, ${emulator.location})`);

	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-red-pack-'));
	cleanups.push(() => fs.rmSync(packDir, { recursive: true, force: true }));
	const tarball = await step('Packing the Node-RED package (npm pack)', () => packNodeRedPackage(packDir));

	const nodeRed = await step('Installing it into a fresh Node-RED user folder and starting Node-RED', () => startNodeRed({ tarball }));
	cleanups.push(() => nodeRed.stop());
	say(`      Node-RED on ${nodeRed.url} (user folder ${nodeRed.userDir})`);

	const debug = await captureDebug(nodeRed.url);
	cleanups.push(() => debug.close());
	await step('Importing the example deploy-pipeline from the installed package and deploying it (POST /flows)', async () =>
		deployFlows(nodeRed.url, exampleFlowFor(emulator, await importExample(nodeRed.url))),
	);

	await step('Pressing Run: Upload Model -> Create Dedicated Endpoint -> Deploy Model -> Invoke Chat', async () => {
		await inject(nodeRed.url, 'run');
		const started = Date.now();
		while (!debug.messages.some((message) => message.id === 'answer' || message.id === 'errors')) {
			if (Date.now() - started > 120_000) throw new Error('no answer within 120 s');
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const failure = debug.messages.find((message) => message.id === 'errors');
		if (failure) throw new Error(`the flow failed: ${failure.msg && failure.msg.message ? failure.msg.message : JSON.stringify(failure.msg)}`);
	});

	const streamed = debug.messages.filter((message) => message.id === 'streamed-chunks').map((message) => message.msg);
	const chunks = streamed.filter((msg) => msg.chunk !== undefined);
	const last = streamed[streamed.length - 1];
	say();
	say(`Upload Model -> Create Dedicated Endpoint -> Deploy Model: model ${last.modelId}, endpoint ${last.endpointId}, deployed model ${last.deployedModelId}`);
	say(`Invoke Chat: POST /v1/chat/completions, ${chunks.length} messages, one per streamed chunk (msg.payload the text, msg.parts for Join)`);
	for (const msg of chunks) say(chunkLine(msg));
	say(`  answer           ${JSON.stringify(last.payload)}  (msg.complete, ${last.answer.chunkCount} chunks)`);
	const joined = debug.messages.find((message) => message.id === 'answer');
	say(`Join the chunks -> ${JSON.stringify(joined && joined.msg)}`);
}

module.exports = { runNodeRedDemo, STEP_COUNT };
