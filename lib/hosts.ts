/**
 * Where requests go, and where a bearer token may go. Every URL the core builds or receives passes
 * through here before a token is attached to it.
 */
import { fieldRef, messageParts, VertexValidationError } from './errors';
import { LOCATION } from './rules/ids';
import { looksLikeSecret, quoteForMessage } from './secrets';

const MULTI_REGIONS = new Set(['us', 'eu']);
/** Google-owned domains a bearer token may be sent to. */
const TRUSTED_HOST_SUFFIXES = ['.googleapis.com', '.vertexai.goog'];

export function assertLocation(location: string, field = 'location'): string {
	if (typeof location !== 'string' || !LOCATION.pattern.test(location)) {
		throw new VertexValidationError(
			`Location ${quoteForMessage(location)} is not valid: use ${LOCATION.rule}.`,
			field,
			{ rule: LOCATION.rule },
		);
	}
	return location;
}

/** The control-plane origin Google serves a location from. */
export function googleControlPlaneOrigin(location: string): string {
	assertLocation(location);
	if (location === 'global') return 'https://aiplatform.googleapis.com';
	if (MULTI_REGIONS.has(location)) return `https://aiplatform.${location}.rep.googleapis.com`;
	return `https://${location}-aiplatform.googleapis.com`;
}

/** The origin API calls go to: a configured custom base (PSC, emulator) wins over Google's host. */
export function controlPlaneBaseUrl(location: string, apiBaseUrl?: string): string {
	return apiBaseUrl ? normalizeBaseUrl(apiBaseUrl, 'apiBaseUrl') : googleControlPlaneOrigin(location);
}

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
	const octets = host.split('.');
	return (
		octets.length === 4 &&
		octets[0] === '127' &&
		octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
	);
}

function parseUrl(value: string, field: string): URL {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new VertexValidationError(messageParts`${fieldRef(field)} ${quoteForMessage(value)} is not an absolute URL (expected https://host[:port][/path]).`, field);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new VertexValidationError(messageParts`${fieldRef(field)} must use https:// (or http:// on a loopback address).`, field);
	}
	if (url.username || url.password) {
		throw new VertexValidationError(messageParts`${fieldRef(field)} must not carry a user name or password.`, field);
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} uses http:// on ${quoteForMessage(url.hostname)}: plain http is only allowed on loopback addresses (127.0.0.0/8, ::1, localhost); use https://.`,
			field,
		);
	}
	return url;
}

/**
 * A user-configured base URL (API base, token URL, IAM credentials base) as scheme://host[:port][/path],
 * without a trailing slash, query or fragment.
 */
