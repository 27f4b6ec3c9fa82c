/**
 * Host routing as Vertex does it: the regional host `{location}-aiplatform.googleapis.com` serves the
 * control plane, a dedicated endpoint's DNS name serves that endpoint's data plane, and each refuses the
 * other's calls. Here a request reaches a host by its Host header on the main listener, or by the
 * listener it came in on (one that is always the regional host, one per dedicated endpoint). Any other
 * Host (127.0.0.1, localhost, a Private Service Connect name) reaches both, path-based, for simple clients.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './googleErrors';
import type { ServedBy } from './requestLog';
import { usesPrivateServiceConnect, type EndpointRecord, type ResourceStore } from './resources';

/** Where a connection came in: the main listener, the regional one, or one dedicated endpoint's. */
export type Listener = { kind: 'main' } | { kind: 'regional' } | { kind: 'dedicated'; endpointId: string } | { kind: 'psc' };

/** `psc`: the TLS listener that plays the Private Service Connect address (the data plane of PSC endpoints only). */
export type HostRole = { kind: 'regional'; host: string } | { kind: 'dedicated'; host: string; endpointId: string } | { kind: 'both' } | { kind: 'psc' };

/** The control plane's host for a location, as Vertex names it (the discovery document's locational endpoints). */
export function regionalHost(location: string): string {
	if (location === 'global') return 'aiplatform.googleapis.com';
	if (location === 'us' || location === 'eu') return `aiplatform.${location}.rep.googleapis.com`;
	return `${location}-aiplatform.googleapis.com`;
}

const DEDICATED_SUFFIX = '.prediction.vertexai.goog';

function hostName(req: IncomingMessage): string {
	return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

export function hostRole(req: IncomingMessage, listener: Listener, store: ResourceStore): HostRole {
	if (listener.kind === 'psc') return { kind: 'psc' };
	if (listener.kind === 'regional') return { kind: 'regional', host: regionalHost(store.location) };
	if (listener.kind === 'dedicated') {
		const endpoint = store.endpoints.get(listener.endpointId);
		return { kind: 'dedicated', host: endpoint ? store.dedicatedDns(endpoint) : listener.endpointId, endpointId: listener.endpointId };
	}
	const host = hostName(req);
	if (host === regionalHost(store.location)) return { kind: 'regional', host };
	if (host.endsWith(DEDICATED_SUFFIX)) {
		const endpoint = [...store.endpoints.values()].find((e) => store.hasPublicDns(e) && store.dedicatedDns(e) === host);
		// No such name resolves: the nearest a local server can answer is "not found".
		if (!endpoint) throw new ApiError('NOT_FOUND', `No dedicated endpoint has the domain name ${host}.`);
		return { kind: 'dedicated', host, endpointId: endpoint.id };
	}
	return { kind: 'both' };
}

/** Which listener, as the request log names it (see ServedBy), a request on `listener` came in on. */
export function servedBy(req: IncomingMessage, listener: Listener): ServedBy {
	if (listener.kind === 'psc' || listener.kind === 'dedicated') return listener.kind;
	return listener.kind === 'main' && hostName(req).endsWith(DEDICATED_SUFFIX) ? 'dedicated' : 'api';
}

/** A control-plane call must reach the regional host (or a host that serves both). */
export function checkControlPlaneHost(role: HostRole, path: string): void {
	if (role.kind === 'dedicated' || role.kind === 'psc') throw new ApiError('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
}

/**
 * A data-plane call on a dedicated endpoint must come through its DNS name; on the shared regional host
 * Vertex answers FAILED_PRECONDITION (message as recorded from Vertex). A dedicated name serves only its
 * own endpoint.
 */
export function checkDataPlaneHost(role: HostRole, endpoint: EndpointRecord, store: ResourceStore, path: string): void {
	const psc = usesPrivateServiceConnect(endpoint);
	// The PSC address serves PSC endpoints only; a PSC endpoint is private unless its public DNS is kept.
	if (role.kind === 'psc') {
		if (!psc) throw new ApiError('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
		return;
	}
	if (psc && !store.hasPublicDns(endpoint)) {
		throw new ApiError('FAILED_PRECONDITION', `Endpoint ${store.endpointName(endpoint.id)} uses Private Service Connect: reach it through its PSC endpoint address, not a public host.`);
	}
	if (role.kind === 'regional' && endpoint.spec.dedicatedEndpointEnabled === true) {
		throw new ApiError(
			'FAILED_PRECONDITION',
			`Dedicated Endpoint cannot be accessed through the shared Vertex AI domain ${role.host}. Please access the endpoint using its dedicated domain name '${store.dedicatedDns(endpoint)}'`,
		);
	}
	if (role.kind === 'dedicated' && role.endpointId !== endpoint.id) throw new ApiError('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
}
