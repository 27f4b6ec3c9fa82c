/** What reached a model server and what the emulator turned away, for tests to prove what got through. */

export interface ForwardedEntry {
	outcome: 'forwarded';
	at: string;
	method: string;
	/** The path the model server saw. */
	path: string;
	query: string;
	endpointId: string;
	deployedModelId: string;
	headerNames: string[];
	status?: number;
}

export interface RejectedEntry {
	outcome: 'rejected';
	at: string;
	method: string;
	/** The path the client called on the emulator. */
	path: string;
	query: string;
	status: number;
	reason: string;
}

export type RequestLogEntry = ForwardedEntry | RejectedEntry;

const MAX_ENTRIES = 10_000;

export class RequestLog {
	private entries: RequestLogEntry[] = [];

	add(entry: RequestLogEntry): void {
		this.entries.push(entry);
		// Long benchmark runs must not grow memory without bound.
		if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
	}

	list(outcome?: string): RequestLogEntry[] {
		return outcome ? this.entries.filter((entry) => entry.outcome === outcome) : [...this.entries];
	}

	clear(): void {
		this.entries = [];
	}
}
