import type { IDataObject } from 'n8n-workflow';

import { clearVertexClientCache } from '../../lib';
import { chain, sourceNode, type TestNode } from '../harness/n8n-engine';
import { TYPE, deployModel, emulatorWithCredential, expectNoSecrets, locator, logsOf, runNodes, type NodeEnv } from './support';

let env: NodeEnv;

beforeAll(async () => {
	env = await emulatorWithCredential();
	// A model and an endpoint that exist, with nothing deployed yet.
	const result = await runNodes(env, {
		nodes: [
			sourceNode('Start'),
			upload({ modelId: 'base-model' }),
			{ name: 'Create', type: TYPE.create, parameters: { displayName: 'base', endpointId: 'base-endpoint' } },
		],
		connections: chain('Start', 'Upload', 'Create'),
	});
	expect(result.error).toBeUndefined();
}, 60_000);

afterAll(async () => {
	await env?.close();
});

function upload(parameters: IDataObject): TestNode {
	return {
		name: 'Upload',
		type: TYPE.upload,
		parameters: { displayName: 'sample', imageUri: env.emulator.builtInImage, ...parameters },
	};
}

const deploy = (parameters: IDataObject): TestNode => ({
	name: 'Deploy',
	type: TYPE.deploy,
	parameters: { endpoint: locator('base-endpoint'), model: locator('base-model'), machineType: 'n1-standard-4', ...parameters },
});

/** Runs Start -> node, with the secrets check every run gets. */
async function runOne(node: TestNode, extra: { cancelAfter?: { nodeStarted: string; delayMs?: number } } = {}) {
	const result = await runNodes(env, { nodes: [sourceNode('Start'), node], connections: chain('Start', node.name), ...extra });
	await expectNoSecrets(env, result);
	return result;
}

async function emulatorStats(): Promise<{ tokensMinted: number; models: number; endpoints: number }> {
	const response = await fetch(`${env.emulator.baseUrl}/emulator/stats`);
	return (await response.json()) as { tokensMinted: number; models: number; endpoints: number };
}

