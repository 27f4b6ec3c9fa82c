/**
 * required_replica_count: a deploy succeeds once that many of its min_replica_count replicas are healthy,
 * and fails (keeping no process) once so many replicas failed that it can no longer get there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, pollOperation, uploadModel, type Api } from './helpers';

const IMAGE = 'us-docker.pkg.dev/test/some-replicas-fail';
const MACHINE = { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 };

/**
 * A model server of which only the first N replicas come up: each start claims the next slot in a directory
 * (argv[2]); a replica whose slot is N or more exits at once, as a replica that got no machine would fail.
 */
const SOME_REPLICAS_FAIL = `
const fs = require('node:fs');
const http = require('node:http');
const [dir, healthy] = [process.argv[2], Number(process.argv[3])];
let slot = 0;
for (;; slot++) {
	try { fs.mkdirSync(dir + '/' + slot); break; } catch (error) { if (error.code !== 'EEXIST') throw error; }
}
if (slot >= healthy) { console.log('replica ' + slot + ': no machine'); process.exit(1); }
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.AIP_HTTP_PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

describe('emulator required_replica_count', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let scratch: string;
	let endpointName: string;
	const processesOf = (deployedModelId: string) => emulator.processes().filter((p) => p.deployedModelId === deployedModelId);
	/**
	 * The deploy may succeed while a replica that will get no machine is still starting (as on Vertex, the rest keep
	 * provisioning once the required ones serve): wait, bounded, until that one has exited by itself.
	 */
	async function settledProcessesOf(deployedModelId: string, expected: number): Promise<unknown[]> {
		const deadline = Date.now() + 10_000;
		while (processesOf(deployedModelId).length !== expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		return processesOf(deployedModelId);
	}

	beforeAll(async () => {
		scratch = mkdtempSync(path.join(tmpdir(), 'emulator-required-replicas-'));
		const script = path.join(scratch, 'server.js');
		writeFileSync(script, SOME_REPLICAS_FAIL);
		emulator = await startEmulator({ operationStepMs: 5, stopGraceMs: 1000, images: { [IMAGE]: { command: [process.execPath, script] } } });
		api = apiClient(emulator, await accessToken(emulator));
		endpointName = (await createEndpoint(api, emulator, {}, 'required-endpoint')).name;
	});
	afterAll(async () => {
		await emulator.close();
		rmSync(scratch, { recursive: true, force: true });
	});

	/** Deploys 3 replicas (max 4) of which only `healthy` can come up. */
	async function deploy(healthy: number, requiredReplicaCount: number): ReturnType<typeof pollOperation> {
		const slots = mkdtempSync(path.join(scratch, 'slots-'));
		const { modelName } = await uploadModel(api, emulator, { imageUri: IMAGE, args: [slots, String(healthy)] });
		const started = await api('POST', `/v1/${endpointName}:deployModel`, {
			deployedModel: { model: modelName, dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 3, maxReplicaCount: 4, requiredReplicaCount } },
		});
		expect(started.status).toBe(200);
		return pollOperation(api, started.json.name);
	}

	it('succeeds with fewer than min_replica_count replicas once required_replica_count are up', async () => {
		const { op } = await deploy(2, 2);
		expect(op.error).toBeUndefined();
		const id = op.response.deployedModel.id as string;
		expect(await settledProcessesOf(id, 2)).toHaveLength(2);
		const got = (await api('GET', `/v1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === id);
		expect(got.dedicatedResources).toMatchObject({ minReplicaCount: 3, requiredReplicaCount: 2 });
		expect(got.status.availableReplicaCount).toBe(2);
		expect((await api('POST', `/v1/${endpointName}/deployedModels/${id}/invoke/any`, {})).status).toBe(200);
	}, 30_000);

	it('fails, keeping no replica, when fewer than required_replica_count come up', async () => {
		const before = emulator.processes().length;
		const { op } = await deploy(1, 2);
		expect(op.error).toMatchObject({ code: 3 });
		expect(op.error.message).toMatch(/Model server exited before it became healthy/);
		expect(op.metadata.deploymentStage).toBe('FAILED_TO_DEPLOY');
		expect(emulator.processes()).toHaveLength(before);
		expect((await api('GET', `/v1/${endpointName}`)).json.deployedModels).toHaveLength(1);
	}, 30_000);

	it('without required_replica_count, needs every one of min_replica_count', async () => {
		const { op } = await deploy(2, 0);
		expect(op.error).toMatchObject({ code: 3 });
	}, 30_000);
});
