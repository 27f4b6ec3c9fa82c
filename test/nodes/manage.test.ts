/**
 * The Vertex AI Manage node through n8n-core's WorkflowExecute against the real emulator: every operation,
 * the state it leaves behind (processes, traffic, 404s), its refusals before any request, paging, and the
 * per-item outcomes (pairedItem, Continue On Fail).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { clearVertexClientCache, DEPLOY_MODEL, UPLOAD_MODEL, VertexApiError } from '../../lib';
import { VertexAiManage } from '../../nodes/VertexAiManage/VertexAiManage.node';
import { callListSearch, chain, sourceNode, type TestNode, type WorkflowRunResult } from '../harness/n8n-engine';
import { TYPE, countRequests, credentialTypes, emulatorWithCredential, expectNoSecrets, locator, requestsCounted, runNodes, type NodeEnv } from './support';

let env: NodeEnv;
/** A second emulator whose deploys take a while, for the Operation resource. */
let slow: NodeEnv;

const wait = { timeoutMs: 30_000, initialDelayMs: 20, maxDelayMs: 100 };
const LISTED_ENDPOINTS = 103;

async function upload(on: NodeEnv, modelId: string, extra: { parentModel?: string; labels?: Record<string, string> } = {}) {
	const { operation } = await on.client().uploadModel({
		modelId: extra.parentModel ? undefined : modelId,
		parentModel: extra.parentModel,
		model: {
			displayName: modelId,
			labels: extra.labels,
			containerSpec: { imageUri: on.emulator.builtInImage, invokeRoutePrefix: '/*', healthRoute: '/health' },
		},
	});
	return (await on.client().waitForResult(UPLOAD_MODEL, operation!, wait)).result;
}

async function createEndpoint(on: NodeEnv, endpointId: string, labels?: Record<string, string>) {
	const { operation } = await on.client().createEndpoint({ endpointId, endpoint: { displayName: endpointId, labels } });
	await on.client().waitForOperation(operation!, wait);
}

/** Deploys `model` on `endpoint` with the given share of the traffic; the deployed model id. */
async function deploy(endpoint: string, model: string, trafficPercentage: number): Promise<string> {
	const { operation } = await env.client().deployModel({
		endpoint,
		model,
		deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } },
		trafficPercentage,
	});
	return (await env.client().waitForResult(DEPLOY_MODEL, operation!, wait)).result.deployedModelId;
}

const split = async (endpoint: string) => (await env.client().getEndpoint(endpoint)).trafficSplit ?? {};
const running = (on: NodeEnv) => new Set(on.emulator.processes().map((p) => p.deployedModelId));

function manage(parameters: INodeParameters, extra: Partial<TestNode> = {}): TestNode {
	return { name: 'Manage', type: TYPE.manage, parameters, ...extra };
}

/** Start (with `items`) -> Manage, without the secrets check (which itself signs in). */
function runRaw(node: TestNode, items: IDataObject[] = [{}], on: NodeEnv = env): Promise<WorkflowRunResult> {
	return runNodes(on, { nodes: [sourceNode('Start', items), node], connections: chain('Start', node.name) });
}

async function run(node: TestNode, items: IDataObject[] = [{}], on: NodeEnv = env): Promise<WorkflowRunResult> {
	const result = await runRaw(node, items, on);
	await expectNoSecrets(on, result);
	return result;
}

async function output(node: TestNode, items?: IDataObject[], on: NodeEnv = env): Promise<IDataObject[]> {
	const result = await run(node, items, on);
	expect(result.error?.message).toBeUndefined();
	return result.lastNodeJson('Manage');
}