describe('a bad parameter is refused before any request', () => {
	const cases: Array<[string, () => TestNode, string, RegExp]> = [
		['Upload with a bad model id', () => upload({ modelId: 'Bad_ID' }), 'Model ID', /Bad_ID/],
		['Upload with a health route without a leading slash', () => upload({ healthRoute: 'health' }), 'Health Route', /health/],
		[
			'Create with endpoint id Bad_ID',
			() => ({ name: 'Create', type: TYPE.create, parameters: { displayName: 'x', endpointId: 'Bad_ID' } }),
			'Endpoint ID',
			/Bad_ID/,
		],
		[
			'Create with a blank display name',
			() => ({ name: 'Create', type: TYPE.create, parameters: { displayName: '  ', endpointId: 'ok-id' } }),
			'Display Name',
			/"Display Name" is required/,
		],
		[
			'Create with an inference timeout beyond 3600 s',
			() => ({ name: 'Create', type: TYPE.create, parameters: { displayName: 'x', endpointId: 'ok-id', inferenceTimeoutSeconds: 4000 } }),
			'Inference Timeout (Seconds)',
			/3600/,
		],
		[
			'Deploy with a traffic split that does not add up to 100',
			() =>
				deploy({
					trafficMode: 'split',
					trafficSplit: { share: [{ deployedModelId: '0', percent: 60 }, { deployedModelId: '123', percent: 30 }] },
				}),
			'Traffic Split',
			// The node's own check (its wording, its parameter's label), not the core's answering in its place.
			/^"Traffic Split" must add up to 100; its shares add up to 90\.$/,
		],
		['Deploy with a wait timeout of 0', () => deploy({ waitTimeoutMinutes: 0 }), 'Wait Timeout (Minutes)', /above 0/],
		['Deploy with a negative wait timeout', () => deploy({ waitTimeoutMinutes: -5 }), 'Wait Timeout (Minutes)', /above 0/],
		['Deploy with a wait timeout that is not a number', () => deploy({ waitTimeoutMinutes: '={{ "soon" }}' }), 'Wait Timeout (Minutes)', /number of minutes/],
		['Upload with a wait timeout of 0', () => upload({ waitTimeoutMinutes: 0 }), 'Wait Timeout (Minutes)', /above 0/],
		[
			'Deploy "Replace It" without waiting',
			() => deploy({ ifDeployed: 'replace', waitForCompletion: false }),
			'Wait for Completion',
			/needs "Wait for Completion"/,
		],
		[
			'Deploy with an unknown "If This Model Is Already Deployed" value',
			() => deploy({ ifDeployed: '={{ "twice" }}' }),
			'If This Model Is Already Deployed on the Endpoint',
			/must be one of: use, replace, add/,
		],
		[
			'Invoke with the root path',
			() => ({ name: 'Invoke', type: TYPE.invoke, parameters: { endpoint: locator('base-endpoint'), path: '/' } }),
			'Path',
			/"\/"/,
		],
		[
			'Invoke with a JSON body that is not JSON',
			() => ({
				name: 'Invoke',
				type: TYPE.invoke,
				parameters: { endpoint: locator('base-endpoint'), path: '/echo', jsonBody: '{"messages": [}' },
			}),
			'JSON Body',
			/"JSON Body" is not valid JSON/,
		],
	];

	it.each(cases)('%s', async (_title, makeNode, parameter, messagePattern) => {
		await fetch(`${env.emulator.baseUrl}/emulator/reset`, { method: 'POST' });
		// A fresh client must mint a token before its first request: a count of 0 proves nothing was sent.
		clearVertexClientCache();
		const before = await emulatorStats();
		const node = makeNode();
		const result = await runNodes(env, { nodes: [sourceNode('Start'), node], connections: chain('Start', node.name) });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(messagePattern);
		expect(result.error?.description).toContain(`"${parameter}"`);
		const after = await emulatorStats();
		expect(after.tokensMinted).toBe(0);
		expect(env.emulator.requestLog()).toEqual([]);
		expect({ models: after.models, endpoints: after.endpoints }).toEqual({ models: before.models, endpoints: before.endpoints });
		await expectNoSecrets(env, result);
	});
});

describe('API errors', () => {
	it('deploy to an endpoint that does not exist gives a NodeApiError with 404 NOT_FOUND', async () => {
		const result = await runOne(deploy({ endpoint: locator('no-such-endpoint') }));
		expect(result.error?.name).toBe('NodeApiError');
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
		expect(result.error?.message).toContain('no-such-endpoint');
		// The reason and what to do lead; a sentence of Google's own, then ours; the status and the request follow.
		expect(result.error?.message).toMatch(/not found\. Check the project, location and id/);
		expect(result.error?.message).not.toMatch(/^(GET|POST) /);
		expect(result.error?.description).toMatch(/^HTTP 404 NOT_FOUND, GET http:\/\/127\.0\.0\.1:\d+\/v1\/projects\/.*\/endpoints\/no-such-endpoint\.$/);
	});

	it('upload with an existing model id gives a NodeApiError with 409 ALREADY_EXISTS', async () => {
		const result = await runOne(upload({ modelId: 'base-model' }));
		expect(result.error?.name).toBe('NodeApiError');
		expect((result.error as { httpCode?: string }).httpCode).toBe('409');
		// In the editor's words: the labels and the choice as the panel shows them, not modelId / ifExists.
		expect(result.error?.message).toBe(
			'Model "base-model" already exists. Choose another "Model ID", or reuse the existing one (set "If the Model ID Exists" to "Use the Existing Model").',
		);
		expect(result.error?.description).toMatch(/^HTTP 409 ALREADY_EXISTS, in projects\/[a-z0-9-]+\/locations\/us-central1\.$/);
	});

	it('Upload with "use the existing model" on an existing id returns that model without a new upload', async () => {
		const used = await runOne(upload({ modelId: 'base-model', ifExists: 'use' }));
		expect(used.error).toBeUndefined();
		expect(used.lastNodeJson('Upload')).toEqual([
			expect.objectContaining({ existed: true, modelId: 'base-model', modelVersionId: '1', operationName: null }),
		]);
	});

	it('Create with "use it" on an existing id returns the existing endpoint; "fail" errors with 409', async () => {
		const create = (ifExists: string): TestNode => ({
			name: 'Create',
			type: TYPE.create,
			parameters: { displayName: 'other name', endpointId: 'base-endpoint', ifExists },
		});
		const used = await runOne(create('use'));
		expect(used.error).toBeUndefined();
		expect(used.lastNodeJson('Create')).toEqual([
			expect.objectContaining({
				existed: true,
				endpointId: 'base-endpoint',
				displayName: 'base',
				dedicatedEndpointDns: expect.stringMatching(/\.prediction\.vertexai\.goog$/),
			}),
		]);
		const failed = await runOne(create('fail'));
		expect(failed.error?.name).toBe('NodeApiError');
		expect((failed.error as { httpCode?: string }).httpCode).toBe('409');
		expect(failed.error?.message).toBe(
			'Endpoint "base-endpoint" already exists. Choose another "Endpoint ID", or reuse the existing one (set "If the ID Exists" to "Use the Existing Endpoint").',
		);
		expect(failed.error?.description).toContain('ALREADY_EXISTS');
	});
});

