/**
 * Private Service Connect through n8n-core's engine against the emulator: Create Dedicated Endpoint makes a PSC
 * endpoint and says what Vertex reports of it; Invoke, the Embeddings and the Chat Model reach the deployed model
 * through the emulator's PSC TLS listener (the private address) over TLS checked against its CA pasted into the
 * credential (Private Endpoint CA Certificate), while every control-plane call stays on the credential's API host. The emulator's PSC endpoints have no
 * public dedicated DNS (its default, as Google's client assumes).
 */
import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
} from 'n8n-workflow';

import { VertexAiChatModel } from '../../nodes/VertexAiChatModel/VertexAiChatModel.node';
import { VertexAiEmbeddings } from '../../nodes/VertexAiEmbeddings/VertexAiEmbeddings.node';
import { chain, sourceNode } from '../harness/n8n-engine';
import { makeTestPki } from '../lib/support/testCertificates';
import {
	PACKAGE,
	TYPE,
	deployModel,
	emulatorWithCredential,
	expectNoSecrets,
	locator,
	logsOf,
	probeDescription,
	runNodes,
	runSubNode,
	type DeployedModel,
	type NodeEnv,
} from './support';

const ENDPOINT_ID = 'psc-endpoint';
/** A private key and an unrelated CA, to paste where the endpoint's CA belongs. */
const stray = makeTestPki(['other.test.internal']);

let env: NodeEnv;
let sample: DeployedModel;
let privateAddress = '';

beforeAll(async () => {
	env = await emulatorWithCredential();
	privateAddress = new URL(env.emulator.pscUrl).host;
	// The project's PSC CA lives in the credential (the nodes have no CA parameter).
	Object.assign(env.credential, { privateServiceConnect: true, privateEndpointCaCertificate: env.emulator.pscCaCertificate });
}, 60_000);

afterAll(async () => {
	await env?.close();
});

/** What the emulator has seen so far: tokens minted and requests logged. */
function sentSoFar(): { tokens: number; requests: number } {
	return { tokens: env.emulator.tokensMinted(), requests: env.emulator.requestLog().length };
}

/** Nothing reached the emulator (no token minted, no request) since `before`. */
function expectNothingSentSince(before: { tokens: number; requests: number }): void {
	expect(sentSoFar()).toEqual(before);
}

/** The model-server paths the emulator forwarded since `before`, with the deployed model that answered. */
function forwardedSince(before: { requests: number }): Array<{ path: string; deployedModelId: string }> {
	return env.emulator
		.requestLog()
		.slice(before.requests)
		.filter((entry) => entry.outcome === 'forwarded')
		.map((entry) => ({ path: entry.path, deployedModelId: (entry as { deployedModelId: string }).deployedModelId }));
}

/** The Connection parameters of a node reaching the endpoint through the private listener. */
function privateConnection(extra: IDataObject = {}): IDataObject {
	return { connection: 'privateServiceConnect', privateAddress, ...extra };
}

/** The environment's credential with another Private Endpoint CA Certificate (`undefined`: the switch off, no CA). */
function credentialWithCa(ca: string | undefined): ICredentialDataDecryptedObject {
	return { ...env.credential, privateServiceConnect: ca !== undefined, privateEndpointCaCertificate: ca ?? '' };
}

/** The lines of the stray private key (what a leak would show), and the ways it may be pasted. */
const keyLines = stray.strayKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
const pastedKeys = [stray.strayKeyPem, keyLines.join('\n')];

