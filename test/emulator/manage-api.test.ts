/**
 * The management calls around the seed flow: model versions (list, delete), deleting a deployed
 * model, UpdateEndpoint, listing operations, and the traffic rules of :undeployModel.
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, parentPath, pollOperation, startDeploy, type Answer, type Api } from './helpers';

const INVOKE_SPEC = { imageUri: 'emulator/sample-model-server', invokeRoutePrefix: '/*', healthRoute: '/health' };
/** A version whose server never answers its health route: its deploy stays in flight until cancelled. */
const NEVER_HEALTHY_SPEC = { ...INVOKE_SPEC, args: ['--never-healthy'], deploymentTimeout: '60s' };

describe('emulator management calls', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let parent: string;
	/** The resource-name prefix answers use: projects/{number}/locations/{location}. */
	let names: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5, stopGraceMs: 1000 });
		api = apiClient(emulator, await accessToken(emulator));
		parent = parentPath(emulator);
		names = `projects/${emulator.projectNumber}/locations/${emulator.location}`;
	});
	afterAll(() => emulator.close());

	/** Uploads a model (or, with `asVersionOf`, a new version of one); returns the version id. */
	async function upload(modelId: string, model: Record<string, unknown> = {}, asVersionOf?: string): Promise<string> {
		const started = await api('POST', `${parent}/models:upload`, {
			model: { displayName: modelId, containerSpec: INVOKE_SPEC, ...model },
			...(asVersionOf ? { parentModel: `${names}/models/${asVersionOf}` } : { modelId }),
		});
		expect(started.status).toBe(200);
		const { op } = await pollOperation(api, started.json.name);
		expect(op.error).toBeUndefined();
		return op.response.modelVersionId;
	}

	const versionIds = async (modelId: string): Promise<string[]> =>
		((await api('GET', `${parent}/models/${modelId}:listVersions`)).json.models ?? []).map((m: { versionId: string }) => m.versionId);

	/** Deploys and returns the new deployed model's id. */
	async function deployed(endpointName: string, modelName: string, split: Record<string, number> | null = { '0': 100 }): Promise<string> {
		const { op } = await deploy(api, endpointName, modelName, split);
		expect(op.error).toBeUndefined();
		return op.response.deployedModel.id;
	}

	async function undeploy(endpointName: string, deployedModelId: string, trafficSplit?: Record<string, number>): Promise<Answer> {
		return api('POST', `/v1/${endpointName}:undeployModel`, { deployedModelId, ...(trafficSplit ? { trafficSplit } : {}) });
	}

	/** An endpoint serving two deployments of one model: `a` takes all the traffic, `b` none. */
	async function endpointWithTwo(endpointId: string, modelId: string): Promise<{ endpoint: any; a: string; b: string }> {
		await upload(modelId);
		const endpoint = await createEndpoint(api, emulator, {}, endpointId);
		const a = await deployed(endpoint.name, `${names}/models/${modelId}`);
		const b = await deployed(endpoint.name, `${names}/models/${modelId}`, null);
		return { endpoint, a, b };
	}

	const violationFields = (answer: Answer): string[] => answer.json.error.details[0].fieldViolations.map((v: { field: string }) => v.field);

	describe('ListModelVersions', () => {
		it('lists every version as a Model with its versionId, aliases and times, oldest first', async () => {
			await upload('lv-model');
			await upload('lv-model', { versionAliases: ['candidate'], labels: { stage: 'canary' } }, 'lv-model');
			await upload('lv-model', { versionAliases: ['default'] }, 'lv-model');
			const answer = await api('GET', `${parent}/models/lv-model:listVersions`);
			expect(answer.status).toBe(200);
			expect(Object.keys(answer.json)).toEqual(['models']);
			const models = answer.json.models;
			expect(models.map((m: { versionId: string }) => m.versionId)).toEqual(['1', '2', '3']);
			for (const model of models) {
				expect(model.name).toBe(`${names}/models/lv-model`);
				expect(model.versionCreateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
				expect(model.versionUpdateTime).toMatch(/Z$/);
				expect(model.containerSpec.invokeRoutePrefix).toBe('/*');
			}
			// "default" moved to version 3; version 1 is left with no alias (proto3 JSON omits the empty list).
			expect(models.map((m: { versionAliases?: string[] }) => m.versionAliases)).toEqual([undefined, ['candidate'], ['default']]);
			expect(models[1].labels).toEqual({ stage: 'canary' });
			// The same versions as GET on each.
			expect((await api('GET', `${parent}/models/lv-model@2`)).json).toEqual(models[1]);
		});

		it('pages with pageSize / pageToken and filters on labels', async () => {
			const first = await api('GET', `${parent}/models/lv-model:listVersions?pageSize=2`);
			expect(first.json.models.map((m: { versionId: string }) => m.versionId)).toEqual(['1', '2']);
			expect(typeof first.json.nextPageToken).toBe('string');
			const second = await api('GET', `${parent}/models/lv-model:listVersions?pageSize=2&pageToken=${first.json.nextPageToken}`);
			expect(second.json.models.map((m: { versionId: string }) => m.versionId)).toEqual(['3']);
			expect(second.json.nextPageToken).toBeUndefined();

			const canary = await api('GET', `${parent}/models/lv-model:listVersions?filter=${encodeURIComponent('labels.stage="canary"')}`);
			expect(canary.json.models.map((m: { versionId: string }) => m.versionId)).toEqual(['2']);
			expect((await api('GET', `${parent}/models/lv-model:listVersions?filter=${encodeURIComponent('labels.stage="none"')}`)).json).toEqual({});
			const unsupported = await api('GET', `${parent}/models/lv-model:listVersions?filter=${encodeURIComponent('version_id=2')}`);
			expect(unsupported.status).toBe(400);
			expect(unsupported.json.error.status).toBe('INVALID_ARGUMENT');
		});

		it('answers 404 for an unknown model, and serves v1beta1 as well', async () => {
			const missing = await api('GET', `${parent}/models/no-such-model:listVersions`);
			expect(missing.status).toBe(404);
			expect(missing.json.error.status).toBe('NOT_FOUND');
			const beta = await api('GET', `/v1beta1/projects/${emulator.projectId}/locations/${emulator.location}/models/lv-model:listVersions`);
			expect(beta.status).toBe(200);
			expect(beta.json.models).toHaveLength(3);
		});
	});

	describe('DeleteModelVersion', () => {
		beforeAll(async () => {
			await upload('dv-model');
			await upload('dv-model', { versionAliases: ['candidate'] }, 'dv-model');
			await upload('dv-model', { versionAliases: ['old'] }, 'dv-model');
		});

		it('refuses the default version, by id or by alias, and keeps it', async () => {
			for (const version of ['1', 'default']) {
				const answer = await api('DELETE', `${parent}/models/dv-model@${version}:deleteVersion`);
				expect(answer.status).toBe(400);
				expect(answer.json.error.status).toBe('FAILED_PRECONDITION');
				expect(answer.json.error.message).toBe(
					`Model version ${names}/models/dv-model@1 is the default version of the model and cannot be deleted. Delete the model instead, or make another version the default first.`,
				);
			}
			expect(await versionIds('dv-model')).toEqual(['1', '2', '3']);
		});

		it('needs a version in the name and answers 404 for an unknown one', async () => {
			const bare = await api('DELETE', `${parent}/models/dv-model:deleteVersion`);
			expect(bare.status).toBe(400);
			expect(bare.json.error.status).toBe('INVALID_ARGUMENT');
			expect(violationFields(bare)).toEqual(['name']);
			const unknown = await api('DELETE', `${parent}/models/dv-model@9:deleteVersion`);
			expect(unknown.status).toBe(404);
			expect(await versionIds('dv-model')).toEqual(['1', '2', '3']);
		});

		it('deletes a version named by alias through a finished DeleteOperationMetadata operation', async () => {
			const answer = await api('DELETE', `${parent}/models/dv-model@old:deleteVersion`);
			expect(answer.status).toBe(200);
			expect(answer.json.name).toMatch(new RegExp(`^${names}/operations/\\d{19}$`));
			expect(answer.json.done).toBe(true);
			expect(answer.json.metadata['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.DeleteOperationMetadata');
			expect(answer.json.response).toEqual({ '@type': 'type.googleapis.com/google.protobuf.Empty' });
			expect((await api('GET', `${parent}/models/dv-model@3`)).status).toBe(404);
			expect((await api('GET', `${parent}/models/dv-model@old`)).status).toBe(404);
			expect(await versionIds('dv-model')).toEqual(['1', '2']);
			// The version ids are not reused.
			expect(await upload('dv-model', {}, 'dv-model')).toBe('4');
		});

		it('refuses a version deployed on an endpoint, naming the endpoint, until it is undeployed', async () => {
			const endpoint = await createEndpoint(api, emulator, {}, 'dv-endpoint');
			const id = await deployed(endpoint.name, `${names}/models/dv-model@candidate`);
			const refused = await api('DELETE', `${parent}/models/dv-model@candidate:deleteVersion`);
			expect(refused.status).toBe(400);
			expect(refused.json.error.status).toBe('FAILED_PRECONDITION');
			expect(refused.json.error.message).toBe(
				`The Model "${names}/models/dv-model@2" is deployed or being deployed at the following Endpoint(s): ${names}/endpoints/dv-endpoint. Undeploy it from them first.`,
			);
			expect(await versionIds('dv-model')).toEqual(['1', '2', '4']);
			// Another version of the same model is not held back by it.
			expect((await api('DELETE', `${parent}/models/dv-model@4:deleteVersion`)).status).toBe(200);

			await pollOperation(api, (await undeploy(endpoint.name, id)).json.name);
			expect((await api('DELETE', `${parent}/models/dv-model@2:deleteVersion`)).status).toBe(200);
			expect(await versionIds('dv-model')).toEqual(['1']);
		});
	});

	describe('DeleteModel while deployed', () => {
		it('refuses with FAILED_PRECONDITION naming every endpoint the model is deployed at', async () => {
			await upload('busy-model');
			await upload('busy-model', {}, 'busy-model');
			const first = await createEndpoint(api, emulator, {}, 'busy-one');
			const second = await createEndpoint(api, emulator, {}, 'busy-two');
			await deployed(first.name, `${names}/models/busy-model`);
			// Version 2, not the default: any deployed version holds the model.
			await deployed(second.name, `${names}/models/busy-model@2`);
			const refused = await api('DELETE', `${parent}/models/busy-model`);
			expect(refused.status).toBe(400);
			expect(refused.json.error).toEqual({
				code: 400,
				status: 'FAILED_PRECONDITION',
				message: `The Model "${names}/models/busy-model" is deployed or being deployed at the following Endpoint(s): ${names}/endpoints/busy-one, ${names}/endpoints/busy-two. Undeploy it from them first.`,
			});
			expect((await api('GET', `${parent}/models/busy-model`)).status).toBe(200);
		});

		it('also refuses while a deploy of it is still in flight, and deletes once that is cancelled', async () => {
			await upload('starting-model', { containerSpec: NEVER_HEALTHY_SPEC });
			const endpoint = await createEndpoint(api, emulator, {}, 'starting-endpoint');
			const started = await startDeploy(api, endpoint.name, `${names}/models/starting-model`);
			expect(started.status).toBe(200);
			const refused = await api('DELETE', `${parent}/models/starting-model`);
			expect(refused.status).toBe(400);
			expect(refused.json.error.message).toContain(`is deployed or being deployed at the following Endpoint(s): ${names}/endpoints/starting-endpoint.`);

			expect((await api('POST', `/v1/${started.json.name}:cancel`, {})).status).toBe(200);
			const deleted = await api('DELETE', `${parent}/models/starting-model`);
			expect(deleted.status).toBe(200);
			expect(deleted.json.done).toBe(true);
			expect((await api('GET', `${parent}/models/starting-model`)).status).toBe(404);
		});
	});

	describe('UpdateEndpoint', () => {
		let endpoint: any;
		let a: string;
		let b: string;
		beforeAll(async () => {
			({ endpoint, a, b } = await endpointWithTwo('update-endpoint', 'update-model'));
		});
		const patch = (mask: string | undefined, body: Record<string, unknown>, name = endpoint.name): Promise<Answer> =>
			api('PATCH', `/v1/${name}${mask === undefined ? '' : `?updateMask=${encodeURIComponent(mask)}`}`, body);
		const current = async (): Promise<any> => (await api('GET', `/v1/${endpoint.name}`)).json;

		it('moves the traffic with updateMask=trafficSplit, answers the Endpoint itself and bumps updateTime and etag', async () => {
			const before = await current();
			expect(before.trafficSplit).toEqual({ [a]: 100 });
			await new Promise((resolve) => setTimeout(resolve, 5));
			const answer = await patch('trafficSplit', { trafficSplit: { [a]: 0, [b]: 100 } });
			expect(answer.status).toBe(200);
			expect(answer.json.name).toBe(endpoint.name);
			expect(answer.json.done).toBeUndefined();
			expect(answer.json.metadata).toBeUndefined();
			expect(answer.json.trafficSplit).toEqual({ [a]: 0, [b]: 100 });
			expect(answer.json.etag).not.toBe(before.etag);
			expect(Date.parse(answer.json.updateTime)).toBeGreaterThan(Date.parse(before.updateTime));
			expect(answer.json.createTime).toBe(before.createTime);
			expect(await current()).toEqual(answer.json);
			// The data plane follows the new split at once.
			for (let i = 0; i < 5; i++) {
				const invoked = await api('POST', `/v1/${endpoint.name}/invoke/echo`, {});
				expect(invoked.status).toBe(200);
				expect(invoked.headers.get('x-vertex-ai-deployed-model-id')).toBe(b);
			}
		});

		it('takes snake_case and camelCase mask paths, comma separated, and leaves unmasked fields alone', async () => {
			const answer = await patch('traffic_split,display_name', { trafficSplit: { [a]: 25, [b]: 75 }, displayName: 'renamed', description: 'not in the mask' });
			expect(answer.status).toBe(200);
			expect(answer.json.trafficSplit).toEqual({ [a]: 25, [b]: 75 });
			expect(answer.json.displayName).toBe('renamed');
			expect(answer.json.description).toBeUndefined();

			const labelled = await patch('description, labels', { description: 'serves chat', labels: { team: 'ml' }, displayName: 'ignored' });
			expect(labelled.status).toBe(200);
			expect(labelled.json).toMatchObject({ description: 'serves chat', labels: { team: 'ml' }, displayName: 'renamed', trafficSplit: { [a]: 25, [b]: 75 } });
			// A masked field the body leaves out is cleared.
			const cleared = await patch('labels', {});
			expect(cleared.status).toBe(200);
			expect(cleared.json.labels).toBeUndefined();
			expect(cleared.json.description).toBe('serves chat');
		});

		it('refuses splits that do not add up to 100, name unknown models or use other than whole percentages, changing nothing', async () => {
			const before = await current();
			const cases: Array<[Record<string, unknown>, string, string]> = [
				[{ [a]: 50, [b]: 40 }, 'endpoint.traffic_split', 'The traffic split must add up to 100, got 90.'],
				[{ [a]: 50, '1234567890123456789': 50 }, 'endpoint.traffic_split', 'Deployed model 1234567890123456789 does not exist in the endpoint.'],
				[{ [a]: 101, [b]: -1 }, 'endpoint.traffic_split', `Traffic for ${a} must be an integer between 0 and 100.`],
				// Not an int32 at all: refused by the front end as the map<string, int32> it is, entry by entry.
				[{ [a]: 50.5, [b]: 49.5 }, 'endpoint.traffic_split[0].value', "Invalid value at 'endpoint.traffic_split[0].value' (TYPE_INT32), 50.5"],
				[{ [a]: 'all' }, 'endpoint.traffic_split[0].value', 'Invalid value at \'endpoint.traffic_split[0].value\' (TYPE_INT32), "all"'],
			];
			for (const [trafficSplit, field, description] of cases) {
				const answer = await patch('traffic_split', { trafficSplit });
				expect(answer.status).toBe(400);
				expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
				const violations = answer.json.error.details[0].fieldViolations;
				expect(violations.map((v: { field: string }) => v.field)).toContain(field);
				expect(violations.map((v: { description: string }) => v.description)).toContain(description);
			}
			expect(await current()).toEqual(before);
			// proto3 JSON: an int32 may also come as a decimal string.
			const asStrings = await patch('traffic_split', { trafficSplit: { [a]: '100', [b]: '0' } });
			expect(asStrings.status).toBe(200);
			expect(asStrings.json.trafficSplit).toEqual({ [a]: 100, [b]: 0 });
		});

		it('accepts an empty split: the endpoint then takes no traffic (Endpoint.traffic_split)', async () => {
			const answer = await patch('trafficSplit', { trafficSplit: {} });
			expect(answer.status).toBe(200);
			expect(answer.json.trafficSplit).toBeUndefined();
			expect(answer.json.deployedModels).toHaveLength(2);
			expect((await api('POST', `/v1/${endpoint.name}/invoke/echo`, {})).status).toBe(400);
			expect((await api('POST', `/v1/${endpoint.name}/deployedModels/${a}/invoke/echo`, {})).status).toBe(200);
			expect((await patch('trafficSplit', { trafficSplit: { [a]: 100 } })).status).toBe(200);
		});

		it('refuses a missing or unknown updateMask with INVALID_ARGUMENT, and a missing displayName', async () => {
			const before = await current();
			for (const mask of [undefined, '', 'dedicated_endpoint_enabled', 'display_name,deployedModels']) {
				const answer = await patch(mask, { displayName: 'nope', dedicatedEndpointEnabled: false });
				expect(answer.status).toBe(400);
				expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
				expect(violationFields(answer)).toEqual(['update_mask']);
			}
			const noName = await patch('displayName', { displayName: '' });
			expect(noName.status).toBe(400);
			expect(violationFields(noName)).toEqual(['endpoint.display_name']);
			const badLabels = await patch('labels', { labels: { team: 3 } });
			expect(badLabels.status).toBe(400);
			expect(violationFields(badLabels)).toEqual(['endpoint.labels[0].value']);
			const after = await current();
			expect(after).toEqual(before);
		});

		it('answers 404 for an unknown endpoint, and serves v1beta1 and the project id as well', async () => {
			const missing = await patch('displayName', { displayName: 'x' }, `${names}/endpoints/no-such-endpoint`);
			expect(missing.status).toBe(404);
			expect(missing.json.error.status).toBe('NOT_FOUND');
			const beta = await api('PATCH', `/v1beta1/projects/${emulator.projectId}/locations/${emulator.location}/endpoints/update-endpoint?updateMask=displayName`, { displayName: 'beta' });
			expect(beta.status).toBe(200);
			expect(beta.json.displayName).toBe('beta');
		});
	});

	describe('ListOperations', () => {
		const opIds = (answer: Answer): string[] => (answer.json.operations ?? []).map((op: { name: string }) => op.name);

		it('lists a model\'s upload operations, newest first, page by page', async () => {
			await upload('ops-model');
			await upload('ops-model', {}, 'ops-model');
			const answer = await api('GET', `${parent}/models/ops-model/operations`);
			expect(answer.status).toBe(200);
			expect(Object.keys(answer.json)).toEqual(['operations']);
			const ops = answer.json.operations;
			expect(ops).toHaveLength(2);
			for (const op of ops) {
				expect(op.name).toMatch(new RegExp(`^${names}/models/ops-model/operations/\\d{19}$`));
				expect(op.done).toBe(true);
				expect(op.metadata['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.UploadModelOperationMetadata');
			}
			expect(ops.map((op: any) => op.response.modelVersionId)).toEqual(['2', '1']);
			// Each is what GET on its name answers.
			expect((await api('GET', `/v1/${ops[1].name}`)).json).toEqual(ops[1]);

			const first = await api('GET', `${parent}/models/ops-model/operations?pageSize=1`);
			expect(opIds(first)).toEqual([ops[0].name]);
			const second = await api('GET', `${parent}/models/ops-model/operations?pageSize=1&pageToken=${first.json.nextPageToken}`);
			expect(opIds(second)).toEqual([ops[1].name]);
			expect(second.json.nextPageToken).toBeUndefined();
		});

		it('lists an endpoint\'s operations and filters them on done', async () => {
			await upload('ops-starting', { containerSpec: NEVER_HEALTHY_SPEC });
			const endpoint = await createEndpoint(api, emulator, {}, 'ops-endpoint');
			const started = await startDeploy(api, endpoint.name, `${names}/models/ops-starting`);
			expect(started.status).toBe(200);
			const all = await api('GET', `/v1/${endpoint.name}/operations`);
			expect(all.json.operations.map((op: any) => op.metadata['@type'].split('.').pop())).toEqual(['DeployModelOperationMetadata', 'CreateEndpointOperationMetadata']);
			const running = await api('GET', `/v1/${endpoint.name}/operations?filter=${encodeURIComponent('done=false')}`);
			expect(opIds(running)).toEqual([started.json.name]);
			expect(running.json.operations[0].done).toBeUndefined();
			const finished = await api('GET', `/v1/${endpoint.name}/operations?filter=${encodeURIComponent('done = true')}`);
			expect(opIds(finished)).toEqual([all.json.operations[1].name]);

			await api('POST', `/v1/${started.json.name}:cancel`, {});
			expect((await api('GET', `/v1/${endpoint.name}/operations?filter=done=false`)).json).toEqual({});
			expect(opIds(await api('GET', `/v1/${endpoint.name}/operations?filter=done=true`))).toHaveLength(2);
		});

		it('lists the location\'s own operations (the deletes), not those of its models and endpoints', async () => {
			await upload('ops-deleted');
			const deleted = await api('DELETE', `${parent}/models/ops-deleted`);
			expect(deleted.status).toBe(200);
			const answer = await api('GET', `${parent}/operations?pageSize=1000`);
			expect(answer.status).toBe(200);
			expect(opIds(answer)[0]).toBe(deleted.json.name);
			for (const name of opIds(answer)) expect(name).toMatch(new RegExp(`^${names}/operations/\\d{19}$`));
			expect(answer.json.operations[0].metadata['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.DeleteOperationMetadata');
		});

		it('answers 404 under an unknown model or endpoint and 400 for an unsupported filter', async () => {
			expect((await api('GET', `${parent}/models/no-such-model/operations`)).status).toBe(404);
			expect((await api('GET', `${parent}/endpoints/no-such-endpoint/operations`)).status).toBe(404);
			const filter = await api('GET', `${parent}/models/ops-model/operations?filter=${encodeURIComponent('display_name="x"')}`);
			expect(filter.status).toBe(400);
			expect(filter.json.error.status).toBe('INVALID_ARGUMENT');
		});
	});

	describe(':undeployModel traffic rules', () => {
		let endpoint: any;
		let a: string;
		let b: string;
		beforeAll(async () => {
			({ endpoint, a, b } = await endpointWithTwo('undeploy-endpoint', 'undeploy-model'));
		});
		const current = async (): Promise<any> => (await api('GET', `/v1/${endpoint.name}`)).json;

		it('refuses a split that does not add up to 100 or leaves traffic on the model being removed, changing nothing', async () => {
			const before = await current();
			const short = await undeploy(endpoint.name, a, { [b]: 50 });
			expect(short.status).toBe(400);
			expect(short.json.error.status).toBe('INVALID_ARGUMENT');
			expect(short.json.error.details[0].fieldViolations).toEqual([{ field: 'traffic_split', description: 'The traffic split must add up to 100, got 50.' }]);
			const keeps = await undeploy(endpoint.name, a, { [a]: 100 });
			expect(keeps.status).toBe(400);
			expect(keeps.json.error.status).toBe('INVALID_ARGUMENT');
			expect(keeps.json.error.details[0].fieldViolations).toEqual([
				{ field: 'traffic_split', description: `Deployed model ${a} is being undeployed and cannot keep traffic: give it 0 or leave it out.` },
			]);
			const shared = await undeploy(endpoint.name, a, { [a]: 50, [b]: 50 });
			expect(shared.status).toBe(400);
			expect(shared.text).toContain('is being undeployed');
			// Without a split, a model that still has traffic cannot go.
			const noSplit = await undeploy(endpoint.name, a);
			expect(noSplit.status).toBe(400);
			expect(noSplit.json.error.status).toBe('FAILED_PRECONDITION');
			expect(await current()).toEqual(before);
		});

		it('undeploys with a split that gives the removed model 0, leaving it out of the endpoint\'s split', async () => {
			const answer = await undeploy(endpoint.name, a, { [a]: 0, [b]: 100 });
			expect(answer.status).toBe(200);
			const { op } = await pollOperation(api, answer.json.name);
			expect(op.error).toBeUndefined();
			const after = await current();
			expect(after.trafficSplit).toEqual({ [b]: 100 });
			expect(after.deployedModels.map((d: { id: string }) => d.id)).toEqual([b]);
		});
	});
});
