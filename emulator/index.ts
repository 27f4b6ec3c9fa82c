/** The local Vertex AI emulator: `startEmulator(options)` for tests and tools; emulator/cli.ts for people. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { processList } from './admin';
import type { EmulatorContext } from './context';
import { Deployments } from './deployments';
import { requireEndpoint } from './endpointsApi';
import { FaultRegistry, type FaultRule } from './faults';
import { ApiError } from './googleErrors';
import { regionalHost } from './hosts';
import { randomDigits } from './ids';
import { BUILT_IN_IMAGE, ImageRegistry, type ImageSpec } from './images';
import { Listeners } from './listeners';
import { DEFAULT_STOP_GRACE_MS } from './modelServers';
import { OperationStore } from './operations';
import { RequestLog, type RequestLogEntry } from './requestLog';
import { ResourceStore } from './resources';
import { Router } from './router';
import { prepareServiceAccount } from './serviceAccount';
import { TokenIssuer } from './tokens';
import { generateTlsIdentity } from './x509';

export { BUILT_IN_IMAGE, FALLBACK_IMAGE_KEY, type ImageSpec } from './images';
export { FAULT_KINDS, type FaultKind, type FaultRule } from './faults';
export type { RequestLogEntry, ForwardedEntry, RejectedEntry } from './requestLog';

export interface EmulatorOptions {
	/** 0 (the default) picks a free port. The emulator always binds 127.0.0.1. */
	port?: number;
	/** The port of the listener that is always the regional host; 0 (the default) picks a free one. */
	regionalPort?: number;
	/** Where the service-account key file goes; a fresh temp dir (removed on close) when absent. */
	stateDir?: string;
	/** Image URI -> local command line, an ImageSpec, or http://127.0.0.1:PORT of a running server. */
	images?: Record<string, string | ImageSpec>;
	tokenLifetimeSeconds?: number;
	projectId?: string;
	/** 12 digits; random when absent. */
	projectNumber?: string;
	location?: string;
	/** How long a new dedicated endpoint reports no `dedicatedEndpointDns`. */
	dnsDelayMs?: number;
	/** Time between deploy stages and before quick operations finish. */
	operationStepMs?: number;
	/** Multiplies scale-to-zero periods (default 1; 0.01 makes the 5 minute minimum 3 s). */
	scaleToZeroTimeScale?: number;
	/** Extra time a cold start from zero replicas takes before the model server starts (default 0). */
	coldStartMs?: number;
	/** A request to a deployment scaled to zero: `queue` (default) waits for a replica, `error` gets 503 UNAVAILABLE and starts one. */
	scaleToZeroRequests?: 'queue' | 'error';
	/** Port of the Private Service Connect TLS listener (0, the default: any free one). */
	pscPort?: number;
	/** Whether a PSC endpoint that is also dedicated keeps its public dedicated DNS name (default false: PSC only). */
	pscPublicDedicatedDns?: boolean;
	/** Whether the request log keeps what each forwarded request sent the model server (its first 64 KiB). */
	logRequestBodies?: boolean;
	/** Grace between SIGTERM and SIGKILL when a model server is stopped. */
	stopGraceMs?: number;
	log?: (line: string) => void;
}

export interface RunningEmulator {
	/** Routes by Host header (the regional host, a dedicated endpoint's DNS name); any other Host reaches both planes. */
	baseUrl: string;
	/** Always the regional host `{location}-aiplatform.googleapis.com`: the control plane, and no dedicated endpoint's data plane. */
	regionalUrl: string;
	/** The host name the emulator plays for the control plane. */
	regionalHost: string;
	tokenUrl: string;
	serviceAccountKeyFile: string;
	clientEmail: string;
	projectId: string;
	projectNumber: string;
	location: string;
	stateDir: string;
	/** The metadata server's base URL (the emulator itself) and the host:port form GCE_METADATA_HOST wants. */
	metadataUrl: string;
	metadataHost: string;
	/** Base URL to give google-auth-library's Impersonated client as `endpoint`. */
	iamCredentialsBaseUrl: string;
	builtInImage: string;
	/** The Private Service Connect listener, https://127.0.0.1:PORT: the data plane of PSC endpoints, over TLS. */
	pscUrl: string;
	/** The CA that signed the PSC listener's certificate (PEM), made at start; also written to pscCaFile. */
	pscCaCertificate: string;
	pscCaFile: string;
	tokensMinted(): number;
	processes(): Array<{ pid: number | undefined; deployedModelId: string }>;
	requestLog(outcome?: 'forwarded' | 'rejected'): RequestLogEntry[];
	addFault(rule: Partial<FaultRule> & { kind: FaultRule['kind'] }): FaultRule;
	clearFaults(): void;
	/** A listener that is always this dedicated endpoint's DNS name (its data plane only), opened on first use. */
	dedicatedEndpointUrl(endpointId: string): Promise<string>;
	close(): Promise<void>;
}