describe('Create Dedicated Endpoint with Private Service Connect', () => {
	it('sends the allowlist and automation configs, and outputs the service attachment and each automated endpoint', async () => {
		const result = await runNodes(env, {
			nodes: [
				sourceNode('Start'),
				{
					name: 'Create',
					type: TYPE.create,
					parameters: {
						displayName: 'private',
						endpointId: ENDPOINT_ID,
						networkAccess: 'privateServiceConnect',
						projectAllowlist: 'my-project, 123456789012',
						pscAutomationConfigs: { config: [{ projectId: 'my-project', network: 'projects/my-project/global/networks/default' }] },
					},
				},
			],
			connections: chain('Start', 'Create'),
		});
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		const [item] = result.lastNodeJson('Create');
		expect(item.endpointId).toBe(ENDPOINT_ID);
		// Private only (Also Public Dedicated DNS off): no DNS name, and no wait for one.
		expect(item.dedicatedEndpointDns).toBeNull();
		const psc = item.privateServiceConnect as IDataObject;
		expect(psc).toEqual({
			serviceAttachment: expect.stringMatching(/^projects\/[^/]+\/regions\/[^/]+\/serviceAttachments\/[^/]+$/),
			projectAllowlist: ['my-project', '123456789012'],
			automatedEndpoints: [
				{
					projectId: 'my-project',
					network: 'projects/my-project/global/networks/default',
					ipAddress: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
					forwardingRule: expect.any(String),
					state: 'PSC_AUTOMATION_STATE_SUCCESSFUL',
					errorMessage: null,
				},
			],
		});
		const endpoint = await env.client().getEndpoint(ENDPOINT_ID);
		expect(endpoint.privateServiceConnectConfig).toMatchObject({ enablePrivateServiceConnect: true, projectAllowlist: ['my-project', '123456789012'] });
		expect(endpoint.dedicatedEndpointEnabled).not.toBe(true);
		await expectNoSecrets(env, result);
		sample = await deployModel(env, { modelId: 'psc-model', endpointId: ENDPOINT_ID });
	});

	it('refuses a network that is not a full network name before anything is sent, naming the field', async () => {
		const before = sentSoFar();
		const result = await runNodes(env, {
			nodes: [
				sourceNode('Start'),
				{
					name: 'Create',
					type: TYPE.create,
					parameters: {
						displayName: 'private',
						networkAccess: 'privateServiceConnect',
						projectAllowlist: 'my-project',
						pscAutomationConfigs: { config: [{ projectId: 'my-project', network: 'default' }] },
					},
				},
			],
			connections: chain('Start', 'Create'),
		});
		expect(result.error?.message).toContain('"Network"');
		expectNothingSentSince(before);
	});
});

describe('Create Dedicated Endpoint refuses what Vertex would', () => {
	it('an automated endpoint in a project missing from Allowed Projects, naming the parameter, before anything is sent', async () => {
		const before = sentSoFar();
		const result = await runNodes(env, {
			nodes: [
				sourceNode('Start'),
				{
					name: 'Create',
					type: TYPE.create,
					parameters: {
						displayName: 'private',
						networkAccess: 'privateServiceConnect',
						projectAllowlist: 'my-project',
						pscAutomationConfigs: { config: [{ projectId: 'other-project', network: 'projects/other-project/global/networks/default' }] },
					},
				},
			],
			connections: chain('Start', 'Create'),
		});
		expect(result.error?.message).toMatch(/"Automated PSC Endpoints" 1 is in project "other-project", which is not in "Allowed Projects" \(my-project\)/);
		expect(env.emulator.requestLog().length).toBe(before.requests);
	});
});

