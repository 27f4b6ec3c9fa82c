'use strict';
/**
 * The bench's world: the emulator in its own process, one core client (getVertexClient) pointed at it, and the
 * sample model server uploaded, given a dedicated endpoint and deployed, all through the client.
 */
const { fork } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const { clearVertexClientCache, closeSharedAgent, DEPLOY_MODEL, getVertexClient, UPLOAD_MODEL } = require('../dist/lib');

const EMULATOR_START_TIMEOUT_MS = 30_000;
const OPERATION_WAIT = { timeoutMs: 60_000, initialDelayMs: 25, maxDelayMs: 200 };

function startEmulatorProcess() {
	const child = fork(path.join(__dirname, 'emulator-process.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const ready = new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the emulator did not start within 30 s')), EMULATOR_START_TIMEOUT_MS);
		child.once('message', (message) => {
			clearTimeout(timer);
			resolve(message.facts);
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the emulator process exited with code ${code} before it was ready`));
		});
	});
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			if (child.connected) child.send({ type: 'close' });
			else child.kill('SIGTERM');
		}
		await exited;
	};
	return { ready, stop };
}

/** The emulator's own counters (admin API, loopback, no token): tokens minted, running model servers. */
async function emulatorStats(baseUrl) {
	const answer = await fetch(`${baseUrl}/emulator/stats`);
	if (!answer.ok) throw new Error(`GET /emulator/stats answered ${answer.status}`);
	return answer.json();
}

/**
 * Uploads the sample model server, creates the dedicated endpoint `bench-endpoint` and deploys it there. With a
 * `dialect` (the sample server's --dialect), the model and endpoint are `bench-<dialect>-model` / `-endpoint`.
 */
async function deploySampleModel(client, facts, dialect) {
	const name = dialect ? `bench-${dialect}` : 'bench';
	const upload = await client.uploadModel({
		modelId: dialect ? `${name}-model` : 'bench-sample-model',
		model: {
			displayName: `${name} sample model`,
			containerSpec: {
				imageUri: facts.builtInImage,
				invokeRoutePrefix: '/*',
				healthRoute: '/health',
				...(dialect ? { args: [`--dialect=${dialect}`] } : {}),
			},
		},
	});
	const uploaded = await client.waitForResult(UPLOAD_MODEL, upload.operation, OPERATION_WAIT);
	const created = await client.createEndpoint({
		endpointId: `${name}-endpoint`,
		endpoint: { displayName: `${name} endpoint`, dedicatedEndpointEnabled: true },
	});
	await client.waitForOperation(created.operation, OPERATION_WAIT);
	const deploy = await client.deployModel({
		endpoint: `${name}-endpoint`,
		model: uploaded.result.model,
		deployedModel: {
			displayName: 'bench deployment',
			dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1, maxReplicaCount: 1 },
		},
		trafficPercentage: 100,
	});
	const deployed = await client.waitForResult(DEPLOY_MODEL, deploy.operation, OPERATION_WAIT);
	return { endpoint: `${name}-endpoint`, deployedModelId: deployed.result.deployedModelId };
}

/** The core client (getVertexClient, so one cached instance) for an emulator's facts. */
function benchClient(facts) {
	return getVertexClient({
		credential: { kind: 'serviceAccountKey', keyJson: readFileSync(facts.serviceAccountKeyFile, 'utf8') },
		location: facts.location,
		apiBaseUrl: facts.baseUrl,
		tokenUrl: facts.tokenUrl,
		userAgent: 'n8n-nodes-vertex-invoke-bench',
	});
}

/** Starts everything; the returned close() stops the emulator (and with it the model server) and the client's sockets. */
async function startBenchWorld() {
	const emulatorProcess = startEmulatorProcess();
	let facts;
	try {
		facts = await emulatorProcess.ready;
		const client = benchClient(facts);
		const deployment = await deploySampleModel(client, facts);
		return {
			client,
			facts,
			...deployment,
			stats: () => emulatorStats(facts.baseUrl),
			/** Deploys the sample server playing `dialect` on an endpoint of its own; gives that endpoint's id. */
			deployDialect: async (dialect) => (await deploySampleModel(client, facts, dialect)).endpoint,
			close: async () => {
				clearVertexClientCache();
				await closeSharedAgent();
				await emulatorProcess.stop();
			},
		};
	} catch (error) {
		await closeSharedAgent();
		await emulatorProcess.stop();
		throw error;
	}
}

module.exports = { benchClient, deploySampleModel, startBenchWorld };
