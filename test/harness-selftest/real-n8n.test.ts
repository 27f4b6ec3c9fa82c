/**
 * Proves scripts/n8n-run/ against a real n8n 2.40.7: the CLI path (import, execute) and the server
 * path (n8n start, owner session, webhooks, streaming), with n8n-nodes-base nodes and a tiny
 * community package installed the way n8n installs one. Needs the n8n install (slow the first time,
 * cached after), so it runs only with N8N_E2E=1.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n } from '../../scripts/n8n-install';
import { createUserFolder, executeWorkflow, importCredentials, importWorkflow, publishWorkflow, type N8nInstance } from '../../scripts/n8n-run/instance';
import { installCommunityPackage, packPackage } from '../../scripts/n8n-run/community-package';
import { startN8n, type N8nServer } from '../../scripts/n8n-run/server';
import { ownerSession, restRequest, testCredential } from '../../scripts/n8n-run/rest';

const describeE2e = process.env.N8N_E2E === '1' ? describe : describe.skip;

const PACKAGE_NAME = 'n8n-nodes-harness-selftest';
const ECHO_TYPE = `${PACKAGE_NAME}.harnessEcho`;
const CREDENTIAL = { id: 'harnessCred00001', name: 'Harness credential', type: 'harnessSelftestApi' };

type NodeSpec = { name: string; type: string; typeVersion: number; parameters?: Record<string, unknown>; [key: string]: unknown };

/** A workflow in n8n's import format, its nodes in a line. */
function workflow(id: string, nodes: NodeSpec[]) {
	const connections: Record<string, unknown> = {};
	nodes.slice(0, -1).forEach((node, index) => {
		connections[node.name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	});
	return {
		id,
		name: `Harness self-test ${id}`,
		nodes: nodes.map((node, index) => ({ id: randomUUID(), position: [index * 220, 0], parameters: {}, ...node })),
		connections,
		settings: { executionOrder: 'v1' },
	};
}

const manualTrigger: NodeSpec = { name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };

function setNode(name: string, fields: Array<[string, string, string]>): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			assignments: { assignments: fields.map(([field, type, value]) => ({ id: randomUUID(), name: field, type, value })) },
			options: {},
		},
	};
}

function codeNode(name: string, jsCode: string): NodeSpec {
	return { name, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } };
}

function webhookNode(path: string, responseMode: 'lastNode' | 'streaming'): NodeSpec {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode, options: {} },
	};
}

