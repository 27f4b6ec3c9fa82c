/** Where invoke calls go for an endpoint without a custom base URL or private address: its dedicated DNS, read from Vertex. */
import type { CallOptions } from '../http';
import { VertexValidationError } from '../errors';
import { dedicatedEndpointBaseUrl } from '../hosts';
import type { ControlPlane } from './controlPlane';
import { isPrivateServiceConnect } from '../schemas/endpoint';
import { assertDedicated, getEndpoint } from './endpoints';

/**
 * `https://{dedicatedEndpointDns}` of the endpoint (GET Endpoint; scheme stripped, never built from ids).
 * Throws VertexValidationError when the endpoint is not dedicated, is a Private Service Connect endpoint without a
 * public DNS name (field `privateEndpoint`: the token is not sent to a name it was not created with), or its DNS is
 * not set yet.
 */
export async function dedicatedInvokeBaseUrl(controlPlane: ControlPlane, endpointName: string, options: CallOptions = {}): Promise<string> {
	const endpoint = await getEndpoint(controlPlane, endpointName, options);
	const dns = endpoint.dedicatedEndpointDns?.trim();
	// A Private Service Connect endpoint answers on the address of its forwarding rule; a public dedicated DNS name
	// exists only when it was created with one (dedicatedEndpointEnabled), so without it the call needs that address.
	if (isPrivateServiceConnect(endpoint) && !(endpoint.dedicatedEndpointEnabled === true && dns)) {
		throw new VertexValidationError(
			`Endpoint ${endpointName} is a Private Service Connect endpoint without a public DNS name: call it through its private address (the forwarding rule's IP address or a private DNS name, with its CA certificate).`,
			'privateEndpoint',
			{ readsSent: true },
		);
	}
	assertDedicated(endpoint);
	if (!dns) {
		throw new VertexValidationError(
			`Endpoint ${endpointName} has no dedicatedEndpointDns yet: it is still being set up. Wait for it (waitForDedicatedEndpointDns), deploy a model, then invoke.`,
			'endpoint',
			{ readsSent: true },
		);
	}
	return dedicatedEndpointBaseUrl(dns);
}
