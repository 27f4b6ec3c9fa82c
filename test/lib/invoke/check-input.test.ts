import { checkInvokeInput, VertexValidationError } from '../../../lib';

describe('checkInvokeInput (the public check that sends nothing)', () => {
	it('accepts what prepareInvoke accepts', () => {
		expect(() => checkInvokeInput({ endpoint: 'ep1', path: '/v1/chat/completions', body: { kind: 'json', value: {} } })).not.toThrow();
		expect(() => checkInvokeInput({ endpoint: 'ep1', path: '/x', body: { kind: 'text', value: 'hi', contentType: 'text/plain; charset=utf-8' } })).not.toThrow();
	});

	it.each([
		[{ endpoint: 'ep1', path: '/x', headers: { 'X-Goog-User-Project': 'other' } }, 'headers'],
		[{ endpoint: 'ep1', path: '/../admin' }, 'path'],
		[{ endpoint: 'ep1', path: '/x', method: 'TRACE' as never }, 'method'],
		// The Invoke node's Content Type rule, owned by the core: any caller gets it.
		[{ endpoint: 'ep1', path: '/x', body: { kind: 'text' as const, value: 'hi', contentType: 'not a media type' } }, 'body'],
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