const echoNode: NodeSpec = {
	name: 'Echo',
	type: ECHO_TYPE,
	typeVersion: 1,
	parameters: { words: 'alpha beta gamma' },
	credentials: { harnessSelftestApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
};

const WORKFLOWS = {
	cli: workflow('harnessCliSetCode', [
		manualTrigger,
		setNode('Set', [
			['greeting', 'string', 'hello'],
			['answer', 'number', '={{ 6 * 7 }}'],
		]),
		codeNode('Code', 'return $input.all().map((item) => ({ json: { ...item.json, doubled: item.json.answer * 2 } }));'),
	]),
	cliFailing: workflow('harnessCliFailing', [manualTrigger, codeNode('Code', "throw new Error('the model server never became healthy');")]),
	cliPackage: workflow('harnessCliPackage', [manualTrigger, echoNode]),
	webhookSet: workflow('harnessWebhookSet', [
		webhookNode('harness-set', 'lastNode'),
		setNode('Set', [['greeting', 'string', "={{ 'hello ' + $json.body.name }}"]]),
	]),
	webhookStream: workflow('harnessWebhookStream', [webhookNode('harness-stream', 'streaming'), echoNode]),
};

describeE2e('a real n8n driven by scripts/n8n-run/', () => {
	let instance: N8nInstance;
	let packageDir: string;
	let packDir: string;

	beforeAll(async () => {
		await ensureN8n();
		instance = createUserFolder();
		packDir = mkdtempSync(join(tmpdir(), 'harness-pack-'));
		const tarball = await packPackage(join(__dirname, 'fixtures', PACKAGE_NAME), packDir);
		packageDir = await installCommunityPackage(instance, tarball);
		await importCredentials(instance, [{ ...CREDENTIAL, data: { label: 'imported-label', secret: 'not-for-output' } }]);
		for (const definition of Object.values(WORKFLOWS)) await importWorkflow(instance, definition);
		await publishWorkflow(instance, WORKFLOWS.webhookSet.id);
		await publishWorkflow(instance, WORKFLOWS.webhookStream.id);
	}, 600_000);

	afterAll(() => {
		instance?.remove();
		if (packDir) rmSync(packDir, { recursive: true, force: true });
	});

	it('installs the package with its own runtime dependencies and without its dev dependencies', () => {
		expect(packageDir).toBe(join(instance.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME));
		expect(existsSync(join(packageDir, 'dist', 'nodes', 'HarnessEcho', 'HarnessEcho.node.js'))).toBe(true);
		expect(existsSync(join(packageDir, 'node_modules', 'undici', 'package.json'))).toBe(true);
		expect(existsSync(join(packageDir, 'node_modules', 'zod'))).toBe(false);
	});

	it('executes Manual Trigger -> Set -> Code through the CLI (the Code node runs in the task runner)', async () => {
		const result = await executeWorkflow(instance, WORKFLOWS.cli.id);
		expect(result.code).toBe(0);
		expect(result.status).toBe('success');
		expect(result.run?.mode).toBe('cli');
		expect(result.nodeOutput('Set').map((item) => item.json)).toEqual([{ greeting: 'hello', answer: 42 }]);
		expect(result.nodeOutput('Code').map((item) => item.json)).toEqual([{ greeting: 'hello', answer: 42, doubled: 84 }]);
	}, 120_000);

	it('reports a failing workflow: exit 1 and the node error in the parsed result', async () => {
		const result = await executeWorkflow(instance, WORKFLOWS.cliFailing.id);
		expect(result.code).toBe(1);
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('the model server never became healthy');
		expect(result.nodeError('Code')?.message).toContain('the model server never became healthy');
	}, 120_000);

	it('runs the community package node with the imported credential and its own undici', async () => {
		const result = await executeWorkflow(instance, WORKFLOWS.cliPackage.id);
		expect(result.code).toBe(0);
		const [echo] = result.nodeOutput('Echo').map((item) => item.json);
		expect(echo).toMatchObject({ words: ['alpha', 'beta', 'gamma'], streaming: false, label: 'imported-label' });
		// n8n itself ships undici 7: version 8 from inside the package folder proves the package's own copy is used.
		expect(String(echo.undiciVersion)).toMatch(/^8\./);
		expect(String(echo.undiciPath).startsWith(packageDir)).toBe(true);
		expect(JSON.stringify(result.run)).not.toContain('not-for-output');
	}, 120_000);

	describe('n8n start', () => {
		let server: N8nServer;
		let cookie: string;

		beforeAll(async () => {
			server = await startN8n(instance);
			cookie = await ownerSession(server.baseUrl);
		}, 180_000);

		afterAll(async () => {
			const exit = await server?.stop();
			// SIGTERM ends n8n cleanly (exit code 0), not by the SIGKILL fallback.
			expect(exit?.signal).not.toBe('SIGKILL');
		}, 60_000);

		it('lists the community node and credential types to a logged-in session', async () => {
			const nodeTypes: Array<{ name: string }> = await restRequest(server.baseUrl, cookie, '/types/nodes.json');
			const credentialTypes: Array<{ name: string }> = await restRequest(server.baseUrl, cookie, '/types/credentials.json');
			expect(nodeTypes.map((type) => type.name)).toContain(ECHO_TYPE);
			expect(credentialTypes.map((type) => type.name)).toContain(CREDENTIAL.type);
		});

		it('answers the credential test endpoint (this credential type has no test, and says so)', async () => {
			const result = await testCredential(server.baseUrl, cookie, { type: CREDENTIAL.type, data: { label: 'x', secret: 'y' } });
			expect(result).toEqual({ status: 'Error', message: 'No testing function found for this credential.' });
		});

		it('answers a published webhook workflow (Webhook -> Set)', async () => {
			const response = await fetch(`${server.baseUrl}/webhook/harness-set`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'vertex' }),
			});
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({ greeting: 'hello vertex' });
		});

		it('streams the package node chunks as NDJSON through a streaming webhook', async () => {
			const response = await fetch(`${server.baseUrl}/webhook/harness-stream`, { method: 'POST', body: '{}' });
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
			expect(response.headers.get('transfer-encoding')).toBe('chunked');
			const lines = (await response.text())
				.split('\n')
				.filter(Boolean)
				.map((line) => JSON.parse(line) as { type: string; content?: string; metadata?: { nodeName: string } });
			const fromEcho = lines.filter((line) => line.metadata?.nodeName === 'Echo');
			expect(fromEcho.map((line) => [line.type, line.content])).toEqual([
				['begin', undefined],
				['item', 'alpha'],
				['item', 'beta'],
				['item', 'gamma'],
				['end', undefined],
			]);
		});
	});
});
