/**
 * This package in `n8n start` on 127.0.0.1: the node and credential types are listed, the credential
 * test answers for a good and a bad key, and example 4 streams a chat answer to a webhook client
 * while the model server is still producing it. The model server is a test-owned gated server,
 * registered with the emulator as an image URL and deployed with the core client (quicker than a CLI
 * run, and it keeps example 1's own invoke off the gated server). Only with N8N_E2E=1.
 */
import { generateKeyPairSync } from 'node:crypto';

import { loadExample } from '../../examples';
import { ensureN8n } from '../../scripts/n8n-install';
import { importWorkflow, publishWorkflow } from '../../scripts/n8n-run/instance';
import { startN8n, type N8nServer } from '../../scripts/n8n-run/server';
import { ownerSession, restRequest, testCredential } from '../../scripts/n8n-run/rest';
import { keySecrets, startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import { chatThroughGate, deltaText, deployGatedServer, startGatedChatServer, type GatedChatServer } from './gated-chat-server';
import { NODE_NAMES, PACKAGE, SUB_NODE_NAMES, describeE2e, prepareN8n, requireFreshBuild, type PreparedN8n } from './support';

const GATED_IMAGE = 'e2e.local/gated-chat-server:1';
const CHUNKS = 12;

describeE2e('the package in n8n start', () => {
	let gated: GatedChatServer;
	let emulator: EmulatorProcess;
	let n8n: PreparedN8n;
	let server: N8nServer;
	let cookie: string;

	beforeAll(async () => {
		requireFreshBuild();
		await ensureN8n();
		gated = await startGatedChatServer({ chunks: CHUNKS });
		emulator = await startEmulatorProcess({ images: { [GATED_IMAGE]: gated.url }, operationStepMs: 20 });
		const endpointId = await deployGatedServer(emulator, GATED_IMAGE);
		n8n = await prepareN8n(emulator);
		const chat = loadExample('chatStreaming', { endpointId });
		await importWorkflow(n8n.instance, chat);
		await publishWorkflow(n8n.instance, chat.id);
		server = await startN8n(n8n.instance);
		cookie = await ownerSession(server.baseUrl);
	}, 600_000);

	afterAll(async () => {
		await server?.stop();
		await emulator?.stop();
		await gated?.close();
		n8n?.remove();
	}, 60_000);

	it('lists the node types, the Tool twins of all but the AI sub-nodes, and the credential type', async () => {
		const nodeTypes: Array<{ name: string; credentials?: Array<{ name: string }> }> = await restRequest(server.baseUrl, cookie, '/types/nodes.json');
		const credentialTypes: Array<{ name: string }> = await restRequest(server.baseUrl, cookie, '/types/credentials.json');
		const names = new Set(nodeTypes.map((type) => type.name));
		for (const name of NODE_NAMES) {
			expect(names.has(`${PACKAGE}.${name}`)).toBe(true);
			expect(names.has(`${PACKAGE}.${name}Tool`)).toBe(!SUB_NODE_NAMES.includes(name));
		}
		const invoke = nodeTypes.find((type) => type.name === `${PACKAGE}.vertexAiInvoke`);
		expect(invoke?.credentials?.map((credential) => credential.name)).toEqual(['googleVertexAiApi']);
		expect(credentialTypes.map((type) => type.name)).toContain('googleVertexAiApi');
	});

	it('the credential test succeeds against the emulator', async () => {
		const result = await testCredential(server.baseUrl, cookie, { type: 'googleVertexAiApi', data: emulator.credentialData() });
		expect(result.status).toBe('OK');
	});

	it('the credential test fails with a clear message for a key the token endpoint does not know, without echoing it', async () => {
		const good = emulator.credentialData();
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const badKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const keyJson = JSON.stringify({ ...JSON.parse(good.serviceAccountJson), private_key: badKey });
		const result = await testCredential(server.baseUrl, cookie, { type: 'googleVertexAiApi', data: { ...good, serviceAccountJson: keyJson } });
		expect(result.status).toBe('Error');
		// e.g. "Could not obtain an access token for service account ... (HTTP 400): invalid_grant: Invalid JWT Signature. ..."
		expect(result.message).toMatch(/access token.*invalid_grant/i);
		for (const secret of [...keySecrets({ serviceAccountJson: keyJson }), ...keySecrets(good)]) expect(result.message.includes(secret)).toBe(false);
	});

	it('example 4 streams NDJSON to the webhook client while the model server is still producing, in order', async () => {
		const { lines, atFirstItem } = await chatThroughGate(`${server.baseUrl}/webhook/vertex-chat`, gated);

		// The first delta reached the client while the server had sent 1 of 12 and was held.
		expect(atFirstItem).toEqual({ sent: 1, ended: false });
		expect(gated.streams).toHaveLength(1);
		expect(gated.streams[0]).toMatchObject({ releasedBy: 'client', sent: CHUNKS, ended: true });

		const fromInvoke = lines.filter((line) => line.metadata?.nodeName === 'Invoke Chat');
		expect(fromInvoke[0].type).toBe('begin');
		expect(fromInvoke.at(-1)?.type).toBe('end');
		const items = fromInvoke.filter((line) => line.type === 'item').map((line) => line.content);
		const expected = Array.from({ length: CHUNKS }, (_, index) => deltaText(index));
		// The first delta on its own, the rest joined by the default 50 ms coalescing window, nothing lost or reordered.
		expect(items[0]).toBe(expected[0]);
		expect(items.join('')).toBe(expected.join(''));
		expect(items.length).toBeLessThan(CHUNKS);
		expect(lines.filter((line) => line.type === 'error')).toEqual([]);
	}, 120_000);
});