beforeAll(async () => {
	[env, slow] = await Promise.all([emulatorWithCredential(), emulatorWithCredential({ operationStepMs: 150 })]);
	await Promise.all([
		upload(env, 'base'),
		upload(env, 'spare'),
		upload(env, 'versioned'),
		...['team-a', 'team-b', 'team-c'].map((id) => upload(env, id, { labels: { team: 'x' } })),
		...['pair-ep', 'trio-ep', 'del-ep', 'empty-ep'].map((id) => createEndpoint(env, id)),
		...Array.from({ length: LISTED_ENDPOINTS }, (_, n) => createEndpoint(env, `listed-${n}`, { batch: 'list' })),
	]);
	await upload(env, 'versioned', { parentModel: 'versioned' });
	await upload(env, 'versioned', { parentModel: 'versioned' });
}, 60_000);

afterAll(async () => {
	await Promise.all([env?.close(), slow?.close()]);
});

describe('Endpoint', () => {
	let pair: { first: string; second: string };

	beforeAll(async () => {
		const first = await deploy('pair-ep', 'base', 100);
		pair = { first, second: await deploy('pair-ep', 'base', 30) };
	}, 30_000);

	it('Get outputs the endpoint with its deployed models and traffic split', async () => {
		const [endpoint] = await output(manage({ resource: 'endpoint', operation: 'get', endpoint: locator('pair-ep') }));
		expect(endpoint).toMatchObject({
			name: expect.stringMatching(/\/locations\/us-central1\/endpoints\/pair-ep$/),
			endpointId: 'pair-ep',
			trafficSplit: { [pair.first]: 70, [pair.second]: 30 },
		});
		expect((endpoint.deployedModels as IDataObject[]).map((deployed) => deployed.id).sort()).toEqual([pair.first, pair.second].sort());
	});

	it("Undeploy Model's Deployed Model list shows the models on the endpoint chosen in the node", async () => {
		const parameters = { resource: 'endpoint', operation: 'undeployModel', endpoint: locator('pair-ep') };
		const found = await callListSearch(VertexAiManage, 'searchDeployedModels', env.credentials, parameters, {
			credentialTypes,
			path: 'parameters.deployedModel',
		});
		expect(found.results.map((result) => result.value).sort()).toEqual([pair.first, pair.second].sort());
		expect(found.results).toContainEqual({ name: expect.stringContaining(`(${pair.second}, 30% traffic)`), value: pair.second });
	});

	it('List with Return All reads every page; Limit stops at the limit, across pages too', async () => {
		const list = (extra: INodeParameters) =>
			output(manage({ resource: 'endpoint', operation: 'getAll', filter: 'labels.batch=list', ...extra }));
		const all = await list({ returnAll: true });
		// Pages hold at most 100 endpoints: 103 means a second page was read.
		expect(all).toHaveLength(LISTED_ENDPOINTS);
		expect(new Set(all.map((endpoint) => endpoint.endpointId)).size).toBe(LISTED_ENDPOINTS);
		expect(all.every((endpoint) => /^listed-\d+$/.test(endpoint.endpointId as string))).toBe(true);
		expect(await list({ limit: 5 })).toHaveLength(5);
		expect(await list({ limit: 101 })).toHaveLength(101);
		expect(await list({})).toHaveLength(50);
	});

	it('gives each input item its own outcome, linked by pairedItem', async () => {
		const result = await run(manage({ resource: 'endpoint', operation: 'getAll', filter: '={{ $json.filter }}', limit: 2 }), [
			{ filter: 'labels.batch=list' },
			{ filter: 'display_name=pair-ep' },
		]);
		const items = result.lastNodeOutput('Manage');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 1 }]);
		expect(items[2].json.endpointId).toBe('pair-ep');
	});

	it('Continue On Fail gives one error item per failing input item, with its pairedItem', async () => {
		const node = manage({ resource: 'endpoint', operation: 'get', endpoint: locator('={{ $json.id }}') }, { continueOnFail: true });
		const result = await run(node, [{ id: 'pair-ep' }, { id: 'no-such-endpoint' }, { id: 'Bad_ID' }]);
		expect(result.error).toBeUndefined();
		const items = result.lastNodeOutput('Manage');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.endpointId).toBe('pair-ep');
		expect(items[1].json).toEqual({ error: expect.stringContaining('no-such-endpoint'), details: expect.stringContaining('NOT_FOUND') });
		expect(items[2].json).toEqual({ error: expect.stringContaining('Bad_ID'), details: expect.stringContaining('Check the parameter "Endpoint".') });

		const failed = await run({ ...node, continueOnFail: false }, [{ id: 'pair-ep' }, { id: 'no-such-endpoint' }]);
		expect(failed.error?.name).toBe('NodeApiError');
		expect((failed.error as { httpCode?: string }).httpCode).toBe('404');
	});

	it('Undeploy Model gives its share to the other in proportion (70/30 -> 100) and stops its server', async () => {
		expect(running(env).has(pair.second)).toBe(true);
		const [after] = await output(
			manage({ resource: 'endpoint', operation: 'undeployModel', endpoint: locator('pair-ep'), deployedModel: locator(pair.second) }),
		);
		expect(after).toEqual({
			endpoint: expect.stringMatching(/\/endpoints\/pair-ep$/),
			endpointId: 'pair-ep',
			trafficSplit: { [pair.first]: 100 },
			deployedModelIds: [pair.first],
			undeployedModelId: pair.second,
			operationName: expect.stringMatching(/\/endpoints\/pair-ep\/operations\/\d+$/),
			done: true,
		});
		expect(await split('pair-ep')).toEqual({ [pair.first]: 100 });
		expect(running(env).has(pair.second)).toBe(false);
		expect(running(env).has(pair.first)).toBe(true);
	});

	describe('three deployed models', () => {
		let trio: { x: string; y: string; z: string };

		beforeAll(async () => {
			const x = await deploy('trio-ep', 'base', 100);
			const y = await deploy('trio-ep', 'base', 50);
			trio = { x, y, z: await deploy('trio-ep', 'base', 20) };
			expect(await split('trio-ep')).toEqual({ [x]: 40, [y]: 40, [trio.z]: 20 });
		}, 30_000);

		it('Undeploy Model with an Explicit Split sets that split', async () => {
			const [after] = await output(
				manage({
					resource: 'endpoint',
					operation: 'undeployModel',
					endpoint: locator('trio-ep'),
					deployedModel: locator(trio.z),
					trafficMode: 'split',
					trafficSplit: { share: [{ deployedModelId: trio.x, percent: 10 }, { deployedModelId: trio.y, percent: 90 }] },
				}),
			);
			expect(after).toMatchObject({ trafficSplit: { [trio.x]: 10, [trio.y]: 90 }, undeployedModelId: trio.z, done: true });
			expect((after.deployedModelIds as string[]).sort()).toEqual([trio.x, trio.y].sort());
			expect(await split('trio-ep')).toEqual({ [trio.x]: 10, [trio.y]: 90 });
			expect(running(env).has(trio.z)).toBe(false);
		});

		it('Update Traffic Split sets the split and outputs the updated endpoint', async () => {
			const [updated] = await output(
				manage({
					resource: 'endpoint',
					operation: 'updateTrafficSplit',
					endpoint: locator('trio-ep'),
					trafficSplit: { share: [{ deployedModelId: trio.x, percent: 75 }, { deployedModelId: trio.y, percent: 25 }] },
				}),
			);
			expect(updated).toMatchObject({ endpointId: 'trio-ep', trafficSplit: { [trio.x]: 75, [trio.y]: 25 } });
			expect(updated.deployedModels).toHaveLength(2);
			expect(await split('trio-ep')).toEqual({ [trio.x]: 75, [trio.y]: 25 });
		});

		it('Update Traffic Split naming a model that is not deployed there is refused, naming the parameter', async () => {
			const result = await run(
				manage({
					resource: 'endpoint',
					operation: 'updateTrafficSplit',
					endpoint: locator('trio-ep'),
					trafficSplit: { share: [{ deployedModelId: trio.z, percent: 100 }] },
				}),
			);
			expect(result.error?.message).toContain(trio.z);
			expect(result.error?.description).toBe('Check the parameter "Traffic Split". Only reads were sent; nothing was changed.');
			expect(await split('trio-ep')).toEqual({ [trio.x]: 75, [trio.y]: 25 });
		});
	});

	describe('Delete', () => {
		let deployedId: string;

		beforeAll(async () => {
			deployedId = await deploy('del-ep', 'spare', 100);
		}, 30_000);

		it('refuses an endpoint with deployed models, naming them, after reading it and nothing more', async () => {
			const reads = countRequests(env, 'GET', '/endpoints/del-ep$');
			const changes = [countRequests(env, 'DELETE', '/endpoints/del-ep'), countRequests(env, 'POST', '/endpoints/del-ep:')];
			try {
				const result = await run(manage({ resource: 'endpoint', operation: 'delete', endpoint: locator('del-ep') }));
				expect(result.error?.name).toBe('NodeOperationError');
				expect(result.error?.message).toContain(deployedId);
				expect(result.error?.description).toBe('Check the parameter "Undeploy Models First". Only reads were sent; nothing was changed.');
				expect(await requestsCounted(env, reads)).toBe(1);
				for (const id of changes) expect(await requestsCounted(env, id)).toBe(0);
			} finally {
				env.emulator.clearFaults();
			}
			expect((await env.client().getEndpoint('del-ep')).deployedModels?.map((deployed) => deployed.id)).toEqual([deployedId]);
			expect(running(env).has(deployedId)).toBe(true);
		});

		it('with "Undeploy Models First" undeploys them, deletes the endpoint, and a GET is then 404', async () => {
			const [deleted] = await output(
				manage({ resource: 'endpoint', operation: 'delete', endpoint: locator('del-ep'), undeployModels: true }),
			);
			expect(deleted).toEqual({
				endpoint: expect.stringMatching(/\/endpoints\/del-ep$/),
				endpointId: 'del-ep',
				deleted: true,
				undeployedModelIds: [deployedId],
				operationName: expect.stringMatching(/\/operations\/\d+$/),
				done: true,
			});
			expect(running(env).has(deployedId)).toBe(false);
			const gone = await env.client().getEndpoint('del-ep').catch((error: unknown) => error);
			expect(gone).toBeInstanceOf(VertexApiError);
			expect((gone as VertexApiError).httpStatus).toBe(404);
		});

		it('deletes an endpoint without models, and the Get operation then fails with 404', async () => {
			const [deleted] = await output(manage({ resource: 'endpoint', operation: 'delete', endpoint: locator('empty-ep') }));
			expect(deleted).toMatchObject({ endpointId: 'empty-ep', deleted: true, undeployedModelIds: [] });
			const result = await run(manage({ resource: 'endpoint', operation: 'get', endpoint: locator('empty-ep') }));
			expect((result.error as { httpCode?: string }).httpCode).toBe('404');
		});
	});
});

