/** Everything the emulator's handlers share for one running instance. */
import type { FaultRegistry } from './faults';
import type { ImageRegistry } from './images';
import type { ModelServerProcess } from './modelServers';
import type { OperationStore } from './operations';
import type { RequestLog } from './requestLog';
import type { ResourceStore } from './resources';
import type { TokenIssuer } from './tokens';

export type ApiVersion = 'v1' | 'v1beta1';

export interface EmulatorContext {
	projectId: string;
	projectNumber: string;
	location: string;
	operationStepMs: number;
	dnsDelayMs: number;
	stopGraceMs: number;
	store: ResourceStore;
	scaleToZero: ScaleToZeroSettings;
	operations: OperationStore;
	faults: FaultRegistry;
	requestLog: RequestLog;
	images: ImageRegistry;
	tokens: TokenIssuer;
	/** Every model-server process still running, with the deployed model it serves. */
	processes: Map<ModelServerProcess, string>;
	log: (line: string) => void;
	/** True once close() has begun. */
	readonly closing: boolean;
	/** Runs work in the background; close() waits for all of it. */
	background: (task: () => Promise<void>) => void;
	/** Waits (between operation steps, for delay faults); ends early when the emulator closes. */
	pause: (ms: number) => Promise<void>;
}

/** How scale to zero plays out here (see README "Scale to zero"). */
export interface ScaleToZeroSettings {
	/** Multiplies ScaleToZeroSpec's periods (300 s minimum): 0.01 makes 5 minutes 3 s. */
	timeScale: number;
	/** Extra time a cold start takes before the model server is started (the node being provisioned). */
	coldStartMs: number;
	/** A request to a scaled-down deployment: `queue` waits for the cold start, `error` answers 503 UNAVAILABLE at once (and starts one). */
	requests: 'queue' | 'error';
}

/** One parsed control-plane call, already checked against its request message (canonical proto3 JSON). */
export interface ApiCall {
	version: ApiVersion;
	method: string;
	/** The request path as the client sent it. */
	path: string;
	/** The fields the path binds (`name`, `parent`, `endpoint.name`...), percent-decoded. */
	vars: Record<string, string>;
	/** The query's request fields by JSON name; system parameters ($alt, prettyPrint...) left out. */
	query: URLSearchParams;
	/** The body as its message: the request minus path fields for body "*", the bound field's message otherwise, {} for none. */
	body: Record<string, unknown>;
}

export function typeUrl(version: ApiVersion, message: string): string {
	return `type.googleapis.com/google.cloud.aiplatform.${version}.${message}`;
}