const DEFAULT_LOCATION = 'us-central1';
const DEFAULT_PROJECT_ID = 'emulator-project';

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
	const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
	const projectNumber = options.projectNumber ?? randomDigits(12);
	const location = options.location ?? DEFAULT_LOCATION;
	if (!/^[1-9][0-9]{11}$/.test(projectNumber)) throw new Error('projectNumber must be 12 digits without a leading zero');
	if (!/^[a-z][a-z0-9-]*$/.test(projectId)) throw new Error('projectId must be lower-case letters, digits and hyphens');
	if (!/^[a-z][a-z0-9-]*$/.test(location)) throw new Error('location must look like us-central1');
	const ownStateDir = options.stateDir === undefined;
	const stateDir = options.stateDir ? path.resolve(options.stateDir) : mkdtempSync(path.join(tmpdir(), 'vertex-emulator-'));
	mkdirSync(stateDir, { recursive: true });
	const log = options.log ?? (() => undefined);

	const pending = new Set<Promise<void>>();
	const shutdown = new AbortController();
	const ctx: EmulatorContext = {
		projectId,
		projectNumber,
		location,
		operationStepMs: options.operationStepMs ?? 1000,
		dnsDelayMs: options.dnsDelayMs ?? 0,
		stopGraceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
		store: new ResourceStore(projectNumber, location, options.pscPublicDedicatedDns ?? false),
		scaleToZero: { timeScale: options.scaleToZeroTimeScale ?? 1, coldStartMs: options.coldStartMs ?? 0, requests: options.scaleToZeroRequests ?? 'queue' },
		operations: new OperationStore(),
		faults: new FaultRegistry(),
		requestLog: new RequestLog(options.logRequestBodies ?? false),
		images: new ImageRegistry(options.images),
		tokens: new TokenIssuer(options.tokenLifetimeSeconds ?? 3600),
		processes: new Map(),
		log,
		get closing() {
			return shutdown.signal.aborted;
		},
		background: (task) => {
			const running = task().catch((error: unknown) => log(`background task failed: ${error instanceof Error ? error.message : String(error)}`));
			pending.add(running);
			void running.finally(() => pending.delete(running));
		},
		pause: (ms) =>
			new Promise((resolve) => {
				if (shutdown.signal.aborted) return resolve();
				const timer = setTimeout(done, ms);
				shutdown.signal.addEventListener('abort', done, { once: true });
				function done(): void {
					clearTimeout(timer);
					shutdown.signal.removeEventListener('abort', done);
					resolve();
				}
			}),
	};

	// The router needs the key file, which needs the token URL, so it comes after the first listener; nothing
	// knows the port before startEmulator returns, but a stray early request gets a 503 rather than a crash.
	let router: Router | undefined;
	const listeners = new Listeners((req, res, listener) => {
		if (router) router.handle(req, res, listener);
		else res.writeHead(503).end();
	});
	const baseUrl = await listeners.open({ kind: 'main' }, options.port ?? 0);
	const regionalUrl = await listeners.open({ kind: 'regional' }, options.regionalPort ?? 0);
	// Private Service Connect: a TLS listener with a certificate from a CA made at this start, for the
	// loopback address (the PSC endpoint's IP here) and the endpoints' private DNS names.
	const pscTls = generateTlsIdentity(['127.0.0.1', 'localhost', `*.${location}-${projectNumber}.prediction.vertexai.goog`]);
	const pscUrl = await listeners.openTls({ kind: 'psc' }, options.pscPort ?? 0, { cert: pscTls.certPem, key: pscTls.keyPem });
	const pscCaFile = path.join(stateDir, 'psc-ca.pem');
	writeFileSync(pscCaFile, pscTls.caPem);
	const port = Number(new URL(baseUrl).port);
	const tokenUrl = `${baseUrl}/token`;
	const account = prepareServiceAccount(stateDir, projectId, tokenUrl);
	const deployments = new Deployments(ctx);

	const stopAllProcesses = async (): Promise<void> => {
		await Promise.all([...ctx.processes.keys()].map((process) => process.stop(ctx.stopGraceMs)));
		ctx.processes.clear();
	};
	const dedicatedEndpointUrl = async (endpointId: string): Promise<string> => {
		const endpoint = requireEndpoint(ctx, endpointId);
		if (!ctx.store.hasPublicDns(endpoint)) {
			throw new ApiError('FAILED_PRECONDITION', `Endpoint ${ctx.store.endpointName(endpointId)} is not a dedicated endpoint: it has no DNS name of its own.`);
		}
		return listeners.dedicatedUrl(endpointId);
	};
	const facts = {
		baseUrl,
		regionalUrl,
		regionalHost: regionalHost(location),
		tokenUrl,
		serviceAccountKeyFile: account.keyFile,
		clientEmail: account.clientEmail,
		projectId,
		projectNumber,
		location,
		stateDir,
		metadataUrl: baseUrl,
		metadataHost: `127.0.0.1:${port}`,
		iamCredentialsBaseUrl: baseUrl,
		builtInImage: BUILT_IN_IMAGE,
		pscUrl,
		pscCaFile,
		pscCaCertificate: pscTls.caPem,
	};
	router = new Router(ctx, { account, tokenUrl }, deployments, {
		info: () => ({ ...facts, knownImages: ctx.images.known() }),
		dedicatedEndpointUrl,
		dropResources: async () => {
			for (const id of ctx.store.endpoints.keys()) deployments.cancelFor(id);
			ctx.store.endpoints.clear();
			ctx.store.models.clear();
			ctx.store.pools.clear();
			await stopAllProcesses();
		},
	});
	log(`vertex emulator listening on ${baseUrl} (by Host header) and ${regionalUrl} (always ${facts.regionalHost}), project ${projectId} / ${projectNumber}`);

	let closed: Promise<void> | undefined;
	const close = (): Promise<void> => {
		closed ??= (async () => {
			shutdown.abort();
			ctx.operations.releaseWaiters();
			listeners.close();
			await stopAllProcesses();
			await Promise.allSettled([...pending]);
			// Deploys that were mid-start may have registered a process after the first sweep.
			await stopAllProcesses();
			if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
			log('vertex emulator stopped');
		})();
		return closed;
	};

	return {
		...facts,
		tokensMinted: () => ctx.tokens.minted,
		processes: () => processList(ctx),
		requestLog: (outcome) => ctx.requestLog.list(outcome),
		addFault: (rule) => ctx.faults.add(rule as Record<string, unknown>),
		clearFaults: () => ctx.faults.clear(),
		dedicatedEndpointUrl,
		close,
	};
}
