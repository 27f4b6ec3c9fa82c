import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INodeParameters,
	type INodeProperties,
	type INodeTypeDescription,
	type NodeConnectionType,
} from 'n8n-workflow';

import { GoogleVertexAiApi } from '../../credentials/GoogleVertexAiApi.credentials';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator';
import { clearVertexClientCache, getVertexClient } from '../../lib';
import { clientOptionsFromCredential } from '../../nodes/shared/client';
import { keySecrets } from '../../scripts/n8n-run/emulator';
import { captureLogs } from '../harness/log-capture';
import { chain, runWorkflow, sourceNode, type NodeTypeEntry, type RunWorkflowOptions, type WorkflowRunResult } from '../harness/n8n-engine';
import { VertexAiCreateDedicatedEndpoint } from '../../nodes/VertexAiCreateDedicatedEndpoint/VertexAiCreateDedicatedEndpoint.node';
import { VertexAiDeployModel } from '../../nodes/VertexAiDeployModel/VertexAiDeployModel.node';
import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';
import { VertexAiManage } from '../../nodes/VertexAiManage/VertexAiManage.node';
import { VertexAiUploadModel } from '../../nodes/VertexAiUploadModel/VertexAiUploadModel.node';
import { readFileSync } from 'node:fs';

/** Node types under the names a community install gives them. */
export const PACKAGE = 'n8n-nodes-vertex-invoke';
export const nodeTypes = {
	[`${PACKAGE}.vertexAiUploadModel`]: VertexAiUploadModel,
	[`${PACKAGE}.vertexAiCreateDedicatedEndpoint`]: VertexAiCreateDedicatedEndpoint,
	[`${PACKAGE}.vertexAiDeployModel`]: VertexAiDeployModel,
	[`${PACKAGE}.vertexAiInvoke`]: VertexAiInvoke,
	[`${PACKAGE}.vertexAiManage`]: VertexAiManage,
};
export const credentialTypes = [GoogleVertexAiApi];

/** Starts an emulator with fast operations, and the credential data a user would enter for it. */
export async function emulatorWithCredential(options: EmulatorOptions = {}) {
	const emulator: RunningEmulator = await startEmulator({ operationStepMs: 20, ...options });
	const credential: ICredentialDataDecryptedObject = {
		authentication: 'serviceAccountJson',
		serviceAccountJson: readFileSync(emulator.serviceAccountKeyFile, 'utf8'),
		location: emulator.location,
		apiBaseUrl: emulator.baseUrl,
		tokenUrl: emulator.tokenUrl,
	};
	return {
		emulator,
		credential,
		credentials: { googleVertexAiApi: credential },
		/** The core client the nodes use for this credential (the same cached instance). */
		client: () => getVertexClient(clientOptionsFromCredential(credential)),
		async close() {
			clearVertexClientCache();
			await emulator.close();
		},
	};
}

export const locator = (value: string) => ({ __rl: true, mode: 'id', value });

export type NodeEnv = Awaited<ReturnType<typeof emulatorWithCredential>>;

/** Short node type names of this package, as used in workflows. */
export const TYPE = {
	upload: `${PACKAGE}.vertexAiUploadModel`,
	create: `${PACKAGE}.vertexAiCreateDedicatedEndpoint`,
	deploy: `${PACKAGE}.vertexAiDeployModel`,
	invoke: `${PACKAGE}.vertexAiInvoke`,
	manage: `${PACKAGE}.vertexAiManage`,
} as const;

/** The log lines written while each run of runNodes lasted, for the secret scan. */
const runLogs = new WeakMap<WorkflowRunResult, readonly string[]>();

/** What n8n and the nodes logged during a run of runNodes. */
export function logsOf(result: WorkflowRunResult): readonly string[] {
	return runLogs.get(result) ?? [];
}

/**
 * Runs a workflow with this package's node types (and the test's own `nodeTypes` beside them) and the environment's
 * credential (unless `credentials` says otherwise), keeping what was logged meanwhile for expectNoSecrets.
 */