describe('Model', () => {
	it('Get reads the model, or one version with @version', async () => {
		const [model] = await output(manage({ resource: 'model', operation: 'get', model: locator('versioned') }));
		// Uploads of new versions leave version 1 the default.
		expect(model).toMatchObject({ name: expect.stringMatching(/\/models\/versioned$/), modelId: 'versioned', versionId: '1' });
		const [third] = await output(manage({ resource: 'model', operation: 'get', model: locator('versioned@3') }));
		expect(third).toMatchObject({ modelId: 'versioned', versionId: '3' });
	});

	it('List filters, and stops at the Limit', async () => {
		const list = (extra: INodeParameters) => output(manage({ resource: 'model', operation: 'getAll', filter: 'labels.team=x', ...extra }));
		expect((await list({ returnAll: true })).map((model) => model.modelId).sort()).toEqual(['team-a', 'team-b', 'team-c']);
		expect(await list({ limit: 2 })).toHaveLength(2);
	});

	it('List Versions gives one item per version, oldest first', async () => {
		const versions = (extra: INodeParameters) =>
			output(manage({ resource: 'model', operation: 'listVersions', model: locator('versioned'), ...extra }));
		expect((await versions({ returnAll: true })).map((version) => [version.modelId, version.versionId])).toEqual([
			['versioned', '1'],
			['versioned', '2'],
			['versioned', '3'],
		]);
		expect((await versions({ limit: 2 })).map((version) => version.versionId)).toEqual(['1', '2']);
	});

	it('Delete Version deletes that version only; the default version is refused by Vertex AI', async () => {
		const [deleted] = await output(
			manage({ resource: 'model', operation: 'deleteVersion', model: locator('versioned'), version: '2' }),
		);
		expect(deleted).toMatchObject({ modelId: 'versioned', versionId: '2', deleted: true, done: true });
		const versions = await env.client().listModelVersions('versioned');
		expect(versions.models.map((version) => version.versionId)).toEqual(['1', '3']);

		const refused = await run(manage({ resource: 'model', operation: 'deleteVersion', model: locator('versioned'), version: '1' }));
		expect(refused.error?.name).toBe('NodeApiError');
		expect(refused.error?.message).toMatch(/default version/);
		expect((await env.client().listModelVersions('versioned')).models).toHaveLength(2);
	});

	it('Delete refuses a deployed model, naming the endpoints it is deployed on', async () => {
		const result = await run(manage({ resource: 'model', operation: 'delete', model: locator('base') }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/endpoints\/pair-ep/);
		expect(result.error?.message).toMatch(/endpoints\/trio-ep/);
		expect(result.error?.description).toBe('Check the parameter "Model". Only reads were sent; nothing was changed.');
		expect((await env.client().getModel('base')).name).toMatch(/\/models\/base$/);
	});

	it('Delete deletes a model that is not deployed, and a GET is then 404', async () => {
		const [deleted] = await output(manage({ resource: 'model', operation: 'delete', model: locator('team-c') }));
		expect(deleted).toMatchObject({ model: expect.stringMatching(/\/models\/team-c$/), modelId: 'team-c', deleted: true, done: true });
		const gone = await env.client().getModel('team-c').catch((error: unknown) => error);
		expect((gone as VertexApiError).httpStatus).toBe(404);
	});
});

describe('Operation, on deploys that take a while', () => {
	let deployName: string;

	beforeAll(async () => {
		await Promise.all([upload(slow, 'slow-model'), createEndpoint(slow, 'slow-ep')]);
	}, 30_000);

	const startDeploy = async (ifDeployed: string) => {
		const result = await run(
			{
				name: 'Deploy',
				type: TYPE.deploy,
				parameters: {
					endpoint: locator('slow-ep'),
					model: locator('slow-model'),
					machineType: 'n1-standard-4',
					ifDeployed,
					waitForCompletion: false,
				},
			},
			[{}],
			slow,
		);
		expect(result.error?.message).toBeUndefined();
		const [pending] = result.lastNodeJson('Deploy');
		expect(pending.done).toBe(false);
		return pending.operationName as string;
	};

	it('Get, List (Only Running), Wait and List again follow a deploy to its end', async () => {
		deployName = await startDeploy('use');
		const [state] = await output(manage({ resource: 'operation', operation: 'get', operationName: deployName }), undefined, slow);
		expect(state).toEqual({
			operationName: deployName,
			done: false,
			failed: false,
			stage: expect.any(String),
			errorMessage: null,
			errorCode: null,
			metadata: expect.objectContaining({ deploymentStage: state.stage }),
			response: null,
		});
		expect(state.stage).not.toBe('SUCCESSFULLY_DEPLOYED');

		const list = (extra: INodeParameters) =>
			output(manage({ resource: 'operation', operation: 'getAll', endpoint: locator('slow-ep'), returnAll: true, ...extra }), undefined, slow);
		const runningOps = await list({ onlyRunning: true });
		expect(runningOps.map((operation) => operation.operationName)).toEqual([deployName]);
		expect(runningOps[0]).toMatchObject({ done: false, failed: false });

		const [done] = await output(manage({ resource: 'operation', operation: 'wait', operationName: deployName }), undefined, slow);
		expect(done).toMatchObject({ operationName: deployName, done: true, failed: false, stage: 'SUCCESSFULLY_DEPLOYED', errorCode: null });
		expect((done.response as { deployedModel: { id: string } }).deployedModel.id).toMatch(/^\d+$/);
		expect(running(slow).has((done.response as { deployedModel: { id: string } }).deployedModel.id)).toBe(true);

		expect(await list({ onlyRunning: true })).toEqual([]);
		// Newest first: the deploy, then the endpoint's creation.
		const all = await list({});
		expect(all.map((operation) => operation.done)).toEqual([true, true]);
		expect(all[0].operationName).toBe(deployName);
		expect(await list({ returnAll: false, limit: 1 })).toHaveLength(1);

		const uploads = await output(
			manage({ resource: 'operation', operation: 'getAll', operationsOf: 'model', model: locator('slow-model') }),
			undefined,
			slow,
		);
		expect(uploads).toEqual([expect.objectContaining({ done: true, failed: false, operationName: expect.stringMatching(/\/models\/slow-model\/operations\/\d+$/) })]);
	}, 30_000);

	it('Cancel stops a deploy: Get then says failed with code 1, and Wait fails with its message', async () => {
		const before = running(slow).size;
		const name = await startDeploy('add');
		const [cancelled] = await output(manage({ resource: 'operation', operation: 'cancel', operationName: name }), undefined, slow);
		expect(cancelled).toEqual({ operationName: name, cancelRequested: true });

		const [state] = await output(manage({ resource: 'operation', operation: 'get', operationName: name }), undefined, slow);
		expect(state).toMatchObject({ operationName: name, done: true, failed: true, errorCode: 1, errorMessage: expect.stringMatching(/cancel/i), response: null });

		const waited = await run(manage({ resource: 'operation', operation: 'wait', operationName: name }), [{}], slow);
		expect(waited.error?.name).toBe('NodeOperationError');
		expect(waited.error?.message).toMatch(/^The operation failed: .*cancel/i);
		expect(waited.error?.description).toBe(`CANCELLED, code 1; operation ${name}.`);
		// The cancelled deploy never started a model server.
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(running(slow).size).toBe(before);
	}, 30_000);

	it('Get over several input items gives one item each, in order, with pairedItem', async () => {
		const result = await run(
			manage({ resource: 'operation', operation: 'get', operationName: '={{ $json.name }}' }),
			[{ name: deployName }, { name: `${deployName.replace(/\d+$/, '')}1` }],
			slow,
		);
		expect(result.error?.name).toBe('NodeApiError');
		const continued = await run(
			manage({ resource: 'operation', operation: 'get', operationName: '={{ $json.name }}' }, { onError: 'continueRegularOutput' }),
			[{ name: deployName }, { name: `${deployName.replace(/\d+$/, '')}1` }, { name: deployName }],
			slow,
		);
		const items = continued.lastNodeOutput('Manage');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({ operationName: deployName, done: true });
		expect(items[1].json).toEqual({ error: expect.stringMatching(/not found/i), details: expect.stringContaining('NOT_FOUND') });
		expect(items[2].json).toMatchObject({ operationName: deployName, done: true });
	});
});

describe('a bad parameter is refused before any request, naming it', () => {
	const cases: Array<[string, INodeParameters, string, RegExp]> = [
		[
			'Update Traffic Split adding up to 90',
			{
				resource: 'endpoint',
				operation: 'updateTrafficSplit',
				endpoint: locator('trio-ep'),
				trafficSplit: { share: [{ deployedModelId: '111', percent: 60 }, { deployedModelId: '222', percent: 30 }] },
			},
			'Traffic Split',
			/add up to 100; its shares add up to 90/,
		],
		[
			'Undeploy Model with an Explicit Split adding up to 110',
			{
				resource: 'endpoint',
				operation: 'undeployModel',
				endpoint: locator('pair-ep'),
				deployedModel: locator('333'),
				trafficMode: 'split',
				trafficSplit: { share: [{ deployedModelId: '111', percent: 60 }, { deployedModelId: '222', percent: 50 }] },
			},
			'Traffic Split',
			/add up to 100; its shares add up to 110/,
		],
		[
			'Undeploy Model with a split giving the removed model a share',
			{
				resource: 'endpoint',
				operation: 'undeployModel',
				endpoint: locator('pair-ep'),
				deployedModel: locator('333'),
				trafficMode: 'split',
				trafficSplit: { share: [{ deployedModelId: '111', percent: 60 }, { deployedModelId: '333', percent: 40 }] },
			},
			'Traffic Split',
			/gives 40% to 333, the model being undeployed/,
		],
		[
			'a split naming one deployed model twice',
			{
				resource: 'endpoint',
				operation: 'updateTrafficSplit',
				endpoint: locator('trio-ep'),
				trafficSplit: { share: [{ deployedModelId: '111', percent: 50 }, { deployedModelId: '111', percent: 50 }] },
			},
			'Traffic Split',
			/named twice/,
		],
		[
			// From an expression: the editor's own check refuses a typed one before the run.
			'Endpoint Get with a bad endpoint ID',
			{ resource: 'endpoint', operation: 'get', endpoint: locator('={{ "Bad_ID" }}') },
			'Endpoint',
			/Bad_ID/,
		],
		['Endpoint List with Limit 0', { resource: 'endpoint', operation: 'getAll', limit: 0 }, 'Limit', /"Limit" must be a whole number/],
		[
			'List Versions of a model given with @version',
			{ resource: 'model', operation: 'listVersions', model: locator('base@1') },
			'Model',
			/cannot carry a version/,
		],
		[
			'Delete Version without a version',
			{ resource: 'model', operation: 'deleteVersion', model: locator('versioned'), version: ' ' },
			'Version',
			/"Version" is required/,
		],
		[
			'Delete Version with the version in the model',
			{ resource: 'model', operation: 'deleteVersion', model: locator('versioned@2'), version: '2' },
			'Model',
			/without a version/,
		],
		[
			'Operation Get with a name that is not an operation name',
			{ resource: 'operation', operation: 'get', operationName: 'operations/123' },
			'Operation Name',
			/"Operation Name" must be an operation name/,
		],
		[
			'Operation Wait with a timeout of 0',
			{ resource: 'operation', operation: 'wait', operationName: 'projects/my-project/locations/us-central1/operations/1', waitTimeoutMinutes: 0 },
			'Wait Timeout (Minutes)',
			/above 0/,
		],
		[
			'Undeploy Model with a wait timeout of 0',
			{ resource: 'endpoint', operation: 'undeployModel', endpoint: locator('pair-ep'), deployedModel: locator('333'), waitTimeoutMinutes: 0 },
			'Wait Timeout (Minutes)',
			/"Wait Timeout \(Minutes\)" must be/,
		],
	];

	it.each(cases)('%s', async (_title, parameters, label, message) => {
		await fetch(`${env.emulator.baseUrl}/emulator/reset`, { method: 'POST' });
		// A fresh client signs in before its first request: no token minted means nothing was sent.
		clearVertexClientCache();
		const result = await runRaw(manage(parameters));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(label).not.toBe('');
		expect(result.error?.description).toContain(`"${label}"`);
		expect(env.emulator.tokensMinted()).toBe(0);
		expect(env.emulator.requestLog()).toEqual([]);
		await expectNoSecrets(env, result);
	});
});
