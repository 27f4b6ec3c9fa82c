/** Types for scripts/n8n-run.js (plain Node, required from TypeScript tests). */
import type { ChildProcess } from 'node:child_process';

export { ensureN8n } from './n8n-install';

export interface N8nInstance {
	userFolder: string;
	encryptionKey: string;
	/** Environment every n8n process of this instance gets (imports, execute, start, worker), e.g. its database. */
	env?: Record<string, string>;
	remove(): void;
}

export interface CommandResult {
	code: number;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	env?: Record<string, string>;
	timeoutMs?: number;
}

/** A run result as `n8n execute --rawOutput` prints it (n8n's IRun, loosely typed). */
export interface N8nRun {
	status: string;
	mode: string;
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: N8nItem[][] }; error?: N8nError }>>;
			error?: N8nError;
			lastNodeExecuted?: string;
		};
	};
}

export interface N8nItem {
	json: Record<string, unknown>;
	binary?: Record<string, unknown>;
	pairedItem?: unknown;
}

export interface N8nError {
	message: string;
	name?: string;
	description?: string;
	[key: string]: unknown;
}

export interface ExecuteResult extends CommandResult {
	run?: N8nRun;
	status?: string;
	error?: N8nError;
	nodeOutput(nodeName: string, outputIndex?: number): N8nItem[];
	nodeError(nodeName: string): N8nError | undefined;
}

export interface N8nServer {
	baseUrl: string;
	port: number;
	child: ChildProcess;
	readyAfterMs?: number;
	logs(): string;
	stop(options?: { graceMs?: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export declare function freePort(): Promise<number>;
export declare function createUserFolder(options?: { parent?: string; encryptionKey?: string }): N8nInstance;
export declare function importCredentials(instance: N8nInstance, credentials: CredentialImport[]): Promise<void>;
export declare function importWorkflow(instance: N8nInstance, workflow: { id: string; [key: string]: unknown }): Promise<string>;
export declare function publishWorkflow(instance: N8nInstance, workflowId: string): Promise<void>;
export declare function parseExecuteOutput(stdout: string): N8nRun | undefined;
export declare function executeWorkflow(instance: N8nInstance, workflowId: string, options?: RunOptions): Promise<ExecuteResult>;
export declare function installCommunityPackage(instance: N8nInstance, tarballPath: string): Promise<string>;
export declare function packPackage(packageDir?: string, destination?: string): Promise<string>;

/** A user folder with a package installed as a community package and credentials imported. */
export interface PreparedInstance {
	instance: N8nInstance;
	/** Where the package was installed (.n8n/nodes/node_modules/<name>). */
	packageDir: string;
	remove(): void;
}

export declare function prepareInstance(options?: { credentials?: CredentialImport[]; env?: Record<string, string>; packageDir?: string }): Promise<PreparedInstance>;
export declare function startN8n(instance: N8nInstance, options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<N8nServer>;
export declare function ownerSession(baseUrl: string, owner?: Owner): Promise<string>;
export declare function restRequest(
	baseUrl: string,
	cookie: string,
	route: string,
	options?: { method?: string; body?: unknown },
): Promise<any>;
export declare function testCredential(
	baseUrl: string,
	cookie: string,
	credential: { id?: string; name?: string; type: string; data: Record<string, unknown> },
): Promise<{ status: 'OK' | 'Error'; message: string }>;

/** The facts the emulator CLI prints, and a handle on its process. */
export interface EmulatorProcess {
	baseUrl: string;
	tokenUrl: string;
	serviceAccountKeyFile: string;
	projectId: string;
	projectNumber: string;
	location: string;
	clientEmail: string;
	builtInImage: string;
	stateDir: string;
	child: ChildProcess;
	logs(): string;
	stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** googleVertexAiApi credential data pointing at this emulator (holds the private key). */
	credentialData(): Record<string, string>;
}

export declare function startEmulatorProcess(options?: {
	images?: Record<string, string>;
	operationStepMs?: number;
	timeoutMs?: number;
}): Promise<EmulatorProcess>;
/** The key JSON, the private key and its body lines of googleVertexAiApi credential data: strings never to show. */
export declare function keySecrets(credentialData: Record<string, unknown>): string[];
export declare function stopChildren(options?: { graceMs?: number }): Promise<void>;

/** A redis-server started by startRedis (127.0.0.1, a free port, persistence off). */
export interface RedisServer {
	host: string;
	port: number;
	child: ChildProcess;
	logs(): string;
	stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export declare function startRedis(options?: { bin?: string; timeoutMs?: number }): Promise<RedisServer>;
export declare function queueModeEnv(redis: { host: string; port: number }, extra?: Record<string, string>): Record<string, string>;

/** An `n8n worker` process in queue mode. */
export interface N8nWorker {
	healthUrl: string;
	port: number;
	pid?: number;
	child: ChildProcess;
	readyAfterMs?: number;
	logs(): string;
	/** Execution ids from its "Worker started execution <id>" log records. */
	startedExecutions(): string[];
	finishedExecutions(): string[];
	stop(options?: { graceMs?: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export declare function startN8nWorker(
	instance: N8nInstance,
	options?: { env?: Record<string, string>; concurrency?: number; timeoutMs?: number },
): Promise<N8nWorker>;
/** n8n main + workers in queue mode (startQueueMode). */
export interface QueueMode {
	env: Record<string, string>;
	main: N8nServer;
	workers: N8nWorker[];
	startWorkers(count: number): Promise<N8nWorker[]>;
	stopWorkers(): Promise<Array<{ code: number | null; signal: NodeJS.Signals | null }>>;
	stop(): Promise<void>;
}

export declare function startQueueMode(
	instance: N8nInstance,
	options: { redis: { host: string; port: number }; workerCount?: number; concurrency?: number },
): Promise<QueueMode>;
export declare function executionIdsInLog(logs: string, verb?: 'started' | 'finished'): string[];

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	startedAt?: string;
	stoppedAt?: string;
	waitTill?: string | null;
	[key: string]: unknown;
}

export declare function listExecutions(baseUrl: string, cookie: string, options?: { workflowId?: string; pageSize?: number }): Promise<ExecutionSummary[]>;
export declare function waitForExecutions(
	baseUrl: string,
	cookie: string,
	options: { workflowId: string; predicate(executions: ExecutionSummary[]): boolean; timeoutMs?: number; intervalMs?: number },
): Promise<ExecutionSummary[]>;

/** A throw-away PostgreSQL started by startPostgres; `env` points n8n at it. */
export interface PostgresServer {
	host: string;
	port: number;
	child: ChildProcess;
	env: Record<string, string>;
	logs(): string;
	stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export declare function startPostgres(options?: { binDir?: string; timeoutMs?: number }): Promise<PostgresServer>;
