import { VertexValidationError } from '../../../lib/errors';
import { checkInvokePath, validateInvokePath } from '../../../lib/invoke';

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
	it.each([
		['/v1/chat/completions', '/v1/chat/completions'],
		['/generate', '/generate'],
		['/v1/models/gemma:predict', '/v1/models/gemma:predict'],
		['/users/@me', '/users/@me'],
		['/files/a b', '/files/a%20b'],
		['/files/a%20b', '/files/a%20b'],
		['/files/a%2cb', '/files/a%2Cb'],
		['/percent/100%25', '/percent/100%25'],
		['/q/what%3F', '/q/what%3F'],
		['/hash/%23tag', '/hash/%23tag'],
		['/unicode/café/日本', '/unicode/caf%C3%A9/%E6%97%A5%E6%9C%AC'],
		['/emoji/🎉', '/emoji/%F0%9F%8E%89'],
		["/marks/-_.!~*'()", "/marks/-_.!~*'()"],
		['/reserved/a+b=c&d,e;f$g', '/reserved/a%2Bb%3Dc%26d%2Ce%3Bf%24g'],
		['/dots/.well-known/...', '/dots/.well-known/...'],
		['/trailing/', '/trailing/'],
	])('accepts %s and sends %s', (path, encoded) => {
		expect(validateInvokePath(path).encoded).toBe(encoded);
	});

	it('sends the same bytes for a raw and an already-encoded segment', () => {
		expect(validateInvokePath('/a/x y').encoded).toBe(validateInvokePath('/a/x%20y').encoded);
		expect(validateInvokePath('/a/x y').segments).toEqual(['a', 'x y']);
	});

	it.each([
		['', /must start with "\/"/],
		['v1/chat', /must start with "\/"/],
		['/', /root "\/" is not reachable/],
		['/a/../admin', /dot segments/],
		['/a/./b', /dot segments/],
		['/..', /dot segments/],
		['/a/%2e%2e/admin', /dot segments/],
		['/a/%2E%2e/admin', /dot segments/],
		['/a/.%2E', /dot segments/],
		['/a/%2e', /dot segments/],
		['/a/..;jsessionid=1/admin', /dot segments/],
		['/a/%252e%252e/admin', /double-encoded/],
		['/a/%252F', /double-encoded/],
		['/a//b', /empty segments/],
		['//a', /empty segments/],
		['/a/b//', /empty segments/],
		['/search?q=1', /query string/],
		['/a?', /query string/],
		['/a#frag', /fragment/],
		['/a\\b', /backslashes/],
		['/a/%5cb', /backslashes/],
		['/a/%5Cb', /backslashes/],
		['/a/b%2fc', /encoded slash/],
		['/a/b%2Fc', /encoded slash/],
		['/a/b\nc', /control characters/],
		['/a/b\u0000', /control characters/],
		['/a/b\u007f', /control characters/],
		['/a/b%0a', /control characters/],
		['/a/b%0D%0AHost:x', /control characters/],
		['/a/b%00', /control characters/],
		['/a/b%7F', /control characters/],
		['/a/b%c2%85', /control characters/],
		['/a/50%', /"%" must start an escape/],
		['/a/%zz', /"%" must start an escape/],
		['/a/%4', /"%" must start an escape/],
		['/a/%ff', /not valid UTF-8/],
		['/a/\ud800', /unpaired UTF-16 surrogate/],
	])('refuses %j', (path, message) => {
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
