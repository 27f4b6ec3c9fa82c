/**
 * What reached a model server and what the emulator turned away, for tests to prove what got through, and which of
 * its listeners each request came in on (so a test can tell a call through the PSC address from one to a public host).
 */
import type { IncomingMessage } from 'node:http';

/**
 * The listener a request came in on, as Vertex's hosts go: `api` the public API host (the main listener by any Host
 * that is not a dedicated DNS name, or the regional one), `dedicated` an endpoint's public dedicated DNS name (its
 * own listener, or that Host on the main one), `psc` the Private Service Connect TLS listener.
 */
export type ServedBy = 'api' | 'dedicated' | 'psc';

export interface ForwardedEntry {
	outcome: 'forwarded';
	at: string;
	listener: ServedBy;
	method: string;
	/** The path the model server saw. */
	path: string;
	query: string;
	endpointId: string;
	deployedModelId: string;
	headerNames: string[];
	status?: number;
	/** The request body as UTF-8 text, its first MAX_BODY_BYTES bytes, when the log keeps bodies (`logRequestBodies`). */
	body?: string;
}

export interface RejectedEntry {
	outcome: 'rejected';
	at: string;
	listener: ServedBy;
	method: string;
	/** The path the client called on the emulator. */
	path: string;
	query: string;
	status: number;
	reason: string;
}

export type RequestLogEntry = ForwardedEntry | RejectedEntry;

const MAX_ENTRIES = 10_000;
/** Enough for a chat prompt with its retrieved documents; a benchmark's large bodies are cut, not kept whole. */
export const MAX_BODY_BYTES = 65_536;

/** An entry as its writer knows it: the listener is the one its request was noted with (see arrived). */
export type NewEntry = Omit<ForwardedEntry, 'listener'> | Omit<RejectedEntry, 'listener'>;

export class RequestLog {
	private entries: RequestLogEntry[] = [];
	private readonly listeners = new WeakMap<IncomingMessage, ServedBy>();

	/** `keepBodies`: forwarded entries keep what the model server was sent (for tests; off by default). */
	constructor(private readonly keepBodies = false) {}

	/** Notes the listener `req` came in on, before anything about it is logged. */
	arrived(req: IncomingMessage, listener: ServedBy): void {
		this.listeners.set(req, listener);
	}

	/** Logs `entry`; a forwarded one with the `body` sent on, when the log keeps bodies. */
	add(req: IncomingMessage, entry: NewEntry, body?: Buffer): void {
		// The same object, not a copy: a forwarded entry gets its status once the model server answers.
		const logged = Object.assign(entry, { listener: this.listeners.get(req) ?? 'api' }) as RequestLogEntry;
		if (this.keepBodies && body !== undefined && logged.outcome === 'forwarded') logged.body = body.subarray(0, MAX_BODY_BYTES).toString('utf8');
		this.entries.push(logged);
		// Long benchmark runs must not grow memory without bound.
		if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
	}

	/** The entries, or those of one outcome and/or one listener. */
	list(outcome?: string, listener?: string): RequestLogEntry[] {
		return this.entries.filter((entry) => (!outcome || entry.outcome === outcome) && (!listener || entry.listener === listener));
	}

	clear(): void {
		this.entries = [];
	}
}
