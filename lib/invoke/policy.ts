import { quoteForMessage } from '../secrets';

/**
 * The invoke request policy, as data: which methods, headers and paths a caller may send through Vertex's invoke
 * route, and the limits. The core enforces it for every caller (request.ts, path.ts); the Invoke node builds its
 * editor checks and messages from it. Nothing here imports the rest of lib/invoke, so every module can use it.
 */

/** Methods the invoke route is known to carry. The contract establishes POST only; add others here once it does. */
export const INVOKE_METHODS = ['POST'] as const;
export type InvokeMethod = (typeof INVOKE_METHODS)[number];

export const INVOKE_API_VERSIONS = ['v1', 'v1beta1'] as const;
export type InvokeApiVersion = (typeof INVOKE_API_VERSIONS)[number];

/** Vertex's payload limit for dedicated endpoints (10 MB), checked before sending. */
export const INVOKE_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Longest invoke path accepted (characters, as given and once percent-encoded), checked before sending. */
export const INVOKE_MAX_PATH_LENGTH = 4096;

// headers

export interface RefusedHeaderRule {
	/** Lower-case names refused exactly. */
	names: readonly string[];
	/** Lower-case name prefixes refused (e.g. `x-goog-`). */
	prefixes?: readonly string[];
	/** How the names read in documentation. */
	shown: string;
	/** Why, as the end of a sentence ("... cannot be set on an invoke request: {reason}."). */
	reason: string;
}

/** Request headers a caller may not set on an invoke call; any other header is sent as given. */
export const REFUSED_INVOKE_HEADERS: readonly RefusedHeaderRule[] = [
	{
		names: ['authorization', 'proxy-authorization'],
		shown: 'Authorization, Proxy-Authorization',
		reason: "the client sets the credential's token itself",
	},
	{ names: ['host'], shown: 'Host', reason: 'it is set from the endpoint address' },
	{
		names: [],
		prefixes: ['x-goog-'],
		shown: 'X-Goog-* (e.g. X-Goog-User-Project, X-Goog-Api-Key)',
		reason:
			"Google's front end reads them (billing project, API key, request routing): they would change who is billed or how the call is authorised",
	},
	{
		names: ['x-http-method-override', 'x-http-method', 'x-method-override'],
		shown: 'X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override',
		reason: 'invoke calls are POST requests, and a method override would have the server run another method',
	},
	{
		names: ['forwarded', 'x-real-ip'],
		prefixes: ['x-forwarded-'],
		shown: 'Forwarded, X-Forwarded-*, X-Real-IP',
		reason: 'they claim where the request came from, which only the proxies on the way may say',
	},
	{
		names: ['content-length', 'transfer-encoding', 'te', 'trailer'],
		shown: 'Content-Length, Transfer-Encoding, TE, Trailer',
		reason: 'the HTTP client frames the body itself',
	},
	{
		names: ['connection', 'keep-alive', 'upgrade', 'expect'],
		shown: 'Connection, Keep-Alive, Upgrade, Expect',
		reason: 'the HTTP client manages the connection',
	},
	{
		names: ['constructor', '__proto__'],
		shown: 'constructor, __proto__',
		reason: 'these names are not supported by the client',
	},
];

/** Headers the transport itself sets on every request (a subset of the refused ones), whoever builds the request. */
export const CLIENT_OWNED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'host']);

/** An RFC 9110 token (a header name, a media type's type and subtype), as regular expression source. */
export const HTTP_TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** An HTTP field name. */
export const HEADER_NAME_PATTERN = new RegExp(`^${HTTP_TOKEN}$`);
export const HEADER_NAME_RULE = 'letters, digits and - (e.g. X-Request-Id)';
/** A list of header names (or *) separated by commas, e.g. the response headers to keep. */
export const HEADER_NAME_LIST_PATTERN = new RegExp(`^(\\*|${HTTP_TOKEN})(\\s*,\\s*(\\*|${HTTP_TOKEN}))*$`);
export const HEADER_NAME_LIST_RULE = 'header names separated by commas, or *';
/** A media type (type/subtype, parameters after ";"), as a body's content type. */
export const MEDIA_TYPE_PATTERN = new RegExp(`^${HTTP_TOKEN}/${HTTP_TOKEN}(\\s*;[^\\p{Cc}]*)?$`, 'u');
export const MEDIA_TYPE_RULE = 'a media type such as text/plain; charset=utf-8';
/** Control characters but tab: CR/LF/NUL would split or end the header. */
const HEADER_VALUE_CONTROL = /(?!\t)\p{Cc}/u;
const BEYOND_LATIN_1 = /[\u0100-\u{10FFFF}]/u;

