/**
 * What every engine's nodes output for a resource (lib/outputs.ts), how a started operation is settled
 * (lib/operationRuns.ts), and the limit of a list (collectPages).
 */
import {
	collectPages,
	endpointOutput,
	endpointSummary,
	modelOutput,
	NO_RESULT,
	operationFields,
	operationOutput,
	poolOutput,
	settleOperation,
	VertexValidationError,
	type OperationWaiter,
	type Operation,
} from '../../lib';

const ENDPOINT = 'projects/123/locations/us-central1/endpoints/my-ep';

describe('output shapes', () => {
	it('puts the bare id beside the resource name of endpoints, models and pools', () => {
		expect(endpointOutput({ name: ENDPOINT, displayName: 'x' })).toEqual({ name: ENDPOINT, endpointId: 'my-ep', displayName: 'x' });
		expect(modelOutput({ name: 'projects/123/locations/us-central1/models/m1', versionId: '2' })).toMatchObject({ modelId: 'm1', versionId: '2' });
		expect(poolOutput({ name: 'projects/123/locations/us-central1/deploymentResourcePools/pool-1' })).toMatchObject({ deploymentResourcePoolId: 'pool-1' });
	});

	it('sums an endpoint up after a change: split and deployed model ids, an empty split when there is none', () => {
		const endpoint = { name: ENDPOINT, trafficSplit: { '11': 100 }, deployedModels: [{ id: '11' }, { id: '12' }] };
		expect(endpointSummary(endpoint as never)).toEqual({ endpoint: ENDPOINT, endpointId: 'my-ep', trafficSplit: { '11': 100 }, deployedModelIds: ['11', '12'] });
		expect(endpointSummary({ name: ENDPOINT }).trafficSplit).toEqual({});
	});

	it('shapes an operation for a condition: booleans always, null for what is missing, the stage and error', () => {
		expect(operationOutput({ name: 'op/1' })).toEqual({
			operationName: 'op/1',
			done: false,
			failed: false,
			stage: null,
			errorMessage: null,
			errorCode: null,
			metadata: null,
			response: null,
		});
		const failed = operationOutput({ name: 'op/2', done: true, error: { code: 9, message: 'no' }, metadata: { deploymentStage: 'DEPLOYMENT_TERMINATED' } });
		expect(failed).toMatchObject({ done: true, failed: true, stage: 'DEPLOYMENT_TERMINATED', errorMessage: 'no', errorCode: 9 });
		expect(operationFields(undefined)).toEqual({ operationName: null, done: true });
		expect(operationFields({ name: 'op/3' })).toEqual({ operationName: 'op/3', done: false });
	});
});

describe('settleOperation', () => {
	const running: Operation = { name: 'op/run' };
	const finished: Operation = { name: 'op/done', done: true, response: {} };
	function waiter() {
		const calls: Array<{ operation: string | Operation; options: unknown }> = [];
		const client: OperationWaiter = {
			waitForResult: async (_type, operation, options) => {
				calls.push({ operation, options });
				return { operation: finished, result: 'result' as never };
			},
		};
		return { client, calls };
	}

	it('nothing started (an existing resource used): nothing to wait for', async () => {
		const { client, calls } = waiter();
		expect(await settleOperation(client, NO_RESULT, undefined, { timeoutMs: 1000 })).toEqual({});
		expect(calls).toEqual([]);
	});

	it('without a wait: a running operation as it is, a done one with its result', async () => {
		const { client, calls } = waiter();
		expect(await settleOperation(client, NO_RESULT, running, undefined)).toEqual({ operation: running });
		expect(calls).toEqual([]);
		expect(await settleOperation(client, NO_RESULT, finished, undefined)).toEqual({ operation: finished, result: 'result' });
		expect(calls).toHaveLength(1);
	});

	it('with a wait: waits with the options given', async () => {
		const { client, calls } = waiter();
		const wait = { timeoutMs: 5000 };
		expect(await settleOperation(client, NO_RESULT, running, wait)).toEqual({ operation: finished, result: 'result' });
		expect(calls).toEqual([{ operation: running, options: wait }]);
	});
});

describe('collectPages: the limit', () => {
	it.each([0, -1, 1.5, Number.NaN])('refuses %p before asking for a page, naming the limit', async (limit) => {
		const readPage = jest.fn();
		const refusal = await collectPages(readPage, limit).catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(VertexValidationError);
		expect((refusal as VertexValidationError).field).toBe('limit');
		expect((refusal as Error).message).toMatch(/limit must be a whole number of at least 1/);
		expect(readPage).not.toHaveBeenCalled();
	});

	it('takes a whole number, or Infinity for every entry', async () => {
		const readPage = async (token: string | undefined) => (token ? { entries: [3, 4] } : { entries: [1, 2], nextPageToken: 'next' });
		expect(await collectPages(readPage, 3)).toEqual([1, 2, 3]);
		expect(await collectPages(readPage)).toEqual([1, 2, 3, 4]);
	});
});
