/**
 * Rolling deployments (v1beta1 rollout_options) against real model-server processes, as Google's "Use a rolling
 * deployment to replace a deployed model" describes them: a new deployed model with a new id and the next revision
 * number, on the previous one's resources and (by default) its service account and logging; once its replicas serve,
 * the previous one leaves the endpoint, its processes stop and its traffic is the new one's. A rollout whose replicas
 * never become ready fails and the previous one keeps serving with its traffic.
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, pidAlive, pollOperation, uploadModel, type Api } from './helpers';

const MACHINE = { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 };
const SERVICE_ACCOUNT = 'runner@my-project.iam.gserviceaccount.com';

describe('emulator rolling deployment', () => {
	let emulator: RunningEmulator;
	let api: Api;
	const pidsOf = (deployedModelId: string): number[] =>
		emulator
			.processes()
			.filter((p) => p.deployedModelId === deployedModelId)
			.map((p) => p.pid as number);
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5, stopGraceMs: 1000 });
		api = apiClient(emulator, await accessToken(emulator));
	});
	afterAll(() => emulator.close());

	async function finished(started: { status: number; text: string; json: any }): Promise<any> {
		if (started.status !== 200) throw new Error(`deploy refused: ${started.text}`);
		return (await pollOperation(api, started.json.name)).op;
	}

	/** A v1beta1 deploy on dedicated machines; its deployed model id. */
	async function deployDedicated(endpointName: string, modelName: string, deployedModel: Record<string, unknown>, trafficSplit: Record<string, number>): Promise<string> {
		const op = await finished(await api('POST', `/v1beta1/${endpointName}:deployModel`, { deployedModel: { model: modelName, dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 2, maxReplicaCount: 3 }, ...deployedModel }, trafficSplit }));
		if (op.error) throw new Error(`deploy failed: ${JSON.stringify(op.error)}`);
		return op.response.deployedModel.id;
	}

	const rollOut = (endpointName: string, modelName: string, previousDeployedModel: string, extra: Record<string, unknown> = {}) =>
		api('POST', `/v1beta1/${endpointName}:deployModel`, { deployedModel: { model: modelName, rolloutOptions: { maxSurgeReplicas: 1, previousDeployedModel }, ...extra.deployedModel as object }, ...(extra.trafficSplit ? { trafficSplit: extra.trafficSplit } : {}) });

	/** The deployed model that serves an invoke on the endpoint (the sample server says its own id). */
	async function servedBy(endpointName: string): Promise<string> {
		const answer = await api('POST', `/v1/${endpointName}/invoke/echo`, {});
		expect(answer.status).toBe(200);
		return answer.json.deployedModelId;
	}

	it('replaces the previous deployed model: new id and revision, its resources and defaults, its traffic, its processes stopped', async () => {
		const endpointName = (await createEndpoint(api, emulator, {}, 'rolling-endpoint')).name;
		const first = (await uploadModel(api, emulator, { modelId: 'rolling-v1' })).modelName;
		const second = (await uploadModel(api, emulator, { modelId: 'rolling-v2' })).modelName;
		const other = await deployDedicated(endpointName, first, {}, { '0': 100 });
		const previous = await deployDedicated(endpointName, first, { serviceAccount: SERVICE_ACCOUNT, enableAccessLogging: true, disableContainerLogging: true }, { '0': 70, [other]: 30 });
		const previousPids = pidsOf(previous);
		expect(previousPids).toHaveLength(2);

		const op = await finished(await rollOut(endpointName, second, previous));
		expect(op.error).toBeUndefined();
		const rolled = op.response.deployedModel;
		expect(rolled.id).not.toBe(previous);
		expect(rolled.rolloutOptions).toEqual({ maxSurgeReplicas: 1, previousDeployedModel: previous, revisionNumber: 1 });
		const endpoint = (await api('GET', `/v1beta1/${endpointName}`)).json;
		expect(endpoint.deployedModels.map((d: { id: string }) => d.id).sort()).toEqual([other, rolled.id].sort());
		expect(endpoint.trafficSplit).toEqual({ [rolled.id]: 70, [other]: 30 });
		const got = endpoint.deployedModels.find((d: { id: string }) => d.id === rolled.id);
		expect(got).toMatchObject({
			serviceAccount: SERVICE_ACCOUNT,
			enableAccessLogging: true,
			disableContainerLogging: true,
			dedicatedResources: { machineSpec: MACHINE, minReplicaCount: 2, maxReplicaCount: 3 },
			status: { availableReplicaCount: 2 },
		});
		// The previous one's replicas were replaced by the new one's.
		expect(pidsOf(previous)).toEqual([]);
		for (const pid of previousPids) expect(pidAlive(pid)).toBe(false);
		expect(pidsOf(rolled.id)).toHaveLength(2);
		expect((await api('GET', `/v1/${endpointName}/deployedModels/${previous}/invoke/echo`)).status).toBe(404);
		const served = new Set<string>();
		// A 70/30 split: ask until both answered (12 tries would miss the 30% one about once in 70 runs).
		for (let i = 0; i < 200 && served.size < 2; i++) served.add(await servedBy(endpointName));
		expect([...served].sort()).toEqual([other, rolled.id].sort());

		// The next rollout over it: revision 2; a field given wins over the previous one's; a split in the request
		// applies, the share it leaves the replaced deployed model going to the new one.
		const next = await finished(
			await rollOut(endpointName, first, rolled.id, { deployedModel: { serviceAccount: `other-${SERVICE_ACCOUNT}` }, trafficSplit: { '0': 10, [rolled.id]: 50, [other]: 40 } }),
		);
		expect(next.error).toBeUndefined();
		expect(next.response.deployedModel.rolloutOptions.revisionNumber).toBe(2);
		expect(next.response.deployedModel.serviceAccount).toBe(`other-${SERVICE_ACCOUNT}`);
		const after = (await api('GET', `/v1beta1/${endpointName}`)).json;
		expect(after.trafficSplit).toEqual({ [next.response.deployedModel.id]: 60, [other]: 40 });
		expect(pidsOf(rolled.id)).toEqual([]);
	});

	it('fails a rollout whose replicas never become ready: the previous deployed model keeps serving with its traffic', async () => {
		const endpointName = (await createEndpoint(api, emulator, {}, 'rollback-endpoint')).name;
		const good = (await uploadModel(api, emulator, { modelId: 'rollback-good' })).modelName;
		const broken = (await uploadModel(api, emulator, { modelId: 'rollback-broken', args: ['--never-healthy'], deploymentTimeout: '1s' })).modelName;
		const previous = await deployDedicated(endpointName, good, {}, { '0': 100 });
		const previousPids = pidsOf(previous);
		const before = new Set(emulator.processes().map((p) => p.pid));

		const op = await finished(await rollOut(endpointName, broken, previous));
		expect(op.error.code).toBe(3);
		expect(op.error.message).toContain('never became ready');
		expect(op.error.message).toContain(`The rolling deployment failed: deployed model ${previous} keeps serving.`);
		const endpoint = (await api('GET', `/v1beta1/${endpointName}`)).json;
		expect(endpoint.deployedModels.map((d: { id: string }) => d.id)).toEqual([previous]);
		expect(endpoint.trafficSplit).toEqual({ [previous]: 100 });
		expect(endpoint.deployedModels[0].rolloutOptions).toBeUndefined();
		expect(pidsOf(previous)).toEqual(previousPids);
		const started = emulator.processes().filter((p) => !before.has(p.pid));
		expect(started).toEqual([]);
		expect(await servedBy(endpointName)).toBe(previous);
	});

	it('runs rollouts over the same resources at once: each a higher revision, the highest the final state whichever completes first', async () => {
		const endpointName = (await createEndpoint(api, emulator, {}, 'revisions-endpoint')).name;
		const fast = (await uploadModel(api, emulator, { modelId: 'revisions-fast' })).modelName;
		const slow = (await uploadModel(api, emulator, { modelId: 'revisions-slow', env: [{ name: 'SAMPLE_HEALTH_DELAY_MS', value: '1500' }] })).modelName;
		const original = await deployDedicated(endpointName, fast, {}, { '0': 100 });
		const bothOver = async (previous: string, first: string, second: string) => {
			const [a, b] = [await rollOut(endpointName, first, previous), await rollOut(endpointName, second, previous)];
			expect([a.status, b.status]).toEqual([200, 200]);
			return [(await pollOperation(api, a.json.name)).op, (await pollOperation(api, b.json.name)).op];
		};

		// The lower revision completes first and replaces the original; the higher one then replaces it.
		const [one, two] = await bothOver(original, fast, slow);
		expect([one.error, two.error]).toEqual([undefined, undefined]);
		expect([one.response.deployedModel.rolloutOptions.revisionNumber, two.response.deployedModel.rolloutOptions.revisionNumber]).toEqual([1, 2]);
		const afterTwo = (await api('GET', `/v1beta1/${endpointName}`)).json;
		expect(afterTwo.deployedModels.map((d: { id: string }) => d.id)).toEqual([two.response.deployedModel.id]);
		expect(afterTwo.trafficSplit).toEqual({ [two.response.deployedModel.id]: 100 });
		expect(pidsOf(one.response.deployedModel.id)).toEqual([]);

		// The higher revision completes first; the lower one, completing later, is not applied and leaves no process.
		const before = new Set(emulator.processes().map((p) => p.pid));
		const [three, four] = await bothOver(two.response.deployedModel.id, slow, fast);
		expect(four.error).toBeUndefined();
		expect(four.response.deployedModel.rolloutOptions.revisionNumber).toBe(4);
		expect(three.error.code).toBe(10);
		expect(three.error.message).toContain(`deployed model ${four.response.deployedModel.id} (revision 4) is the intended state, not this revision 3`);
		const afterFour = (await api('GET', `/v1beta1/${endpointName}`)).json;
		expect(afterFour.deployedModels.map((d: { id: string }) => d.id)).toEqual([four.response.deployedModel.id]);
		expect(afterFour.trafficSplit).toEqual({ [four.response.deployedModel.id]: 100 });
		expect(emulator.processes().filter((p) => !before.has(p.pid)).map((p) => p.deployedModelId)).toEqual([four.response.deployedModel.id, four.response.deployedModel.id]);
	});

	it('fails a rollout whose previous deployed model was undeployed meanwhile, leaving no process of it', async () => {
		const endpointName = (await createEndpoint(api, emulator, {}, 'vanished-endpoint')).name;
		const model = (await uploadModel(api, emulator, { modelId: 'vanished-model' })).modelName;
		const slow = (await uploadModel(api, emulator, { modelId: 'vanished-slow', env: [{ name: 'SAMPLE_HEALTH_DELAY_MS', value: '500' }] })).modelName;
		const previous = await deployDedicated(endpointName, model, {}, { '0': 100 });
		const before = new Set(emulator.processes().map((p) => p.pid));
		const rollout = await rollOut(endpointName, slow, previous);
		expect(rollout.status).toBe(200);
		const undeploy = await finished(await api('POST', `/v1/${endpointName}:undeployModel`, { deployedModelId: previous }));
		expect(undeploy.error).toBeUndefined();
		const { op } = await pollOperation(api, rollout.json.name);
		expect(op.error.code).toBe(10);
		expect(op.error.message).toContain(`previous deployed model ${previous} was undeployed before the rollout completed`);
		expect(emulator.processes().filter((p) => !before.has(p.pid))).toEqual([]);
		expect((await api('GET', `/v1beta1/${endpointName}`)).json.deployedModels).toBeUndefined();
	});
});