describe('Invoke through the private address', () => {
	async function invoke(connection: IDataObject, extra: IDataObject = {}, credential?: ICredentialDataDecryptedObject) {
		return await runNodes(env, {
			...(credential ? { credentials: { googleVertexAiApi: credential } } : {}),
			nodes: [
				sourceNode('Start'),
				{
					name: 'Invoke',
					type: TYPE.invoke,
					parameters: { endpoint: locator(ENDPOINT_ID), path: '/echo', jsonBody: '{"hello":"psc"}', ...connection, ...extra } as INodeParameters,
				},
			],
			connections: chain('Start', 'Invoke'),
		});
	}

	it('reaches the model server through the private address, with the same invoke path', async () => {
		const before = sentSoFar();
		const result = await invoke(privateConnection());
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		expect(JSON.stringify(result.lastNodeJson('Invoke'))).toContain('psc');
		expect(forwardedSince(before)).toEqual([{ path: '/echo', deployedModelId: sample.deployedModelId }]);
		await expectNoSecrets(env, result);
	});

	it('pins one deployed model under the deployedModels path', async () => {
		const before = sentSoFar();
		const result = await invoke(privateConnection(), { target: 'deployedModel', deployedModel: locator(sample.deployedModelId) });
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		expect(forwardedSince(before)).toEqual([{ path: '/echo', deployedModelId: sample.deployedModelId }]);
	});

	it('verifies the certificate against a TLS server name the emulator\'s certificate holds, instead of the IP', async () => {
		const before = sentSoFar();
		const tlsServerName = `${ENDPOINT_ID}.${env.emulator.location}-${env.emulator.projectNumber}.prediction.vertexai.goog`;
		const result = await invoke(privateConnection({ tlsServerName }));
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		expect(forwardedSince(before)).toHaveLength(1);
		const wrongName = await invoke(privateConnection({ tlsServerName: 'psc.example.internal' }));
		expect(wrongName.error?.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ could not be verified \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
	});

	it('fails on a certificate the credential\'s CA did not sign, and nothing (no token) arrives', async () => {
		const before = sentSoFar();
		const result = await invoke(privateConnection(), {}, credentialWithCa(stray.otherCaPem));
		expect(result.error?.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ could not be verified/);
		expect(env.emulator.requestLog().slice(before.requests)).toEqual([]);
	});

	it('without a CA in the credential, trusts no certificate that public CAs did not sign', async () => {
		const before = sentSoFar();
		const result = await invoke(privateConnection(), {}, credentialWithCa(undefined));
		expect(result.error?.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ could not be verified/);
		expect(env.emulator.requestLog().slice(before.requests)).toEqual([]);
	});

	it('accepts the self-signed certificate only when chosen (and the credential holds no CA)', async () => {
		const before = sentSoFar();
		const result = await invoke(privateConnection({ acceptSelfSignedCertificate: true }), {}, credentialWithCa(undefined));
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		expect(forwardedSince(before)).toHaveLength(1);
	});

	it('ignores a CA left in the credential while its Private Service Connect switch is off (a hidden field)', async () => {
		const before = sentSoFar();
		const hidden = { ...credentialWithCa(undefined), privateEndpointCaCertificate: env.emulator.pscCaCertificate };
		const result = await invoke(privateConnection({ acceptSelfSignedCertificate: true }), {}, hidden);
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		expect(forwardedSince(before)).toHaveLength(1);
	});

	it('refuses the self-signed choice beside the credential\'s CA: a conflict naming both, before anything is sent', async () => {
		const before = sentSoFar();
		const result = await invoke(privateConnection({ acceptSelfSignedCertificate: true }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('"Accept Self-Signed Certificate"');
		expect(result.error?.message).toContain("the credential's CA certificate for private endpoints (privateEndpointCaCertificate)");
		expect(result.error?.message).toMatch(/conflict/);
		expect(result.error?.description).toContain('"Accept Self-Signed Certificate"');
		expectNothingSentSince(before);
	});

	it('refuses a private key pasted as the credential\'s CA, and the key appears in no error, item or log line', async () => {
		const before = sentSoFar();
		for (const pasted of pastedKeys) {
			const result = await invoke(privateConnection(), {}, credentialWithCa(pasted));
			expect(result.error?.message).toContain('holds a private key');
			expect(result.error?.description).toContain('"Private Endpoint CA Certificate (PEM)"');
			const error = result.error as { message?: string; description?: string | null } | undefined;
			const shown = [error?.message, error?.description, JSON.stringify(result.runData), ...logsOf(result)].join('\n');
			for (const line of keyLines) expect(shown).not.toContain(line);
			expect(shown).not.toMatch(/-----BEGIN|PRIVATE KEY-----/);
		}
		expectNothingSentSince(before);
	});

	it('over the public connection, gets the error Vertex gives for a PSC endpoint without public DNS', async () => {
		const result = await invoke({ connection: 'dedicatedDns' });
		expect(result.error?.message).toMatch(/Private Service Connect/);
	});

	it('refuses an address with a path, naming Private Address', async () => {
		const before = sentSoFar();
		const result = await invoke(privateConnection({ privateAddress: `${privateAddress}/v1` }));
		expect(result.error?.message).toContain('"Private Address"');
		expectNothingSentSince(before);
	});
});

const EMBEDDINGS = `${PACKAGE}.vertexAiEmbeddings`;

class EmbeddingsProbe implements INodeType {
	description = probeDescription('Embeddings Probe', 'embeddingsProbe', 'Calls the connected embeddings', NodeConnectionTypes.AiEmbedding);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const embeddings = (await this.getInputConnectionData(NodeConnectionTypes.AiEmbedding, 0)) as { embedQuery(text: string): Promise<number[]> };
		return [[{ json: { query: await embeddings.embedQuery('private') }, pairedItem: { item: 0 } }]];
	}
}

describe('the Embeddings sub-node through the private address', () => {
	it('sends its /v1/models and /v1/embeddings calls to the private address', async () => {
		const before = sentSoFar();
		const result = await runSubNode(env, {
			connection: NodeConnectionTypes.AiEmbedding,
			probe: { type: 'test.embeddingsProbe', nodeType: EmbeddingsProbe },
			subNode: {
				name: 'Embeddings',
				type: EMBEDDINGS,
				nodeType: VertexAiEmbeddings,
				parameters: { endpoint: locator(ENDPOINT_ID), ...privateConnection() } as INodeParameters,
			},
		});
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		expect((result.lastNodeJson('Probe')[0].query as number[]).length).toBeGreaterThan(0);
		expect(forwardedSince(before).map((entry) => entry.path)).toEqual(['/v1/models', '/v1/embeddings']);
	});
});

class ChatProbe implements INodeType {
	description = probeDescription('Chat Probe', 'chatProbe', 'Calls the connected chat model', NodeConnectionTypes.AiLanguageModel);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const model = (await this.getInputConnectionData(NodeConnectionTypes.AiLanguageModel, 0)) as { invoke(prompt: string): Promise<{ text: string }> };
		return [[{ json: { text: (await model.invoke('Say hello')).text }, pairedItem: { item: 0 } }]];
	}
}

describe('the Chat Model sub-node through the private address', () => {
	it('sends its /v1/models and /v1/chat/completions calls to the private address', async () => {
		const before = sentSoFar();
		const result = await runSubNode(env, {
			connection: NodeConnectionTypes.AiLanguageModel,
			probe: { type: 'test.chatProbe', nodeType: ChatProbe },
			subNode: {
				name: 'Chat Model',
				type: `${PACKAGE}.vertexAiChatModel`,
				nodeType: VertexAiChatModel,
				parameters: { endpoint: locator(ENDPOINT_ID), ...privateConnection() } as INodeParameters,
			},
		});
		if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
		expect(typeof result.lastNodeJson('Probe')[0].text).toBe('string');
		expect(forwardedSince(before).map((entry) => entry.path)).toEqual(['/v1/models', '/v1/chat/completions']);
	});
});

describe('the sub-nodes check their connection before anything is sent', () => {
	it.each([
		['an address with a path', { privateAddress: '10.128.0.3/v1' }, '"Private Address"'],
		['a server name that is an IP', { tlsServerName: '10.128.0.3' }, '"TLS Server Name"'],
		['the self-signed choice beside the credential\'s CA', { acceptSelfSignedCertificate: true }, '"Accept Self-Signed Certificate"'],
	])('the Embeddings refuse %s, naming it', async (_case, connection, label) => {
		const before = sentSoFar();
		const result = await runSubNode(env, {
			connection: NodeConnectionTypes.AiEmbedding,
			probe: { type: 'test.embeddingsProbe', nodeType: EmbeddingsProbe },
			subNode: {
				name: 'Embeddings',
				type: EMBEDDINGS,
				nodeType: VertexAiEmbeddings,
				parameters: { endpoint: locator(ENDPOINT_ID), ...privateConnection(connection) } as INodeParameters,
			},
		});
		expect(result.nodeError('Embeddings')?.message).toContain(label);
		expectNothingSentSince(before);
	});

	// n8n wraps a failed sub-node's error with the node and all its parameters: the CA is no parameter, and a key
	// pasted into the credential's CA field is refused without being shown (runSubNode scans items, errors and chunks).
	it.each([
		['Embeddings', EMBEDDINGS, VertexAiEmbeddings, NodeConnectionTypes.AiEmbedding, { type: 'test.embeddingsProbe', nodeType: EmbeddingsProbe }],
		['Chat Model', `${PACKAGE}.vertexAiChatModel`, VertexAiChatModel, NodeConnectionTypes.AiLanguageModel, { type: 'test.chatProbe', nodeType: ChatProbe }],
	] as const)('the %s refuse a private key pasted as the credential\'s CA, showing it nowhere', async (name, type, nodeType, connection, probe) => {
		const before = sentSoFar();
		for (const pasted of pastedKeys) {
			const result = await runSubNode(env, {
				connection,
				probe,
				subNode: { name, type, nodeType, parameters: { endpoint: locator(ENDPOINT_ID), ...privateConnection() } as INodeParameters },
				credential: credentialWithCa(pasted),
			});
			expect(result.nodeError(name)?.message).toContain('holds a private key');
			expect(result.nodeError(name)?.message).toContain('"Private Endpoint CA Certificate (PEM)"');
			await expectNoSecrets(env, result, [], keyLines);
		}
		expectNothingSentSince(before);
	});
});
