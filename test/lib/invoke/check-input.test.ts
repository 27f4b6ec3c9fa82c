import { checkInvokeInput, VertexValidationError } from '../../../lib';

describe('checkInvokeInput (the public check that sends nothing)', () => {
	it('accepts what prepareInvoke accepts', () => {
		expect(() => checkInvokeInput({ endpoint: 'ep1', path: '/v1/chat/completions', body: { kind: 'json', value: {} } })).not.toThrow();
	});

	it.each([
		[{ endpoint: 'ep1', path: '/x', headers: { 'X-Goog-User-Project': 'other' } }, 'headers'],
		[{ endpoint: 'ep1', path: '/../admin' }, 'path'],
		[{ endpoint: 'ep1', path: '/x', method: 'TRACE' as never }, 'method'],
	])('refuses %j naming %s', (input, field) => {
		let caught: unknown;
		try {
			checkInvokeInput(input);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(VertexValidationError);
		expect((caught as VertexValidationError).field).toBe(field);
	});
});