/** The rule refusing `name` (any case), if one does. */
function refusedHeaderRule(name: string): RefusedHeaderRule | undefined {
	const lower = name.toLowerCase();
	return REFUSED_INVOKE_HEADERS.find(
		(rule) => rule.names.includes(lower) || (rule.prefixes ?? []).some((prefix) => lower.startsWith(prefix)),
	);
}

/** What is wrong with one caller header, naming it (never quoting the value: it may hold an API key). */
export interface HeaderProblem {
	part: 'name' | 'value';
	message: string;
	/** What is allowed (VertexValidationError's rule). */
	rule: string;
}

/** What a header value may be. */
export const HEADER_VALUE_RULE = 'one line of Latin-1 text, without control characters';

/** Checks one header against the policy; undefined when it may be sent. */
export function invokeHeaderProblem(name: string, value: unknown): HeaderProblem | undefined {
	if (typeof name !== 'string' || !HEADER_NAME_PATTERN.test(name)) {
		return { part: 'name', message: `Header name ${quoteForMessage(name)} is not valid: use ${HEADER_NAME_RULE}.`, rule: HEADER_NAME_RULE };
	}
	const refused = refusedHeaderRule(name);
	if (refused) {
		return {
			part: 'name',
			message: `The ${name} header cannot be set on an invoke request: ${refused.reason}.`,
			rule: `a header other than ${refused.shown}`,
		};
	}
	if (typeof value !== 'string' || HEADER_VALUE_CONTROL.test(value)) {
		return {
			part: 'value',
			message: `The value of header ${name} must be one line of text, without line breaks or control characters.`,
			rule: HEADER_VALUE_RULE,
		};
	}
	if (BEYOND_LATIN_1.test(value)) {
		return {
			part: 'value',
			message: `The value of header ${name} has characters beyond Latin-1 (such as emoji or most non-Latin scripts), which an HTTP header cannot carry: percent-encode or base64 the value.`,
			rule: HEADER_VALUE_RULE,
		};
	}
	return undefined;
}

/** True when `value` may be a header value (a content type, say): one line of Latin-1 text. */
export function isHeaderValue(value: unknown): value is string {
	return typeof value === 'string' && !HEADER_VALUE_CONTROL.test(value) && !BEYOND_LATIN_1.test(value);
}

// paths (the grammar itself is lib/invoke/path.ts; these are its parts the node's editor shows)

/** A path as the editor reads it: "/" first, one line. The full grammar is checked by the core. */
export const INVOKE_PATH_LINE = /^\/[^\p{Cc}]*$/u;
/** What the core's path grammar allows, in the user's words (the whole grammar is lib/invoke/path.ts). */
export const INVOKE_PATH_RULE =
	'a path starting with "/" that names a route of the model server (e.g. "/v1/chat/completions"), without "." or ".." segments, empty segments, "?", "#", backslashes or encoded slashes';
export const INVOKE_PATH_LINE_RULE = 'a path starting with "/", on one line, e.g. /v1/chat/completions';

/** A "%" that starts no %XX escape (source): the path grammar refuses it. */
export const LONE_PERCENT = '%(?![0-9A-Fa-f]{2})';

/**
 * The refusals of the path grammar that a pattern over the raw text can see, each with what it stands for. Not
 * seen here (checked by the core only): control characters (the editor's one-line check sees raw ones), invalid
 * UTF-8 escapes, double-encoded characters, unpaired surrogates and the length limit.
 */
export const INVOKE_PATH_REFUSALS: ReadonlyArray<{ pattern: string; refuses: string }> = [
	{ pattern: '^(?!/)', refuses: 'a path that does not start with "/"' },
	{ pattern: '^/$', refuses: 'the root "/"' },
	{ pattern: '//', refuses: 'empty segments' },
	{ pattern: String.raw`/(?:\.|%2[eE]){1,2}(?:[/;]|$)`, refuses: '"." and ".." segments, also as %2e' },
	{ pattern: String.raw`[?#\\]`, refuses: 'a query string, a fragment, a backslash' },
	{ pattern: '%(?:2[fF]|5[cC])', refuses: 'an encoded slash or backslash' },
	{ pattern: LONE_PERCENT, refuses: 'a "%" that starts no escape' },
];

/** One regular expression (source, no flags) that matches a path the core refuses, for an editor check. */
export const INVOKE_REFUSED_PATH_PATTERN = INVOKE_PATH_REFUSALS.map((refusal) => refusal.pattern).join('|');
