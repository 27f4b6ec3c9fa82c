/**
 * The one undici Agent every request of the process shares: connections are kept alive between
 * calls, and TCP keep-alive probes keep hour-long invoke calls from being dropped by idle middleboxes.
 */
import { Agent } from 'undici';

import { closePrivateEndpointAgents } from './privateEndpoint';

/** First TCP keep-alive probe after this much silence on a socket (below common 2-5 min NAT idle limits). */
const TCP_KEEPALIVE_INITIAL_DELAY_MS = 30_000;

let shared: Agent | undefined;

export function sharedAgent(): Agent {
	shared ??= new Agent({
		keepAliveTimeout: 30_000,
		keepAliveMaxTimeout: 600_000,
		connect: { keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_INITIAL_DELAY_MS, timeout: 30_000 },
		// Per-request values always win (see VertexTransport); these are only a safety net.
		headersTimeout: 300_000,
		bodyTimeout: 300_000,
	});
	return shared;
}

/** Closes the shared Agent and the private endpoints' Agents (tests, process shutdown). A later request opens new ones. */
export async function closeSharedAgent(): Promise<void> {
	const agent = shared;
	shared = undefined;
	await Promise.all([agent?.close(), closePrivateEndpointAgents()]);
}
