import type { ParameterReader } from './read';
import { keyValuePairs, nameValueMap } from './values';

/**
 * Which request headers a user may set on an invoke call (the Invoke node's "Headers"). Any header is sent as
 * given except these, refused before any request, with the reason:
 */
const REFUSED: Array<{ test: (name: string) => boolean; names: string; reason: string }> = [
	{
		test: (name) => name === 'authorization' || name === 'proxy-authorization',
		names: 'Authorization, Proxy-Authorization',
		reason: 'the node sets the credential\'s token itself',
	},
	{ test: (name) => name === 'host', names: 'Host', reason: 'it is set from the endpoint address' },
	{
		test: (name) => name.startsWith('x-goog-'),
		names: 'X-Goog-* (e.g. X-Goog-User-Project, X-Goog-Api-Key)',
		reason: "Google's front end reads them (billing project, API key, request routing): they would change who is billed or how the call is authorised",
	},
	{
		test: (name) => ['x-http-method-override', 'x-http-method', 'x-method-override'].includes(name),
		names: 'X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override',
		reason: 'invoke calls are POST requests, and a method override would have the server run another method',
	},
	{
		test: (name) => name === 'forwarded' || name.startsWith('x-forwarded-') || name === 'x-real-ip',
		names: 'Forwarded, X-Forwarded-*, X-Real-IP',
		reason: 'they claim where the request came from, which only the proxies on the way may say',
	},
	{
		test: (name) => ['content-length', 'transfer-encoding', 'te', 'trailer'].includes(name),
		names: 'Content-Length, Transfer-Encoding, TE, Trailer',
		reason: 'the HTTP client frames the body itself',
	},
	{
		test: (name) => ['connection', 'keep-alive', 'upgrade', 'expect'].includes(name),
		names: 'Connection, Keep-Alive, Upgrade, Expect',
		reason: 'the HTTP client manages the connection',
	},
	{
		test: (name) => name === 'constructor' || name === '__proto__',
		names: 'constructor, __proto__',
		reason: 'these names are not supported by the client',
	},
];

/** The refused names, for documentation and tests. */
export const REFUSED_HEADER_NAMES = REFUSED.map((rule) => rule.names);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Control characters but tab. */
const CONTROL = /(?!\t)\p{Cc}/u;
const BEYOND_LATIN_1 = /[\u0100-\u{10FFFF}]/u;

/**
 * The "Headers" rows of an item as a map (null prototype) of name to value, every name and value checked, naming
 * the header: a name in HTTP's token form and not refused above, given once (case ignored); a value without line
 * breaks or control characters and within Latin-1 (what an HTTP header can carry). Values are never quoted.
 */
export function requestHeaders(read: ParameterReader, itemIndex: number, path = 'headers.header'): Record<string, string> {
	const pairs = keyValuePairs(read, itemIndex, path, {
		nameField: 'name',
		name: { pattern: HEADER_NAME, rule: 'a header name: letters, digits and - (e.g. X-Request-Id)' },
		ignoreCase: true,
	});
	for (const [name, value] of pairs) {
		const rule = REFUSED.find((refused) => refused.test(name.toLowerCase()));
		if (rule) {
			throw read.error(itemIndex, `${path}.name`, `The header ${name} cannot be set on an invoke request: ${rule.reason}.`);
		}
		if (CONTROL.test(value)) {
			throw read.error(itemIndex, `${path}.value`, `The value of header ${name} must be one line of text, without line breaks or control characters.`);
		}
		if (BEYOND_LATIN_1.test(value)) {
			throw read.error(
				itemIndex,
				`${path}.value`,
				`The value of header ${name} has characters beyond Latin-1 (such as emoji or most non-Latin scripts), which an HTTP header cannot carry: percent-encode or base64 the value.`,
			);
		}
	}
	return nameValueMap(pairs);
}
