import { VertexValidationError } from '../../../lib/errors';
import { checkInvokePath, validateInvokePath } from '../../../lib/invoke';
import { ACCEPTED_PATHS, REFUSED_PATHS } from './path-corpus';

function rejection(call: () => unknown): VertexValidationError {
	try {
		call();
	} catch (error) {
		if (error instanceof VertexValidationError) return error;
		throw error;
	}
	throw new Error('expected a VertexValidationError');
}

describe('invoke path validation', () => {
	it.each(ACCEPTED_PATHS)('accepts %s and sends %s', (path, encoded) => {
		expect(validateInvokePath(path).encoded).toBe(encoded);
	});

	it('sends the same bytes for a raw and an already-encoded segment', () => {
		expect(validateInvokePath('/a/x y').encoded).toBe(validateInvokePath('/a/x%20y').encoded);
		expect(validateInvokePath('/a/x y').segments).toEqual(['a', 'x y']);
	});

	it.each(REFUSED_PATHS)('refuses %j', (path, message) => {
		const error = rejection(() => validateInvokePath(path));
		expect(error.field).toBe('path');
		expect(error.message).toMatch(message);
		// The message also says what a good path looks like.
		expect(error.message).toMatch(/\/v1\/chat\/completions/);
	});
});

describe('allowed path prefixes', () => {
	const allowed = ['/v1', '/health/', '/models/m:predict'];

	it.each([
		['/v1', '/v1'],
		['/v1/chat/completions', '/v1/chat/completions'],
		['/v1/', '/v1/'],
		['/health/live', '/health/live'],
		['/health', '/health'],
		['/models/m:predict', '/models/m:predict'],
		['/v%31/chat', '/v%31/chat'],
	])('allows %s', (path, encoded) => {
		expect(checkInvokePath(path, allowed)).toBe(encoded);
	});

	it.each(['/v1evil', '/v2/chat', '/admin', '/healthz', '/models/m', '/models/m:predictx', '/V1/chat'])(
		'refuses %s, saying which prefixes are allowed',
		(path) => {
			const error = rejection(() => checkInvokePath(path, allowed));
			expect(error.field).toBe('path');
			expect(error.message).toContain('is not allowed');
			expect(error.message).toContain('"/v1", "/health/", "/models/m:predict"');
		},
	);

	it('still applies the path rules under an allowed prefix', () => {
		expect(rejection(() => checkInvokePath('/v1/../admin', allowed)).message).toMatch(/dot segments/);
	});

	it('allows everything with no list, an empty list, or "/"', () => {
		expect(checkInvokePath('/anything')).toBe('/anything');
		expect(checkInvokePath('/anything', [])).toBe('/anything');
		expect(checkInvokePath('/anything', ['/'])).toBe('/anything');
	});

	it('refuses a malformed prefix with field allowedPathPrefixes', () => {
		for (const prefix of ['v1', '/a/../b', '/a?x']) {
			const error = rejection(() => checkInvokePath('/v1/chat', [prefix]));
			expect(error.field).toBe('allowedPathPrefixes');
		}
	});
});