export function normalizeBaseUrl(value: string, field: string): string {
	const url = parseUrl(value.trim(), field);
	// `url.search` is empty for a bare trailing "?": look at the text too.
	if (url.search || url.hash || /[?#]/.test(value)) {
		throw new VertexValidationError(messageParts`${fieldRef(field)} must not contain a query string or fragment.`, field);
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** A full user-configured URL (the token endpoint), scheme and host checked, kept otherwise verbatim. */
export function normalizeEndpointUrl(value: string, field: string): string {
	return parseUrl(value.trim(), field).toString();
}

/**
 * The host of a dedicated endpoint as Vertex reports it (a bare host, sometimes with an accidental
 * scheme or trailing slash). Never built from ids: Vertex decides it.
 */
export function dedicatedEndpointBaseUrl(dns: string): string {
	const host = dns
		.trim()
		.replace(/^https?:\/\//i, '')
		.replace(/\/+$/, '');
	if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) {
		throw new VertexValidationError(
			`The endpoint's dedicatedEndpointDns ${quoteForMessage(dns)} is not a host name.`,
			'endpoint.dedicatedEndpointDns',
			// Only ever read from the endpoint Vertex gave back.
			{ readsSent: true },
		);
	}
	return `https://${host}`;
}

/** What a private address is, for messages. */
export const PRIVATE_ADDRESS_RULE =
	'an IP address (10.128.0.3, [fd00::3]) or a DNS name (vertex-psc.internal), optionally with :port, without a path';

/**
 * The data-plane origin of a Private Service Connect address the user names: the forwarding rule's IP or a private
 * DNS name pointing at it, as https://host[:port]. Only https: a PSC endpoint always answers over TLS. An
 * `https://` prefix and a trailing slash are tolerated (pasted from a browser); a path, query or user is refused.
 */
export function privateAddressOrigin(address: string, field: string): string {
	const refuse = (problem: string) =>
		new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(address)} ${problem}: use ${PRIVATE_ADDRESS_RULE}.`,
			field,
			{ rule: PRIVATE_ADDRESS_RULE },
		);
	if (typeof address !== 'string' || address.trim() === '') throw refuse('is empty');
	const text = address.trim();
	if (looksLikeSecret(text)) throw refuse('looks like a key or token, not an address');
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/^https:\/\//i.test(text)) throw refuse('is not https (a private endpoint only answers over TLS)');
	const hostAndPort = text.replace(/^https:\/\//i, '').replace(/\/$/, '');
	// Letters, digits, "-" and "." for names and IPv4; a bracketed IPv6 literal; then an optional port.
	if (!/^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(hostAndPort)) {
		throw refuse('is not a host name or IP address');
	}
	let url: URL;
	try {
		url = new URL(`https://${hostAndPort}`);
	} catch {
		throw refuse('is not a host name or IP address');
	}
	if (url.port !== '' && Number(url.port) === 0) throw refuse('has port 0');
	return url.origin;
}

/** Where a bearer token may go: refuses (VertexValidationError, field `url`) a URL it must not be attached to. */
export interface TokenDestinationPolicy {
	assertAllowed(target: string): URL;
}

function parseTarget(target: string): URL {
	try {
		return new URL(target);
	} catch {
		throw new VertexValidationError(`Refusing to send a request to ${quoteForMessage(target)}: not an absolute URL.`, 'url');
	}
}

/**
 * The data plane of a Private Service Connect address: the token goes to that one origin (https, the port included)
 * and nowhere else, not even to Google's hosts. Control-plane calls never use this policy.
 */
export class PrivateAddressPolicy implements TokenDestinationPolicy {
	constructor(readonly origin: string) {}

	assertAllowed(target: string): URL {
		const url = parseTarget(target);
		if (url.protocol !== 'https:' || url.origin !== this.origin) {
			throw new VertexValidationError(
				`Refusing to send credentials to ${quoteForMessage(url.origin)}: this client's data-plane calls go only to the named private address ${this.origin}.`,
				'url',
			);
		}
		return url;
	}
}

/**
 * Decides whether a bearer token may be attached to a URL: Google's API domains over https, or the
 * origins the user configured (custom API base). http:// is only ever allowed on loopback.
 */
export class TokenHostPolicy implements TokenDestinationPolicy {
	private readonly configuredOrigins: Set<string>;

	constructor(configuredBaseUrls: Array<string | undefined> = []) {
		this.configuredOrigins = new Set(
			configuredBaseUrls.filter((value): value is string => !!value).map((value) => new URL(value).origin),
		);
	}

	/** Throws a VertexValidationError (field `url`) when the token must not go to this URL. */
	assertAllowed(target: string): URL {
		const url = parseTarget(target);
		if (this.configuredOrigins.has(url.origin)) return url;
		if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
			throw new VertexValidationError(
				`Refusing to send credentials over plain http to ${quoteForMessage(url.host)}: http:// is only allowed on loopback addresses.`,
				'url',
			);
		}
		const host = url.hostname.toLowerCase();
		const trusted =
			url.protocol === 'https:' && TRUSTED_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
		if (!trusted) {
			throw new VertexValidationError(
				`Refusing to send credentials to ${quoteForMessage(url.origin)}: a token is only sent to https://*.googleapis.com, https://*.vertexai.goog or the configured API base URL.`,
				'url',
			);
		}
		return url;
	}
}

/** A segment's text once percent-decoded, or undefined when its escapes are not valid UTF-8. */
function decodedSegment(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

/** What is wrong with a (decoded) path segment: a dot segment, a slash or backslash inside it, a control character. */
function segmentProblem(decoded: string): string | undefined {
	const beforeParameters = decoded.split(';', 1)[0];
	if (beforeParameters === '.' || beforeParameters === '..') return 'a dot segment';
	if (decoded.includes('/') || decoded.includes('\\')) return 'an encoded slash or backslash';
	if (/\p{Cc}/u.test(decoded)) return 'a control character';
	return undefined;
}

/**
 * The one check every URL the client builds passes before it is sent (control plane, operations, invoke): parsed
 * with the WHATWG URL parser, it must come out exactly as built (so no dot segment, raw or as %2e, was resolved, no
 * backslash turned into a slash, nothing re-encoded or stripped), carry no query or fragment, start with
 * `expectedPrefix` (`{base}/v1/projects/{p}/locations/{l}/`), and hold no empty, dot, encoded-slash or control
 * segment after it, even once decoded twice. Query parameters are added after this check (withQuery).
 * Throws VertexValidationError naming `field`.
 */
export function assertRequestUrl(url: string, expectedPrefix: string, field: string): string {
	const refuse = (problem: string) =>
		new VertexValidationError(
			messageParts`${fieldRef(field)} would change where the request goes (${problem}); use the resource's id or its full name as Vertex AI gives it.`,
			field,
		);
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw refuse('the URL built from it does not parse');
	}
	if (/[?#]/.test(url) || parsed.search || parsed.hash) throw refuse('it would add a query string or fragment');
	if (parsed.href !== url) throw refuse('the URL parser would rewrite the path built from it');
	if (!url.startsWith(expectedPrefix)) throw refuse(`the path would leave ${new URL(expectedPrefix).pathname}`);
	const segments = url.slice(expectedPrefix.length).split('/');
	for (const [index, segment] of segments.entries()) {
		if (segment === '') {
			// One trailing slash is a route of its own (invoke paths); empty segments elsewhere are not.
			if (index === segments.length - 1 && index > 0) continue;
			throw refuse('an empty path segment');
		}
		const once = decodedSegment(segment);
		if (once === undefined) throw refuse('a malformed percent escape');
		const twice = once.includes('%') ? (decodedSegment(once) ?? once) : once;
		const problem = segmentProblem(once) ?? segmentProblem(twice);
		if (problem) throw refuse(problem);
	}
	return url;
}
