/**
 * Node-RED unit tests: node-red-node-test-helper starts a Node-RED runtime in this process, loads this package's
 * node modules (the TypeScript sources) with a flow, and the emulator stands in for Vertex AI.
 */
import { readFileSync } from 'node:fs';

import helper from 'node-red-node-test-helper';

import { startEmulator, type ImageSpec, type RunningEmulator } from '../../emulator';
import { clearVertexClientCache, CREATE_ENDPOINT, UPLOAD_MODEL, VertexClient, type DeployInput } from '../../lib';
import vertexAiConfig from '../../node-red/src/vertexAiConfig';
import type { NodeMessage } from '../../node-red/src/red';

helper.init(require.resolve('node-red'));

export { helper };

export const CONFIG_ID = 'vertex-config';

/** A fresh Node-RED runtime for every test of the calling file (the test helper's server, its flows unloaded after). */
export function nodeRedPerTest(): void {
	beforeEach(async () => {
		await helper.startServer();
	});
	afterEach(async () => {
		await helper.unload();
		await helper.stopServer();
	});
}

/** The emulator, a config node pointing at it, and its secret key as Node-RED credentials of that node. */
export async function emulatorConfig(options: { operationStepMs?: number; images?: Record<string, string | ImageSpec> } = {}) {
	const emulator: RunningEmulator = await startEmulator({ operationStepMs: 20, ...options });
	const keyJson = readFileSync(emulator.serviceAccountKeyFile, 'utf8');
	const configNode = {
		id: CONFIG_ID,
		type: 'vertex-ai-config',
		name: 'emulator',
		authentication: 'serviceAccountJson',
		location: emulator.location,
		apiBaseUrl: emulator.baseUrl,
		tokenUrl: emulator.tokenUrl,
	};
	const credentials = { [CONFIG_ID]: { serviceAccountJson: keyJson } };
	const client = new VertexClient({
		credential: { kind: 'serviceAccountKey', keyJson },
		location: emulator.location,
		apiBaseUrl: emulator.baseUrl,
		tokenUrl: emulator.tokenUrl,
	});
	return {
		emulator,
		configNode,
		credentials,
		keyJson,
		client,
		/** Uploads the sample server (or `imageUri`) as `modelId`, creates `endpointId` and deploys it there (the core, no node). */
		async deploySample(modelId: string, endpointId: string, deploy: Partial<DeployInput> = {}, imageUri = emulator.builtInImage): Promise<string> {
			const wait = { timeoutMs: 30_000, initialDelayMs: 20, maxDelayMs: 100 };
			const uploaded = await client.uploadModel({
				modelId,
				ifExists: 'use',
				model: { displayName: modelId, containerSpec: { imageUri, invokeRoutePrefix: '/*', healthRoute: '/health' } },
			});
			if (uploaded.operation) await client.waitForResult(UPLOAD_MODEL, uploaded.operation, wait);
			const created = await client.createEndpoint({ endpointId, ifExists: 'use', endpoint: { displayName: endpointId } });
			if (created.operation) await client.waitForResult(CREATE_ENDPOINT, created.operation, wait);
			const { result, existing } = await client.deploy(
				{ endpoint: endpointId, model: modelId, deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } }, ifDeployed: 'use', ...deploy },
				wait,
			);
			return (result?.deployedModelId ?? existing?.deployedModel.id) as string;
		},
		async close() {
			clearVertexClientCache();
			await emulator.close();
		},
	};
}

export type EmulatorConfig = Awaited<ReturnType<typeof emulatorConfig>>;

/** The messages a helper node receives, and the errors a Catch node sees. */
export interface Captured {
	messages: NodeMessage[];
	errors: NodeMessage[];
}

/**
 * Loads `nodes` (wired as the flow says) with this package's modules, the config node and a helper node "out"
 * and a Catch node "caught" (feeding helper "errors"); resolves with what they receive once the helper node
 * named `until` has received a message matching `done`, or `settleMs` passed.
 */
export async function loadFlow(
	env: EmulatorConfig,
	modules: unknown[],
	nodes: Array<Record<string, unknown>>,
	extraModules: unknown[] = [],
): Promise<Captured> {
	const flow = [
		{ id: 'flow', type: 'tab' },
		{ ...env.configNode, z: 'flow' },
		// Node-RED tells flow nodes from config nodes by their position on the canvas.
		...[
			...nodes,
			{ id: 'out', type: 'helper' },
			{ id: 'caught', type: 'catch', scope: null, uncaught: false, wires: [['errors']] },
			{ id: 'errors', type: 'helper' },
		].map((node) => ({ z: 'flow', x: 100, y: 100, ...node })),
	];
	await helper.load([vertexAiConfig, catchNode(), ...modules, ...extraModules], flow, env.credentials);
	const captured: Captured = { messages: [], errors: [] };
	helper.getNode('out').on('input', (msg: NodeMessage) => captured.messages.push(msg));
	helper.getNode('errors').on('input', (msg: NodeMessage) => captured.errors.push(msg));
	return captured;
}

/** Node-RED's own Catch node module. */
export function catchNode(): unknown {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require('@node-red/nodes/core/common/25-catch.js');
}

/** Node-RED's own Join node module. */
export function joinNode(): unknown {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require('@node-red/nodes/core/sequence/17-split.js');
}

/** Records every status a node of the loaded flow shows, in order. */
export function recordStatuses(id: string): Array<{ fill?: string; text?: string }> {
	const node = helper.getNode(id);
	const statuses: Array<{ fill?: string; text?: string }> = [];
	const show = (node.status as (status: unknown) => void).bind(node);
	node.status = (status: unknown) => {
		statuses.push(status as { fill?: string; text?: string });
		show(status);
	};
	return statuses;
}

/** Waits until `condition` holds (checked every 10 ms), failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 20_000, what = 'the condition'): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** A Manage node reading every id from the message (msg.endpointId, msg.modelId, ...) and its changes from msg.payload. */
export function manageNode(resource: string, operation: string, settings: Record<string, unknown> = {}) {
	return {
		id: 'manage',
		type: 'vertex-ai-manage',
		vertex: CONFIG_ID,
		resource,
		operation,
		endpoint: 'endpointId',
		endpointType: 'msg',
		model: 'modelId',
		modelType: 'msg',
		deployedModel: 'deployedModelId',
		deployedModelType: 'msg',
		operationName: 'operationName',
		operationNameType: 'msg',
		changes: 'payload',
		changesType: 'msg',
		trafficSplit: 'trafficSplit',
		trafficSplitType: 'msg',
		wait: true,
		waitTimeout: 1,
		wires: [['out']],
		...settings,
	};
}

/**
 * An Invoke node wired to `out`, sending msg.payload and giving one message per chunk (format read from the answer);
 * `settings` say where it calls (endpoint and path, typed as Node-RED's typed inputs) and anything else to change.
 */
export function invokeNode(settings: Record<string, unknown>) {
	return {
		id: 'invoke',
		type: 'vertex-ai-invoke',
		vertex: CONFIG_ID,
		endpointType: 'str',
		pathType: 'str',
		body: 'payload',
		bodyType: 'msg',
		output: 'chunks',
		format: 'auto',
		wires: [['out']],
		...settings,
	};
}
