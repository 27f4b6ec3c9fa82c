/**
 * The undici Agents of the process: the one every request shares by default, and one per private endpoint's TLS
 * options. Connections are kept alive between calls, and TCP keep-alive probes keep hour-long invoke calls from
 * being dropped by idle middleboxes.
 */
import { Agent } from 'undici';

/** First TCP keep-alive probe after this much silence on a socket (below common 2-5 min NAT idle limits). */
const TCP_KEEPALIVE_INITIAL_DELAY_MS = 30_000;

/** TLS options of an Agent's connections (a private endpoint's CA, server name, or accepting any certificate). */
export interface AgentTls {
	ca?: string[];
	rejectUnauthorized?: boolean;
	servername?: string;
}

function keepAliveAgent(tls: AgentTls = {}): Agent {
	return new Agent({
		keepAliveTimeout: 30_000,
		keepAliveMaxTimeout: 600_000,
		connect: { ...tls, keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_INITIAL_DELAY_MS, timeout: 30_000 },
		// Per-request values always win (see VertexTransport); these are only a safety net.
		headersTimeout: 300_000,
		bodyTimeout: 300_000,
	});
}

let shared: Agent | undefined;

export function sharedAgent(): Agent {
	shared ??= keepAliveAgent();
	return shared;
}

const keyed = new Map<string, Agent>();
const MAX_KEYED_AGENTS = 32;

/** The Agent for `key` (equal keys for equal `tls`; one per key, shared; the oldest closed past 32). */
export function keyedAgent(key: string, tls: AgentTls): Agent {
	const known = keyed.get(key);
	if (known) return known;
	const agent = keepAliveAgent(tls);
	keyed.set(key, agent);
	if (keyed.size > MAX_KEYED_AGENTS) {
		const [oldestKey, oldest] = keyed.entries().next().value as [string, Agent];
		keyed.delete(oldestKey);
		void oldest.close().catch(() => undefined);
	}
	return agent;
}

/** Closes the shared Agent and the private endpoints' Agents (tests, process shutdown). A later request opens new ones. */
export async function closeSharedAgent(): Promise<void> {
	const open = [shared, ...keyed.values()];
	shared = undefined;
	keyed.clear();
	await Promise.all(open.map((agent) => agent?.close()));
}
