/**
 * Runs workflows through n8n's real execution engine (n8n-core's WorkflowExecute) inside jest, with
 * test node types, test credential data and captured streaming chunks. What a node sees as `this`
 * is the engine's own ExecuteContext, not a fake.
 */
import './engine-env';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	UnexpectedError,
	Workflow,
	type ExecutionBaseError,
	type ExecutionStatus,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IPinData,
	type IRun,
	type IRunData,
	type IWorkflowBase,
	type IWorkflowSettings,
	type StructuredChunk,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import {
	TestCredentialsHelper,
	instantiateCredentialTypes,
	type CredentialTypeList,
	type TestCredentials,
} from './credentials';
import { shutdownEngine } from './shutdown';
import { TestNodeTypes, completeNodes, type NodeTypeEntry, type NodeTypeMap, type TestNode } from './node-types';
import { SOURCE_NODE_TYPE, readSourceItems, sourceItems, type TestBinary } from './source-node';

export { callCredentialTest, callListSearch, callLoadOptions } from './node-methods';
export { shutdownEngine } from './shutdown';
export {
	SOURCE_NODE_TYPE,
	sourceItems,
	type CredentialTypeList,
	type NodeTypeEntry,
	type NodeTypeMap,
	type TestBinary,
	type TestCredentials,
	type TestNode,
};

export interface RunWorkflowOptions {
	nodes: TestNode[];
	connections?: IConnections;
	/** Node types by type name; the harness adds its own `test.source`. */
	nodeTypes?: NodeTypeMap;
	/** Decrypted credential data by credential type name or credential id. */
	credentials?: TestCredentials;
	/** Credential type classes, so data gets n8n's defaults, displayOptions pruning and expressions. */
	credentialTypes?: CredentialTypeList;
	/** Execution mode; 'manual' by default, as when a user clicks "Execute workflow". */
	mode?: WorkflowExecuteMode;
	/** Streaming as n8n turns it on for a Webhook in "Streaming" response mode: `this.isStreaming()` true. */
	streaming?: boolean;
	/** Called with each chunk as a node sends it (they are also collected in the result). */
	onChunk?: (chunk: StructuredChunk) => void | Promise<void>;
	/** Called as each node starts (n8n's nodeExecuteBefore hook), e.g. to time what a node does from its start. */
	onNodeStart?: (nodeName: string) => void;
	/** Aborting it cancels the execution the way n8n's "stop execution" does. */
	signal?: AbortSignal;
	/** Cancels the execution once the named node has started (after `delayMs`, default: next turn of the event loop). */
	cancelAfter?: { nodeStarted: string; delayMs?: number };
	/** Name of the node to start from; n8n picks the trigger node otherwise. */
	startNode?: string;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	/**
	 * What n8n pushes to the editor during a manual run (`additionalData.sendDataToUI`): a node's
	 * `sendMessageToUI` arrives as type `sendConsoleMessage`, which the editor writes to the browser console.
	 */
	onUiMessage?: (type: string, data: unknown) => void;
}

