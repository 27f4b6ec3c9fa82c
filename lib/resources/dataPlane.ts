/** Where invoke calls go for an endpoint without a custom base URL: its dedicated DNS, read from Vertex. */
import type { CallOptions } from '../http';
import { VertexValidationError } from '../errors';
import { dedicatedEndpointBaseUrl } from '../hosts';
import type { ControlPlane } from './controlPlane';
import { assertDedicated, getEndpoint } from './endpoints';

/**
 * `https://{dedicatedEndpointDns}` of the endpoint (GET Endpoint; scheme stripped, never built from ids).
 * Throws VertexValidationError when the endpoint is not dedicated or its DNS is not set yet.
 */
export async function dedicatedInvokeBaseUrl(controlPlane: ControlPlane, endpointName: string, options: CallOptions = {}): Promise<string> {
	const endpoint = await getEndpoint(controlPlane, endpointName, options);
	assertDedicated(endpoint);
	const dns = endpoint.dedicatedEndpointDns?.trim();
	if (!dns) {
		throw new VertexValidationError(
			`Endpoint ${endpointName} has no dedicatedEndpointDns yet: it is still being set up. Wait for it (waitForDedicatedEndpointDns), deploy a model, then invoke.`,
			'endpoint',
		);
	}
	return dedicatedEndpointBaseUrl(dns);
}
