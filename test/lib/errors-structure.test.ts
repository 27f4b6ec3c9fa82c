/**
 * Validation errors carry what they name as data: the fields a message mentions are references (so a node can say
 * its own label) and the rule that was broken is `rule`, for the invoke policy and for the request schemas alike.
 */
import { CALLER_ID, DEPLOYED_MODEL_ID, HEADER_NAME_RULE, prepareInvoke, VertexValidationError, type InvokeInput } from '../../lib';

import { parseInput, uploadModelInputSchema } from './support/lib-internals';

function refusal(run: () => unknown): VertexValidationError {
	try {
		run();
	} catch (error) {
		if (error instanceof VertexValidationError) return error;
		throw error;
	}
	throw new Error('no validation error');
}

const fieldsNamed = (error: VertexValidationError) =>
	error.parts.flatMap((part) => (typeof part !== 'string' && 'field' in part ? [part.field] : []));

const invoke = (input: Partial<InvokeInput>) => () =>
	prepareInvoke({ endpoint: 'e', path: '/v1', body: { kind: 'json', value: {} }, ...input } as InvokeInput);

describe('invoke refusals name their field as data and give the rule', () => {
	it.each<[string, Partial<InvokeInput>, string]>([
		['a dot segment', { path: '/v1/../x' }, 'path'],
		['a path without "/"', { path: 'v1' }, 'path'],
		['a path over the limit', { path: `/${'a'.repeat(5000)}` }, 'path'],
		['a path outside the allowed prefixes', { path: '/v2', allowedPathPrefixes: ['/v1'] }, 'path'],
		['a deployed model id that is not a number', { deployedModelId: 'abc' }, 'deployedModelId'],
		['an unknown API version', { apiVersion: 'v2' as never }, 'apiVersion'],
		['a timeout of zero', { timeoutMs: 0 }, 'timeoutMs'],
		['a body that is not { kind, value }', { body: 'x' as never }, 'body'],
		['a text body that is not text', { body: { kind: 'text', value: 1 as never } }, 'body'],
		['headers that are not an object', { headers: 'x' as never }, 'headers'],
	])('%s', (_case, input, field) => {
		const error = refusal(invoke(input));
		expect(error.field).toBe(field);
		expect(fieldsNamed(error)).toContain(field);
		expect(error.rule).toEqual(expect.any(String));
	});

	it('gives the policy rule of a header name and of a deployed model id', () => {
		expect(refusal(invoke({ headers: { 'bad name': 'x' } })).rule).toBe(HEADER_NAME_RULE);
		expect(refusal(invoke({ deployedModelId: 'abc' })).rule).toBe(DEPLOYED_MODEL_ID.rule);
	});
});

describe('schema refusals give the rule', () => {
	it('names modelId as a field and gives the caller id rule', () => {
		const input = { modelId: 'Bad Id', model: { displayName: 'm', containerSpec: { imageUri: 'img' } } };
		const error = refusal(() => parseInput(uploadModelInputSchema, input));
		expect(error.field).toBe('modelId');
		expect(fieldsNamed(error)).toEqual(['modelId']);
		expect(error.rule).toBe(CALLER_ID.rule);
	});

	it('gives the duration rule of a deployment timeout', () => {
		const input = { model: { displayName: 'm', containerSpec: { imageUri: 'img', deploymentTimeout: '0s' } } };
		expect(refusal(() => parseInput(uploadModelInputSchema, input)).rule).toMatch(/between 1 and 7200 seconds/);
	});
});