export interface WorkflowRunResult {
	run: IRun;
	status: ExecutionStatus;
	runData: IRunData;
	/** The workflow-level error (the failing node's error, or the cancellation). */
	error?: ExecutionBaseError;
	/**
	 * Whether the run was cancelled (signal or cancelAfter). The engine reports status 'canceled' only
	 * if the running node returned, or threw an error whose message says "canceled" (or whose name
	 * says "Cancelled"); a node that rethrows a plain abort error ends the run as 'error'.
	 */
	cancelRequested: boolean;
	/** Everything nodes sent with `this.sendChunk`, in order. */
	chunks: StructuredChunk[];
	/** Node names in the order they finished. */
	executedNodes: string[];
	/** Items on one output of a node's last run (main output 0 by default); [] if it did not run. */
	lastNodeOutput(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The `json` of those items. */
	lastNodeJson(nodeName: string, outputIndex?: number): IDataObject[];
	/** The error recorded on a node's last run, if any. */
	nodeError(nodeName: string): ExecutionBaseError | undefined;
}

/** A `test.source` node emitting the given items (plain json objects, binary by index). */
export function sourceNode(
	name: string,
	jsonItems: IDataObject[] = [{}],
	binary?: Array<Record<string, TestBinary> | undefined>,
): TestNode {
	return { name, type: SOURCE_NODE_TYPE, parameters: { items: JSON.stringify(sourceItems(jsonItems, binary)) } };
}

/** Connections for a straight line of nodes: main output 0 of each to input 0 of the next. */
export function chain(...nodeNames: string[]): IConnections {
	const connections: IConnections = {};
	for (let index = 0; index + 1 < nodeNames.length; index++) {
		connections[nodeNames[index]] = { main: [[{ node: nodeNames[index + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const mode = options.mode ?? 'manual';
	const credentials = options.credentials ?? {};
	const nodeTypes = new TestNodeTypes(options.nodeTypes ?? {});
	const nodes = completeNodes(options.nodes, nodeTypes, credentials);
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test workflow',
		nodes,
		connections: options.connections ?? {},
		active: false,
		nodeTypes,
		settings,
		pinData: options.pinData,
	});

	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: workflow.name ?? '',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections: workflow.connectionsBySourceNode,
		settings,
	};
	const additionalData = createAdditionalData(
		undefined,
		new TestCredentialsHelper(credentials, instantiateCredentialTypes(options.credentialTypes)),
		{
			streamingEnabled: options.streaming === true,
			workflowId: workflow.id,
			workflowSettings: settings,
			...(options.onUiMessage ? { sendDataToUI: options.onUiMessage } : {}),
		},
	);
	const hooks = new ExecutionLifecycleHooks(mode, additionalData.executionId!, workflowData);
	additionalData.hooks = hooks;

	const chunks: StructuredChunk[] = [];
	const executedNodes: string[] = [];
	if (options.onNodeStart) {
		const onNodeStart = options.onNodeStart;
		hooks.addHandler('nodeExecuteBefore', (nodeName) => onNodeStart(nodeName));
	}
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executedNodes.push(nodeName);
	});
	// Collect every chunk whether or not the caller streams, so "no chunks when not streaming" is
	// checked rather than guaranteed: n8n-core's isStreaming() also needs streamingEnabled, which
	// stays false unless options.streaming is true.
	hooks.addHandler('sendChunk', async (chunk) => {
		chunks.push(chunk);
		await options.onChunk?.(chunk);
	});

	const startNode = options.startNode === undefined ? workflow.getStartNode() : workflow.getNode(options.startNode);
	if (!startNode) throw new UnexpectedError(`No start node found (asked for "${options.startNode ?? 'a trigger'}")`);
	const workflowExecute = new WorkflowExecute(additionalData, mode);
	const execution = workflowExecute.run({
		workflow,
		startNode,
		pinData: options.pinData,
		triggerToStartFrom: startData(startNode, mode),
	});

	// n8n stops an execution by cancelling the PCancelable that run() returned: the engine marks it
	// canceled and aborts the signal nodes get from getExecutionCancelSignal().
	let cancelRequested = false;
	const cancel = () => {
		cancelRequested = true;
		execution.cancel();
	};
	const { signal, cancelAfter } = options;
	if (signal?.aborted) cancel();
	signal?.addEventListener('abort', cancel, { once: true });
	let cancelTimer: NodeJS.Timeout | undefined;
	if (cancelAfter) {
		hooks.addHandler('nodeExecuteBefore', (nodeName) => {
			if (nodeName !== cancelAfter.nodeStarted || cancelTimer) return;
			// Even with no delay, leave the node a turn of the event loop to start before its signal fires.
			cancelTimer = setTimeout(cancel, cancelAfter.delayMs ?? 0);
		});
	}

	try {
		const run = await execution;
		return describeRun(run, chunks, executedNodes, cancelRequested);
	} finally {
		signal?.removeEventListener('abort', cancel);
		clearTimeout(cancelTimer);
		shutdownEngine();
	}
}

/**
 * Outside manual mode a trigger node passes on the data the run was started with (what a webhook
 * or trigger produced), so the source node's items are handed to the engine as that data.
 */
function startData(startNode: INode, mode: WorkflowExecuteMode) {
	if (mode === 'manual' || startNode.type !== SOURCE_NODE_TYPE) return undefined;
	const items = readSourceItems(startNode.parameters.items as string);
	return { name: startNode.name, data: { startTime: Date.now(), executionTime: 0, executionIndex: 0, source: [], data: { main: [items] } } };
}

function describeRun(
	run: IRun,
	chunks: StructuredChunk[],
	executedNodes: string[],
	cancelRequested: boolean,
): WorkflowRunResult {
	const runData = run.data.resultData.runData;
	const lastRun = (nodeName: string) => runData[nodeName]?.at(-1);
	const lastNodeOutput = (nodeName: string, outputIndex = 0) => lastRun(nodeName)?.data?.main?.[outputIndex] ?? [];
	return {
		run,
		status: run.status,
		runData,
		error: run.data.resultData.error,
		cancelRequested,
		chunks,
		executedNodes,
		lastNodeOutput,
		lastNodeJson: (nodeName, outputIndex) => lastNodeOutput(nodeName, outputIndex).map((item) => item.json),
		nodeError: (nodeName) => lastRun(nodeName)?.error,
	};
}
