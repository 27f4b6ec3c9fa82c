/** Long-running operations: what GET, :wait and :cancel see while the emulator works in the background. */
import { ApiError, operationStatus } from './googleErrors';
import { newNumericId, timestamp } from './ids';

export interface OperationRecord {
	name: string;
	metadataType: string;
	/** Extra metadata fields, e.g. deploymentStage. */
	metadata: Record<string, unknown>;
	createTime: number;
	updateTime: number;
	done: boolean;
	error?: Record<string, unknown>;
	response?: Record<string, unknown>;
	cancelRequested: boolean;
}

export class OperationStore {
	private readonly operations = new Map<string, OperationRecord>();
	private readonly waiters = new Map<string, Array<() => void>>();

	/** `parent` is the resource the operation lives under, e.g. projects/N/locations/L/endpoints/E. */
	create(parent: string, metadataType: string, metadata: Record<string, unknown> = {}): OperationRecord {
		const now = Date.now();
		const op: OperationRecord = {
			name: `${parent}/operations/${newNumericId()}`,
			metadataType,
			metadata,
			createTime: now,
			updateTime: now,
			done: false,
			cancelRequested: false,
		};
		this.operations.set(op.name, op);
		return op;
	}

	/**
	 * By its full name, or by its location-level name (`projects/{p}/locations/{l}/operations/{id}`), which
	 * Vertex also answers for an operation of a model or endpoint (`gcloud ai operations describe` asks it so).
	 */
	get(name: string): OperationRecord | undefined {
		const exact = this.operations.get(name);
		if (exact) return exact;
		const locationLevel = /^(projects\/[^/]+\/locations\/[^/]+)\/operations\/([^/]+)$/.exec(name);
		if (!locationLevel) return undefined;
		const [, location, id] = locationLevel as unknown as [string, string, string];
		for (const op of this.operations.values()) {
			if (op.name.startsWith(`${location}/`) && op.name.endsWith(`/operations/${id}`)) return op;
		}
		return undefined;
	}

	/** The operations directly under `parent` (not those of its sub-resources), newest first. */
	listUnder(parent: string): OperationRecord[] {
		const prefix = `${parent}/operations/`;
		return [...this.operations.values()].filter((op) => op.name.startsWith(prefix) && !op.name.includes('/', prefix.length)).reverse();
	}

	delete(name: string): boolean {
		return this.operations.delete(name);
	}

	setMetadata(op: OperationRecord, fields: Record<string, unknown>): void {
		Object.assign(op.metadata, fields);
		op.updateTime = Date.now();
	}

	succeed(op: OperationRecord, response: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
		if (op.done) return;
		Object.assign(op.metadata, metadata);
		op.response = response;
		this.finish(op);
	}

	fail(op: OperationRecord, error: ApiError, metadata: Record<string, unknown> = {}): void {
		if (op.done) return;
		Object.assign(op.metadata, metadata);
		op.error = operationStatus(error);
		this.finish(op);
	}

	private finish(op: OperationRecord): void {
		op.done = true;
		op.updateTime = Date.now();
		for (const wake of this.waiters.get(op.name) ?? []) wake();
		this.waiters.delete(op.name);
	}

	/** Resolves when the operation is done or the timeout passes, whichever is first. */
	wait(op: OperationRecord, timeoutMs: number): Promise<void> {
		if (op.done) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(done, timeoutMs);
			const list = this.waiters.get(op.name) ?? [];
			list.push(done);
			this.waiters.set(op.name, list);
			function done(): void {
				clearTimeout(timer);
				resolve();
			}
		});
	}

	/** Wakes every pending :wait, so close() is not held up by long waits. */
	releaseWaiters(): void {
		for (const list of this.waiters.values()) for (const wake of list) wake();
		this.waiters.clear();
	}

	toJson(op: OperationRecord): Record<string, unknown> {
		const json: Record<string, unknown> = {
			name: op.name,
			metadata: {
				'@type': op.metadataType,
				genericMetadata: { createTime: timestamp(op.createTime), updateTime: timestamp(op.updateTime) },
				...op.metadata,
			},
		};
		// proto3 JSON omits `done: false`.
		if (op.done) json.done = true;
		if (op.error) json.error = op.error;
		if (op.response) json.response = op.response;
		return json;
	}
}
