/**
 * Where requests go, and where a bearer token may go. Every URL the core builds or receives passes
 * through here before a token is attached to it.
 */
import { VertexValidationError } from './errors';

const LOCATION_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MULTI_REGIONS = new Set(['us', 'eu']);
/** Google-owned domains a bearer token may be sent to. */
const TRUSTED_HOST_SUFFIXES = ['.googleapis.com', '.vertexai.goog'];

export function assertLocation(location: string, field = 'location'): string {
	if (typeof location !== 'string' || !LOCATION_PATTERN.test(location)) {
		throw new VertexValidationError(
			`Location "${String(location)}" is not valid: use a Vertex AI region such as "us-central1" or "europe-west4", or "global", "us", "eu".`,
			field,
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
		throw new VertexValidationError(`"${value}" is not an absolute URL (expected https://host[:port][/path]).`, field);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new VertexValidationError(`${field} must use https:// (or http:// on a loopback address).`, field);
	}
	if (url.username || url.password) {
		throw new VertexValidationError(`${field} must not carry a user name or password.`, field);
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		throw new VertexValidationError(
			`${field} uses http:// on "${url.hostname}": plain http is only allowed on loopback addresses (127.0.0.0/8, ::1, localhost); use https://.`,
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
		throw new VertexValidationError(`${field} must not contain a query string or fragment.`, field);
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
			`The endpoint's dedicatedEndpointDns "${dns}" is not a host name.`,
			'endpoint.dedicatedEndpointDns',
		);
	}
	return `https://${host}`;
}

/**
 * Decides whether a bearer token may be attached to a URL: Google's API domains over https, or the
 * origins the user configured (custom API base). http:// is only ever allowed on loopback.
 */
export class TokenHostPolicy {
	private readonly configuredOrigins: Set<string>;

	constructor(configuredBaseUrls: Array<string | undefined> = []) {
		this.configuredOrigins = new Set(
			configuredBaseUrls.filter((value): value is string => !!value).map((value) => new URL(value).origin),
		);
	}

	/** Throws a VertexValidationError (field `url`) when the token must not go to this URL. */
	assertAllowed(target: string): URL {
		let url: URL;
		try {
			url = new URL(target);
		} catch {
			throw new VertexValidationError(`Refusing to send a request to "${target}": not an absolute URL.`, 'url');
		}
		if (this.configuredOrigins.has(url.origin)) return url;
		if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
			throw new VertexValidationError(
				`Refusing to send credentials over plain http to "${url.host}": http:// is only allowed on loopback addresses.`,
				'url',
			);
		}
		const host = url.hostname.toLowerCase();
		const trusted =
			url.protocol === 'https:' && TRUSTED_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
		if (!trusted) {
			throw new VertexValidationError(
				`Refusing to send credentials to "${url.origin}": a token is only sent to https://*.googleapis.com, https://*.vertexai.goog or the configured API base URL.`,
				'url',
			);
		}
		return url;
	}
}