describe('long-running operations', () => {
	it('returns the operation name when not waiting, and a later run resumes it to completion', async () => {
		const created = await runOne({ name: 'Create', type: TYPE.create, parameters: { displayName: 'r', endpointId: 'resume-endpoint' } });
		expect(created.error).toBeUndefined();

		const first = await runOne(deploy({ endpoint: locator('resume-endpoint'), waitForCompletion: false }));
		expect(first.error).toBeUndefined();
		const [pending] = first.lastNodeJson('Deploy');
		expect(pending.done).toBe(false);
		expect(pending.operationName).toMatch(/\/endpoints\/resume-endpoint\/operations\/\d+$/);
		expect(pending).toMatchObject({ deployedModelId: null, endpointId: 'resume-endpoint', modelId: 'base-model' });

		// "Resume Operation" sits under Options; a workflow saved before it moved has it at the top, still read there.
		const resumed = await runOne(
			deploy({ endpoint: locator('resume-endpoint'), resumeOperationName: pending.operationName as string }),
		);
		expect(resumed.error).toBeUndefined();
		const [done] = resumed.lastNodeJson('Deploy');
		expect(done).toMatchObject({ done: true, operationName: pending.operationName, deploymentStage: 'SUCCESSFULLY_DEPLOYED' });
		expect(done.deployedModelId).toMatch(/^\d{19}$/);
		expect(done.trafficSplit).toEqual({ [done.deployedModelId as string]: 100 });
		// Resuming waited for the first deploy and started no second one.
		expect(env.emulator.processes().filter((p) => p.deployedModelId === done.deployedModelId)).toHaveLength(1);
		expect(env.emulator.processes()).toHaveLength(1);
	});

	it('reports each deploy stage while it waits: to n8n\'s log, and in a manual run to the editor (the browser console)', async () => {
		const created = await runOne({ name: 'Create', type: TYPE.create, parameters: { displayName: 'stages', endpointId: 'stages-endpoint' } });
		expect(created.error).toBeUndefined();
		const messages: Array<{ type: string; data: unknown }> = [];
		const run = async (mode: 'manual' | 'cli') => {
			messages.length = 0;
			const result = await runNodes(env, {
				nodes: [sourceNode('Start'), deploy({ endpoint: locator('stages-endpoint'), ifDeployed: 'add' })],
				connections: chain('Start', 'Deploy'),
				mode,
				onUiMessage: (type, data) => messages.push({ type, data }),
			});
			expect(result.error?.message).toBeUndefined();
			return result;
		};
		const manual = await run('manual');
		const shown = messages.map(({ type, data }) => ({ type, ...(data as { source: string; messages: string[] }) }));
		expect(shown.length).toBeGreaterThan(0);
		expect(shown.every((message) => message.type === 'sendConsoleMessage' && message.source === '[Node: "Deploy"]')).toBe(true);
		expect(shown.map((message) => message.messages[0]).at(-1)).toMatch(/^Vertex AI deployment stage: SUCCESSFULLY_DEPLOYED \(operation projects\/.*\/operations\/\d+\)$/);
		expect(logsOf(manual).some((line) => /Vertex AI operation .*: SUCCESSFULLY_DEPLOYED/.test(line))).toBe(true);
		// Outside manual runs n8n sends nothing to the editor; the log still has every stage.
		const cli = await run('cli');
		expect(messages).toEqual([]);
		expect(logsOf(cli).some((line) => /Vertex AI operation .*: SUCCESSFULLY_DEPLOYED/.test(line))).toBe(true);
	});

	it('a wait that times out fails with an error naming the operation, which a later run can resume', async () => {
		// The deploy never becomes healthy, so only the wait timeout (here 0.6 s) can end the wait.
		env.emulator.addFault({ kind: 'health-never-ok', path: ':deployModel$' });
		try {
			const result = await runOne(deploy({ endpoint: locator('base-endpoint'), waitTimeoutMinutes: 0.01 }));
			const error = result.nodeError('Deploy') ?? result.error;
			// The reason first; the operation's name, and where to put it to resume, in the description.
			expect(error?.message).toBe('Stopped waiting after 1 s: the operation is still running in Vertex AI. Wait again with its name to resume, or cancel it.');
			const operationName = /^Operation (\S+)\./.exec(error?.description ?? '')?.[1] ?? '';
			expect(operationName).toMatch(/^projects\/\d+\/locations\/us-central1\/endpoints\/base-endpoint\/operations\/\d+$/);
			expect(error?.description).toBe(
				`Operation ${operationName}. To pick it up in a later run, put its name in "Resume Operation" in "Options".`,
			);
			const resumed = await runOne(deploy({ options: { resumeOperationName: operationName }, waitForCompletion: false }));
			expect(resumed.lastNodeJson('Deploy')[0]).toMatchObject({ operationName, done: false });
		} finally {
			env.emulator.clearFaults();
		}
	}, 20_000);

	it('ends a run cancelled during a deploy wait promptly, naming the operation', async () => {
		// The deploy never becomes healthy, so only the cancellation can end the wait.
		env.emulator.addFault({ kind: 'health-never-ok', path: ':deployModel$' });
		try {
			const result = await runOne(deploy({ endpoint: locator('base-endpoint') }), {
				cancelAfter: { nodeStarted: 'Deploy', delayMs: 300 },
			});
			expect(result.cancelRequested).toBe(true);
			const error = result.nodeError('Deploy') ?? result.error;
			// n8n-core reports 'canceled' only for errors whose message says "canceled": the node's does.
			expect(result.status).toBe('canceled');
			expect(error?.message).toMatch(/^Execution canceled: /);
			expect(error?.message).toMatch(/because the run was cancelled/);
			const text = `${error?.message ?? ''} ${error?.description ?? ''}`;
			expect(text).toMatch(/\/endpoints\/base-endpoint\/operations\/\d+/);
		} finally {
			env.emulator.clearFaults();
		}
	}, 20_000);

	it('fails a deploy whose model server never becomes healthy, with the reason in the node error', async () => {
		const deployed = deployModel(
			env,
			{ modelId: 'sick-model', endpointId: 'sick-endpoint' },
			{ upload: { args: ['--never-healthy'], options: { deploymentTimeoutSeconds: 1 } } },
		);
		await expect(deployed).rejects.toThrow(/never became ready: health route \/health did not answer 200/);
	}, 20_000);
});