export async function runNodes(env: NodeEnv, options: Omit<RunWorkflowOptions, 'credentialTypes'>): Promise<WorkflowRunResult> {
	const logs = captureLogs();
	try {
		const result = await runWorkflow({ credentialTypes, credentials: env.credentials, ...options, nodeTypes: { ...nodeTypes, ...options.nodeTypes } });
		runLogs.set(result, logs.lines);
		return result;
	} finally {
		logs.stop();
	}
}

/** Forgets faults, state and cached clients: a fresh client must mint a token before its first request. */
/** A fault that changes nothing (no delay) but counts the requests matching it; read the count with requestsCounted. */
export function countRequests(env: NodeEnv, method: string, path: string): string {
	return env.emulator.addFault({ kind: 'slow-headers', delayMs: 0, rate: 1, method, path }).id;
}

export async function requestsCounted(env: NodeEnv, id: string): Promise<number> {
	const { faults } = (await (await fetch(`${env.emulator.baseUrl}/emulator/faults`)).json()) as { faults: Array<{ id: string; hits: number }> };
	return faults.find((fault) => fault.id === id)?.hits ?? 0;
}

export async function resetEmulator(env: NodeEnv): Promise<void> {
	await fetch(`${env.emulator.baseUrl}/emulator/reset`, { method: 'POST' });
	env.emulator.clearFaults();
	clearVertexClientCache();
}

/** The emulator's answer (200) to a control-plane GET of `name` in `version`, with the nodes' own token. */
export async function readResource(env: NodeEnv, name: string, version: 'v1' | 'v1beta1' = 'v1beta1'): Promise<Record<string, any>> {
	const token = await env.client().getAccessToken();
	const response = await fetch(`${env.emulator.baseUrl}/${version}/${name}`, { headers: { authorization: `Bearer ${token}` } });
	expect(response.status).toBe(200);
	return (await response.json()) as Record<string, any>;
}

/** Nothing reached the emulator since the reset: no token minted, no request logged. */
export function expectNothingSent(env: NodeEnv): void {
	expect(env.emulator.tokensMinted()).toBe(0);
	expect(env.emulator.requestLog()).toEqual([]);
}

export interface DeployedModel {
	modelId: string;
	endpointId: string;
	deployedModelId: string;
	/** The endpoint's traffic split after the deploy. */
	trafficSplit: Record<string, number>;
}

/**
 * Uploads a model (built-in sample server unless `upload` says otherwise), creates the endpoint when it does not
 * exist yet, and deploys the model there with `trafficPercentage`; throws with the node error if any step fails.
 */
export async function deployModel(
	env: NodeEnv,
	ids: { modelId: string; endpointId: string },
	settings: { upload?: IDataObject; deploy?: IDataObject } = {},
): Promise<DeployedModel> {
	const result = await runNodes(env, {
		nodes: [
			sourceNode('Start'),
			{
				name: 'Upload',
				type: TYPE.upload,
				parameters: {
					displayName: ids.modelId,
					imageUri: env.emulator.builtInImage,
					modelId: ids.modelId,
					...settings.upload,
				},
			},
			{
				name: 'Create',
				type: TYPE.create,
				parameters: { displayName: ids.endpointId, endpointId: ids.endpointId, ifExists: 'use' },
			},
			{
				name: 'Deploy',
				type: TYPE.deploy,
				parameters: {
					endpoint: locator(ids.endpointId),
					model: locator(ids.modelId),
					machineType: 'n1-standard-4',
					...settings.deploy,
				},
			},
		],
		connections: chain('Start', 'Upload', 'Create', 'Deploy'),
	});
	if (result.error) throw new Error(`deploy of ${ids.modelId} failed: ${result.error.message} ${result.error.description ?? ''}`);
	const { deployedModelId, trafficSplit } = result.lastNodeJson('Deploy')[0] as { deployedModelId: string; trafficSplit: Record<string, number> };
	return { ...ids, deployedModelId, trafficSplit };
}

