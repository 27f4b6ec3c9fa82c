import { fieldRef, messageParts, VertexValidationError } from '../errors';
import { quoteForMessage } from '../secrets';
import { INVOKE_MAX_PATH_LENGTH, INVOKE_PATH_RULE, LONE_PERCENT } from './policy';

/**
 * Request paths for Vertex's invoke route (`/invoke{path}` reaches the model server as `{path}`).
 *
 * Encoding rule: the caller writes the path as text and each segment is percent-encoded for them, the way
 * encodeURIComponent does, except that `:` and `@` stay as they are (both are legal in a path segment and common in
 * routes such as `/v1/models/m:predict`). A `%` always starts an escape the caller already made: `%XX` is kept
 * (hex upper-cased) and must be valid UTF-8; a lone `%` is refused (write `%25` for a percent sign). So
 * `/files/a b` and `/files/a%20b` send the same bytes.
 *
 * Refused, because they would change where the request lands or be read differently by the model server:
 * the root `/`, `.` and `..` segments (also as `%2e`, double-encoded as `%252e`, or before a `;` parameter),
 * empty segments (`//`; one trailing slash is kept), `?` and `#` (the contract does not establish that a query
 * string reaches the server; `%3F` and `%23` are fine), backslashes and encoded slashes (`%5C`, `%2F`), and control
 * characters, raw or encoded.
 */

