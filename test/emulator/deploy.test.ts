import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, pidAlive, pollOperation, uploadModel, waitForExit, type Api } from './helpers';

/** A model server that reports its argv and AIP_* environment: proof of what Vertex-style launch gave it. */
const ENV_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
	if (req.url === process.env.AIP_HEALTH_ROUTE) { res.writeHead(200); res.end('ok'); return; }
	const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AIP_') || k.startsWith('MY_')));
	res.writeHead(200, { 'content-type': 'application/json' });
	res.end(JSON.stringify({ argv: process.argv.slice(2), env }));
});
server.listen(Number(process.env.AIP_HTTP_PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

describe('emulator deploy runs the container for real', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let scratch: string;
	let external: Server;
	beforeAll(async () => {
		scratch = mkdtempSync(path.join(tmpdir(), 'emulator-deploy-test-'));
		const script = path.join(scratch, 'env-server.js');
		writeFileSync(script, ENV_SERVER);
		external = createServer((req, res) => {
			res.writeHead(200, { 'content-type': 'text/plain' });
			res.end(`external ${req.method} ${req.url}`);
		});
		await new Promise<void>((resolve) => external.listen(0, '127.0.0.1', resolve));
		const externalPort = (external.address() as { port: number }).port;
		emulator = await startEmulator({
			operationStepMs: 5,
			stopGraceMs: 2000,
			images: {
				'us-docker.pkg.dev/test/env-server:1': { command: [process.execPath, script], args: ['--default-arg'] },
				'us-docker.pkg.dev/test/already-running': `http://127.0.0.1:${externalPort}`,
				'us-docker.pkg.dev/test/exits': `${JSON.stringify(process.execPath)} -e "console.log('bye'); process.exit(3)"`,
			},
		});
		api = apiClient(emulator, await accessToken(emulator));
	});
	afterAll(async () => {
		await emulator.close();
		await new Promise((resolve) => external.close(resolve));
		rmSync(scratch, { recursive: true, force: true });
	});

	it('goes through Vertex\'s deployment stages, replaces the "0" split key with the new 19-digit id', async () => {
		const { modelName } = await uploadModel(api, emulator);
		const endpoint = await createEndpoint(api, emulator);
		const { op, stages } = await deploy(api, endpoint.name, modelName, { '0': 100 });
		expect(op.error).toBeUndefined();
		expect(stages[0]).toBe('STARTING_DEPLOYMENT');
		expect(stages).toContain('STARTING_MODEL_SERVER');
		expect(stages[stages.length - 1]).toBe('SUCCESSFULLY_DEPLOYED');
		const order = ['STARTING_DEPLOYMENT', 'PREPARING_MODEL', 'CREATING_SERVING_CLUSTER', 'ADDING_NODES_TO_CLUSTER', 'GETTING_CONTAINER_IMAGE', 'STARTING_MODEL_SERVER', 'FINISHING_UP', 'SUCCESSFULLY_DEPLOYED'];
		const positions = stages.map((stage) => order.indexOf(stage));
		expect(positions).toEqual([...positions].sort((a, b) => a - b));
		expect(op.response['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.DeployModelResponse');
		const id = op.response.deployedModel.id;
		expect(id).toMatch(/^[1-9]\d{18}$/);
		const after = (await api('GET', `/v1/${endpoint.name}`)).json;
		expect(after.trafficSplit).toEqual({ [id]: 100 });
		expect(after.deployedModels[0].id).toBe(id);
		const model = (await api('GET', `/v1/${modelName}`)).json;
		expect(model.deployedModels).toEqual([{ endpoint: endpoint.name, deployedModelId: id }]);
		expect(emulator.processes().some((p) => p.deployedModelId === id)).toBe(true);
	});

	it('gives the process the container args, env with $(VAR) references, and the AIP_* variables', async () => {
		const { modelName } = await uploadModel(api, emulator, {
			imageUri: 'us-docker.pkg.dev/test/env-server:1',
			args: ['--from-spec', '$(AIP_DEPLOYED_MODEL_ID)'],
			env: [{ name: 'MY_SETTING', value: 'on-$(AIP_ENDPOINT_ID)' }],
		});
		const endpoint = await createEndpoint(api, emulator, {}, 'env-endpoint');
		const { op } = await deploy(api, endpoint.name, modelName);
		const id = op.response.deployedModel.id;
		const answer = await api('POST', `/v1/${endpoint.name}/invoke/env`, {});
		expect(answer.status).toBe(200);
		// containerSpec.args replaced the image's default args.
		expect(answer.json.argv).toEqual(['--from-spec', id]);
		expect(answer.json.env).toMatchObject({
			MY_SETTING: 'on-env-endpoint',
			AIP_DEPLOYED_MODEL_ID: id,
			AIP_ENDPOINT_ID: 'env-endpoint',
			AIP_PROJECT_NUMBER: emulator.projectNumber,
			AIP_MODE: 'PREDICTION',
			AIP_HEALTH_ROUTE: '/health',
			AIP_MACHINE_TYPE: 'g2-standard-12',
		});
		expect(Number(answer.json.env.AIP_HTTP_PORT)).toBeGreaterThan(0);
		expect(answer.json.env.AIP_PREDICT_ROUTE).toBe(`/v1/endpoints/env-endpoint/deployedModels/${id}:predict`);
	});

	it('fails a deploy whose server never becomes healthy after deploymentTimeout, saying so, and stops it', async () => {
		const { modelName } = await uploadModel(api, emulator, { args: ['--never-healthy'], deploymentTimeout: '1s' });
		const endpoint = await createEndpoint(api, emulator);
		const before = new Set(emulator.processes().map((p) => p.pid));
		const { op, stages } = await deploy(api, endpoint.name, modelName);
		expect(op.done).toBe(true);
		expect(op.response).toBeUndefined();
		expect(op.error.code).toBe(3);
		expect(op.error.message).toContain('never became ready');
		expect(op.error.message).toContain('/health');
		expect(stages[stages.length - 1]).toBe('FAILED_TO_DEPLOY');
		expect(emulator.processes().filter((p) => !before.has(p.pid))).toEqual([]);
		expect((await api('GET', `/v1/${endpoint.name}`)).json.deployedModels).toBeUndefined();
	});

	it('fails a deploy whose server exits, quoting its output', async () => {
		const { modelName } = await uploadModel(api, emulator, { imageUri: 'us-docker.pkg.dev/test/exits' });
		const endpoint = await createEndpoint(api, emulator);
		const { op } = await deploy(api, endpoint.name, modelName);
		expect(op.error.message).toContain('exited before it became healthy');
		expect(op.error.message).toContain('bye');
	});

	it('fails a deploy of an image the emulator has no mapping for', async () => {
		const { modelName } = await uploadModel(api, emulator, { imageUri: 'us-docker.pkg.dev/unknown/image:latest' });
		const endpoint = await createEndpoint(api, emulator);
		const { op } = await deploy(api, endpoint.name, modelName);
		expect(op.error.message).toContain('no mapping for this image URI');
	});

	it('puts an already-running server behind the endpoint when the image maps to a URL', async () => {
		const { modelName } = await uploadModel(api, emulator, { imageUri: 'us-docker.pkg.dev/test/already-running' });
		const endpoint = await createEndpoint(api, emulator);
		await deploy(api, endpoint.name, modelName);
		const answer = await api('POST', `/v1/${endpoint.name}/invoke/any/path?x=1`, {});
		expect(answer.text).toBe('external POST /any/path?x=1');
	});

	it('stops the process on undeploy and removes the model from the endpoint', async () => {
		const { modelName } = await uploadModel(api, emulator);
		const endpoint = await createEndpoint(api, emulator);
		const { op } = await deploy(api, endpoint.name, modelName);
		const id = op.response.deployedModel.id;
		const pid = emulator.processes().find((p) => p.deployedModelId === id)?.pid as number;
		expect(pidAlive(pid)).toBe(true);
		const undeploy = await api('POST', `/v1/${endpoint.name}:undeployModel`, { deployedModelId: id });
		const { op: done } = await pollOperation(api, undeploy.json.name);
		expect(done.response['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.UndeployModelResponse');
		expect(await waitForExit(pid)).toBe(true);
		const after = (await api('GET', `/v1/${endpoint.name}`)).json;
		expect(after.deployedModels).toBeUndefined();
		expect(after.trafficSplit).toBeUndefined();
		expect((await api('POST', `/v1/${endpoint.name}:undeployModel`, { deployedModelId: id })).status).toBe(404);
	});

	it('refuses deleting a deployed model or an endpoint with deployed models', async () => {
		const { modelName } = await uploadModel(api, emulator);
		const endpoint = await createEndpoint(api, emulator);
		await deploy(api, endpoint.name, modelName);
		const modelDelete = await api('DELETE', `/v1/${modelName}`);
		expect(modelDelete.status).toBe(400);
		expect(modelDelete.json.error.status).toBe('FAILED_PRECONDITION');
		const endpointDelete = await api('DELETE', `/v1/${endpoint.name}`);
		expect(endpointDelete.status).toBe(400);
		expect(endpointDelete.json.error.message).toContain('Undeploy');
	});

	it('kills a model server that is still starting when the endpoint is deleted', async () => {
		const { modelName } = await uploadModel(api, emulator, { args: ['--never-healthy'], deploymentTimeout: '60s' });
		const endpoint = await createEndpoint(api, emulator);
		const known = new Set(emulator.processes().map((p) => p.pid));
		const started = await api('POST', `/v1/${endpoint.name}:deployModel`, {
			deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1 } },
		});
		let pid: number | undefined;
		for (let i = 0; i < 400 && pid === undefined; i++) {
			pid = emulator.processes().find((p) => !known.has(p.pid))?.pid;
			if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
		}
		expect(pid).toBeDefined();
		expect((await api('DELETE', `/v1/${endpoint.name}`)).status).toBe(200);
		expect(await waitForExit(pid as number)).toBe(true);
		const op = (await api('GET', `/v1/${started.json.name}`)).json;
		expect(op.done).toBe(true);
		expect(op.error.code).toBe(1);
	});
});

describe('emulator close', () => {
	it('leaves no model-server process behind', async () => {
		const emulator = await startEmulator({ operationStepMs: 5, stopGraceMs: 2000 });
		const api = apiClient(emulator, await accessToken(emulator));
		const { modelName } = await uploadModel(api, emulator);
		const endpoint = await createEndpoint(api, emulator);
		await deploy(api, endpoint.name, modelName);
		await deploy(api, endpoint.name, modelName, { '0': 50, [(await api('GET', `/v1/${endpoint.name}`)).json.deployedModels[0].id]: 50 });
		const pids = emulator.processes().map((p) => p.pid as number);
		expect(pids).toHaveLength(2);
		expect(pids.every(pidAlive)).toBe(true);
		await emulator.close();
		expect(pids.filter(pidAlive)).toEqual([]);
		expect(emulator.processes()).toEqual([]);
		await expect(fetch(`${emulator.baseUrl}/token`, { method: 'POST' })).rejects.toThrow();
	});

	it('uses the given state dir and keeps the key across restarts', async () => {
		const stateDir = mkdtempSync(path.join(tmpdir(), 'emulator-state-'));
		try {
			const first = await startEmulator({ stateDir });
			const firstKey = require(first.serviceAccountKeyFile).private_key_id;
			await first.close();
			const second = await startEmulator({ stateDir });
			expect(path.dirname(second.serviceAccountKeyFile)).toBe(stateDir);
			const secondKey = JSON.parse(require('node:fs').readFileSync(second.serviceAccountKeyFile, 'utf8'));
			expect(secondKey.private_key_id).toBe(firstKey);
			expect(secondKey.token_uri).toBe(second.tokenUrl);
			await second.close();
		} finally {
			rmSync(stateDir, { recursive: true, force: true });
		}
	});

	// 127.0.0.2 is loopback too, but not the address the emulator binds: a server on 0.0.0.0 (or on every
	// loopback address) would accept there. The test never leaves 127.0.0.0/8.
	it('binds 127.0.0.1 only: another loopback address is refused', async () => {
		const emulator = await startEmulator();
		try {
			const port = Number(new URL(emulator.baseUrl).port);
			for (const address of ['127.0.0.2']) {
				const outcome = await new Promise<string>((resolve) => {
					const socket = connect({ host: address, port });
					socket.once('connect', () => {
						socket.destroy();
						resolve('connected');
					});
					socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
				});
				expect({ address, outcome }).toEqual({ address, outcome: 'ECONNREFUSED' });
			}
		} finally {
			await emulator.close();
		}
	});
});