/** The secrets of the environment's credential and the access token the nodes' cached client holds. */
export async function secretsOf(env: NodeEnv): Promise<string[]> {
	const token = await getVertexClient(clientOptionsFromCredential(env.credential)).getAccessToken();
	return [...keySecrets(env.credential), token];
}

/** The secrets of a bare PEM private key (the key itself and its body lines), through the one keySecrets. */
export function privateKeyFragments(privateKey: string): string[] {
	return keySecrets({ serviceAccountJson: JSON.stringify({ private_key: privateKey }) });
}

/** Everything a run shows a user: output items, binary metadata, node errors and their descriptions. */
export function visibleText(result: WorkflowRunResult): string {
	const errors = Object.keys(result.runData).map((name) => result.nodeError(name));
	const describe = (error?: { message?: string; description?: string | null }) => [error?.message, error?.description];
	return JSON.stringify([result.runData, describe(result.error), errors.map(describe), result.chunks]);
}

/**
 * The canary scan: nothing a run shows (items, errors, chunks) or logged (for runs of runNodes), nor `extraText`
 * (a credential test's message), holds the credential's secrets, the access token in use, the `extraSecrets` of a
 * test, or key material.
 */
export async function expectNoSecrets(
	env: NodeEnv,
	result: WorkflowRunResult | undefined,
	extraText: readonly string[] = [],
	extraSecrets: readonly string[] = [],
): Promise<void> {
	const text = [result ? visibleText(result) : '', ...(result ? logsOf(result) : []), ...extraText].join('\n');
	for (const secret of [...(await secretsOf(env)), ...extraSecrets]) expect(text.includes(secret)).toBe(false);
	// Key material, not the words: a message may well say "paste it from its BEGIN PRIVATE KEY line".
	expect(text).not.toMatch(/-----BEGIN|PRIVATE KEY-----/);
}

/** The description of a test's root node ("Probe") that takes one AI sub-node on its `connection` input. */
export function probeDescription(
	displayName: string,
	name: string,
	description: string,
	connection: NodeConnectionType,
	properties: INodeProperties[] = [],
): INodeTypeDescription {
	return {
		displayName,
		name,
		group: ['transform'],
		version: 1,
		description,
		defaults: { name: displayName },
		inputs: [NodeConnectionTypes.Main, { type: connection, required: true, maxConnections: 1 }],
		outputs: [NodeConnectionTypes.Main],
		properties,
	};
}

/**
 * Runs Start -> Probe with one of this package's AI sub-nodes plugged into Probe's `connection` input, as an agent,
 * chain or vector store takes one, so n8n-core itself calls the sub-node's supplyData. Probe is the test's own root
 * node type, calling what the sub-node supplies. The environment's credential unless `credential` is given; the
 * result is checked for secrets.
 */
export async function runSubNode(
	env: NodeEnv,
	{
		connection,
		probe,
		subNode,
		credential = env.credential,
	}: {
		connection: NodeConnectionType;
		probe: { type: string; nodeType: NodeTypeEntry; parameters?: INodeParameters };
		subNode: { name: string; type: string; nodeType: NodeTypeEntry; parameters: INodeParameters };
		credential?: ICredentialDataDecryptedObject;
	},
): Promise<WorkflowRunResult> {
	const result = await runWorkflow({
		nodeTypes: { ...nodeTypes, [subNode.type]: subNode.nodeType, [probe.type]: probe.nodeType },
		credentialTypes,
		credentials: { googleVertexAiApi: credential },
		nodes: [
			sourceNode('Start'),
			{ name: 'Probe', type: probe.type, ...(probe.parameters ? { parameters: probe.parameters } : {}) },
			{ name: subNode.name, type: subNode.type, parameters: subNode.parameters },
		],
		connections: {
			Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] },
			[subNode.name]: { [connection]: [[{ node: 'Probe', type: connection, index: 0 }]] },
		},
	});
	await expectNoSecrets(env, result);
	return result;
}