/** Characters encodeURIComponent escapes that a path segment may carry as they are. */
const KEPT_AS_IS = new Set([':', '@']);
const CONTROL_CHARACTER = /\p{Cc}/u;
const MALFORMED_PERCENT = new RegExp(LONE_PERCENT);
/** A segment of only what encodeURIComponent keeps, plus KEPT_AS_IS: it is its own encoding and decoding. */
const PLAIN_SEGMENT = /^[A-Za-z0-9\-_.!~*'():@]+$/;

export interface ValidatedInvokePath {
	/** The encoded path, starting with `/`, ready to append after `/invoke`. */
	encoded: string;
	/** The decoded segments (a trailing slash shows as a last empty segment), for allowlist checks. */
	segments: string[];
}

function invalid(path: string, problem: string, field = 'path'): VertexValidationError {
	return new VertexValidationError(
		messageParts`Invalid ${fieldRef(field, 'invoke path')} ${quoteForMessage(path)}: ${problem}. A path starts with "/" and names a route of the model server, e.g. "/v1/chat/completions".`,
		field,
		{ rule: INVOKE_PATH_RULE },
	);
}

function decodeOnce(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

/** Checks one segment's decoded text; returns what is wrong with it, if anything. */
function problemInDecoded(decoded: string): string | undefined {
	const beforeParameters = decoded.split(';', 1)[0];
	if (beforeParameters === '.' || beforeParameters === '..') return 'dot segments ("." or "..") are not allowed';
	if (decoded.includes('/')) return 'an encoded slash (%2F) inside a segment is not allowed';
	if (decoded.includes('\\')) return 'backslashes (raw or %5C) are not allowed';
	if (CONTROL_CHARACTER.test(decoded)) return 'control characters (raw or encoded) are not allowed';
	return undefined;
}

function encodeSegment(path: string, segment: string, field: string): { encoded: string; decoded: string } {
	if (PLAIN_SEGMENT.test(segment)) {
		const problem = problemInDecoded(segment);
		if (problem) throw invalid(path, problem, field);
		return { encoded: segment, decoded: segment };
	}
	if (segment.includes('?')) {
		const problem = 'a query string ("?") is not supported by invoke; send parameters in the body, or write %3F';
		throw invalid(path, problem, field);
	}
	if (segment.includes('#')) throw invalid(path, 'a fragment ("#") is not allowed; write %23 for a literal "#"', field);
	if (MALFORMED_PERCENT.test(segment)) {
		throw invalid(path, '"%" must start an escape such as %20; write %25 for a percent sign', field);
	}
	const decoded = decodeOnce(segment);
	if (decoded === undefined) throw invalid(path, 'its percent escapes are not valid UTF-8', field);
	const problem = problemInDecoded(decoded);
	if (problem) throw invalid(path, problem, field);
	// A server that decodes twice would see what a second decoding gives: refuse the same things there.
	const decodedTwice = decoded.includes('%') ? decodeOnce(decoded) : undefined;
	const problemTwice = decodedTwice === undefined ? undefined : problemInDecoded(decodedTwice);
	if (problemTwice) throw invalid(path, `double-encoded characters are not allowed (${problemTwice})`, field);

	let encoded = '';
	for (let i = 0; i < segment.length; ) {
		if (segment[i] === '%') {
			encoded += segment.slice(i, i + 3).toUpperCase();
			i += 3;
			continue;
		}
		const character = String.fromCodePoint(segment.codePointAt(i) as number);
		i += character.length;
		if (KEPT_AS_IS.has(character)) {
			encoded += character;
			continue;
		}
		try {
			encoded += encodeURIComponent(character);
		} catch {
			throw invalid(path, 'it contains an unpaired UTF-16 surrogate', field);
		}
	}
	return { encoded, decoded };
}

/** Validates and encodes an invoke path. Throws VertexValidationError (field `path`, or `field` when given). */
export function validateInvokePath(path: string, field = 'path'): ValidatedInvokePath {
	if (typeof path !== 'string' || !path.startsWith('/')) {
		throw new VertexValidationError(
			messageParts`Invalid ${fieldRef(field, 'invoke path')} ${quoteForMessage(path)}: it must start with "/", e.g. "/v1/chat/completions".`,
			field,
			{ rule: INVOKE_PATH_RULE },
		);
	}
	if (path === '/') {
		throw invalid(path, 'the root "/" is not reachable through invoke; name a route such as "/generate"', field);
	}
	if (path.length > INVOKE_MAX_PATH_LENGTH) {
		throw new VertexValidationError(
			messageParts`The ${fieldRef(field, 'invoke path')} is ${path.length} characters long; at most ${INVOKE_MAX_PATH_LENGTH} are sent (servers refuse longer request lines). Put long data in the body.`,
			field,
			{ rule: INVOKE_PATH_RULE },
		);
	}

	const rawSegments = path.slice(1).split('/');
	const trailingSlash = rawSegments.length > 1 && rawSegments[rawSegments.length - 1] === '';
	if (trailingSlash) rawSegments.pop();
	const encoded: string[] = [];
	const segments: string[] = [];
	for (const rawSegment of rawSegments) {
		if (rawSegment === '') throw invalid(path, 'empty segments ("//") are not allowed', field);
		const result = encodeSegment(path, rawSegment, field);
		encoded.push(result.encoded);
		segments.push(result.decoded);
	}
	if (trailingSlash) segments.push('');
	const encodedPath = `/${encoded.join('/')}${trailingSlash ? '/' : ''}`;
	if (encodedPath.length > INVOKE_MAX_PATH_LENGTH) {
		throw new VertexValidationError(
			messageParts`The ${fieldRef(field, 'invoke path')} is ${encodedPath.length} characters long once percent-encoded; at most ${INVOKE_MAX_PATH_LENGTH} are sent. Put long data in the body.`,
			field,
			{ rule: INVOKE_PATH_RULE },
		);
	}
	return { encoded: encodedPath, segments };
}

/** True when `segments` start with all of `prefix` (segment by segment: `/v1` covers `/v1/chat`, not `/v1evil`). */
function startsWithSegments(segments: string[], prefix: string[]): boolean {
	return prefix.length <= segments.length && prefix.every((segment, i) => segments[i] === segment);
}

/**
 * Validates and encodes an invoke path, and when `allowedPathPrefixes` is a non-empty list, requires the path to
 * lie under one of them. A prefix is itself a path (same rules; a trailing slash is ignored; "/" allows all).
 * Prefixes are compared on decoded segments, so `/v%31/chat` falls under `/v1`.
 */
export function checkInvokePath(path: string, allowedPathPrefixes?: readonly string[]): string {
	const validated = validateInvokePath(path);
	if (!allowedPathPrefixes || allowedPathPrefixes.length === 0) return validated.encoded;

	const prefixes = allowedPathPrefixes.map((prefix) => {
		if (prefix === '/') return [];
		const { segments } = validateInvokePath(prefix, 'allowedPathPrefixes');
		return segments[segments.length - 1] === '' ? segments.slice(0, -1) : segments;
	});
	if (prefixes.some((prefix) => startsWithSegments(validated.segments, prefix))) return validated.encoded;
	const allowed = allowedPathPrefixes.map((prefix) => quoteForMessage(prefix)).join(', ');
	throw new VertexValidationError(
		messageParts`The ${fieldRef('path', 'invoke path')} ${quoteForMessage(path)} is not allowed: it must be one of, or lie under one of, the ${fieldRef('allowedPathPrefixes', 'allowed path prefixes')} ${allowed}.`,
		'path',
		{ rule: `one of, or under one of, ${allowed}` },
	);
}
