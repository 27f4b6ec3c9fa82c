/**
 * Our nodes in the real n8n editor (issue 5, "Editor check in a real browser"): n8n 2.40.7 with the
 * packed package installed as a community package, a credential pointing at the local emulator and
 * examples/1-deploy-pipeline.json imported; headless Chromium opens the workflow, each of our nodes'
 * parameter panels and the credential, asserts what they show, and saves the screenshots the README
 * uses (to docs/screenshots/ with UPDATE_SCREENSHOTS=1, else test-results/). Needs the n8n install, a build and Chromium, so it runs only with
 * N8N_E2E=1 (after npm run build and node scripts/ensure-chromium.js).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Page } from 'playwright-core';

import { CREDENTIAL, loadExample, type ExampleWorkflow } from '../../examples';
import { ensureN8n, importWorkflow, ownerSession, startEmulatorProcess, startN8n, type EmulatorProcess, type N8nServer } from '../../scripts/n8n-run';
import { describeE2e, PACKAGE, prepareN8n, requireFreshBuild, type PreparedN8n } from '../e2e/support';
import { launchChromium, type HeadlessChromium } from './chromium';
import {
	canvasNode,
	canvasNodeIssues,
	canvasNodes,
	closeNodePanel,
	dismissInterruptions,
	imageState,
	labelTexts,
	openCredential,
	openNodePanel,
	openWorkflow,
	closeNodeSearch,
	readableText,
	searchNodePanel,
	settle,
	toasts,
	useSession,
} from './n8n-editor';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
// The README's screenshots are refreshed on request only (UPDATE_SCREENSHOTS=1), so a test run leaves the
// committed images alone; otherwise they go to an ignored folder for a look.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
	? join(PROJECT_ROOT, 'docs', 'screenshots')
	: join(PROJECT_ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1440, height: 900 };
const ICON_PATH = `/icons/${PACKAGE}/dist/nodes/shared/vertexAi.svg`;

interface PanelExpectation {
	type: string;
	screenshot: string;
	/** Parameter labels the panel must show. */
	labels: string[];
	/** Values the panel must show, by parameter name (text fields show the value, options their name). */
	values: Record<string, string>;
	/** Text under the node on the canvas (the node's subtitle). */
	canvasSubtitle: string;
}

const PANELS: PanelExpectation[] = [
	{
		type: `${PACKAGE}.vertexAiUploadModel`,
		screenshot: 'upload-model.png',
		labels: ['Credential', 'Display Name', 'Model ID', 'If the Model ID Exists', 'Image URI', 'Route Mode', 'Health Route', 'Port', 'Environment Variables'],
		values: {
			displayName: 'sample-chat-model',
			modelId: 'sample-chat-model',
			ifExists: 'Use the Existing Model',
			imageUri: 'emulator/sample-model-server',
			routeMode: 'Invoke (Any Route)',
			port: '8080',
		},
		canvasSubtitle: 'sample-chat-model',
	},
	{
		type: `${PACKAGE}.vertexAiCreateDedicatedEndpoint`,
		screenshot: 'create-endpoint.png',
		labels: ['Credential', 'Display Name', 'Endpoint ID', 'If the ID Exists', 'Inference Timeout (Seconds)', 'Wait for Completion'],
		values: { endpointId: 'sample-chat-endpoint', ifExists: 'Use the Existing Endpoint', inferenceTimeoutSeconds: '600' },
		canvasSubtitle: 'sample-chat-endpoint',
	},
	{
		type: `${PACKAGE}.vertexAiDeployModel`,
		screenshot: 'deploy-model.png',
		labels: [
			'Credential',
			'Endpoint',
			'Model',
			'If This Model Is Already Deployed on the Endpoint',
			'Machine Type',
			'Accelerator Type',
			'Min Replicas',
			'Max Replicas',
			'Traffic',
		],
		values: {
			ifDeployed: 'Use the Existing Deployment',
			machineType: 'n1-standard-4',
			acceleratorType: 'None',
			trafficMode: 'Percentage for This Model',
		},
		canvasSubtitle: 'n1-standard-4',
	},
	{
		type: `${PACKAGE}.vertexAiInvoke`,
		screenshot: 'invoke.png',
		labels: ['Credential', 'Endpoint', 'Path', 'Target', 'Body', 'JSON Body', 'Response Format', 'Streamed Output'],
		values: { path: '/v1/chat/completions', bodyType: 'JSON', streamOutput: 'One Item per Chunk' },
		canvasSubtitle: 'POST /v1/chat/completions',
	},
];

/** Example 5's Manage node, checking the deploy's operation in the Wait loop. */
const MANAGE_PANEL: PanelExpectation = {
	type: `${PACKAGE}.vertexAiManage`,
	screenshot: 'manage.png',
	labels: ['Credential', 'Resource', 'Operation', 'Operation Name'],
	values: { resource: 'Operation', operation: 'Get' },
	canvasSubtitle: 'get: operation',
};

const CREDENTIAL_LABELS = ['Authentication', 'Service Account Key JSON', 'Project ID', 'Location', 'Custom API Endpoint', 'Custom Token URL'];

/** A viewport screenshot into SCREENSHOTS, once the page has settled and nothing covers it. */
async function screenshot(page: Page, name: string): Promise<void> {
	await dismissInterruptions(page);
	await settle(page);
	expect(await toasts(page).allInnerTexts()).toEqual([]);
	await page.screenshot({ path: join(SCREENSHOTS, name) });
}

describeE2e('our nodes and credential in the real n8n editor (headless Chromium)', () => {
	let emulator: EmulatorProcess;
	let n8n: PreparedN8n;
	let server: N8nServer;
	let browser: HeadlessChromium;
	let page: Page;
	let workflow: ExampleWorkflow;
	let waitLoop: ExampleWorkflow;
	let privateKey: string;
	const pageErrors: string[] = [];

	beforeAll(async () => {
		requireFreshBuild();
		await ensureN8n();
		emulator = await startEmulatorProcess();
		privateKey = JSON.parse(emulator.credentialData().serviceAccountJson).private_key;

		n8n = await prepareN8n(emulator);
		workflow = loadExample('deployPipeline');
		await importWorkflow(n8n.instance, workflow);
		waitLoop = loadExample('deployWithoutHoldingAWorker');
		await importWorkflow(n8n.instance, waitLoop);

		server = await startN8n(n8n.instance);
		const cookie = await ownerSession(server.baseUrl);
		browser = await launchChromium(VIEWPORT);
		await useSession(browser.context, server.baseUrl, cookie);
		page = browser.context.pages()[0] ?? (await browser.context.newPage());
		page.on('pageerror', (error) => pageErrors.push(error.message));
		mkdirSync(SCREENSHOTS, { recursive: true });
	}, 600_000);

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await emulator?.stop();
		n8n?.remove();
	}, 60_000);

	// A failed panel test must not leave its panel over the canvas for the next one.
	afterEach(async () => {
		if (page) await closeNodePanel(page);
	});

	it('shows example 1 on the canvas: our four nodes with their icons and subtitles, no issues', async () => {
		await openWorkflow(page, server.baseUrl, workflow.id, workflow.nodes.length);
		expect(page.url()).toContain(`/workflow/${workflow.id}`);
		expect(await canvasNodes(page).count()).toBe(workflow.nodes.length);
		for (const expected of PANELS) {
			const node = canvasNode(page, expected.type);
			expect(await node.count()).toBe(1);
			expect(await node.innerText()).toContain(expected.canvasSubtitle);
			expect(await imageState(node.locator('img'))).toEqual({ src: ICON_PATH, loaded: true });
		}
		expect(await canvasNodeIssues(page).count()).toBe(0);
		await screenshot(page, 'workflow.png');
	}, 120_000);

	it.each(PANELS)('opens the parameter panel of $type and shows its parameters ($screenshot)', async (expected) => {
		const panel = await openNodePanel(page, expected.type);
		const labels = await panel.labels();
		expect(labels).toEqual(expect.arrayContaining(expected.labels));
		for (const [parameterName, value] of Object.entries(expected.values)) {
			expect({ [parameterName]: await panel.shownValue(parameterName) }).toEqual({ [parameterName]: value });
		}
		expect(await panel.credentialSelect.inputValue()).toBe(CREDENTIAL.name);
		expect(await panel.issues.count()).toBe(0);
		const icons = await panel.packageIcons.all();
		expect(icons.length).toBeGreaterThan(0);
		for (const icon of icons) expect(await imageState(icon)).toEqual({ src: ICON_PATH, loaded: true });
		await screenshot(page, expected.screenshot);
	}, 120_000);

	it('shows example 5: the Wait loop with the Manage node checking the deploy, and its panel', async () => {
		await openWorkflow(page, server.baseUrl, waitLoop.id, waitLoop.nodes.length);
		expect(await canvasNodes(page).count()).toBe(waitLoop.nodes.length);
		const manage = canvasNode(page, MANAGE_PANEL.type);
		expect(await manage.count()).toBe(1);
		expect(await manage.innerText()).toContain(MANAGE_PANEL.canvasSubtitle);
		expect(await imageState(manage.locator('img'))).toEqual({ src: ICON_PATH, loaded: true });
		expect(await canvasNodeIssues(page).count()).toBe(0);
		await screenshot(page, 'wait-loop-workflow.png');

		const panel = await openNodePanel(page, MANAGE_PANEL.type);
		expect(await panel.labels()).toEqual(expect.arrayContaining(MANAGE_PANEL.labels));
		for (const [parameterName, value] of Object.entries(MANAGE_PANEL.values)) {
			expect({ [parameterName]: await panel.shownValue(parameterName) }).toEqual({ [parameterName]: value });
		}
		expect(await panel.credentialSelect.inputValue()).toBe(CREDENTIAL.name);
		expect(await panel.issues.count()).toBe(0);
		await screenshot(page, MANAGE_PANEL.screenshot);
	}, 120_000);

	it('finds each of our nodes in the node panel by its name, by "Vertex" and by the words users type', async () => {
		await openWorkflow(page, server.baseUrl, workflow.id, workflow.nodes.length);
		const names = {
			upload: 'Vertex AI Upload Model',
			create: 'Vertex AI Create Dedicated Endpoint',
			deploy: 'Vertex AI Deploy Model',
			invoke: 'Vertex AI Invoke',
			manage: 'Vertex AI Manage',
		};
		const searches: Array<[string, string[]]> = [
			...Object.values(names).map((name): [string, string[]] => [name, [name]]),
			['Vertex', Object.values(names)],
			['gemini enterprise', Object.values(names)],
			['invoke', [names.invoke]],
			['deploy model', [names.deploy]],
			['endpoint', [names.create, names.invoke]],
			['undeploy', [names.manage]],
		];
		try {
			for (const [query, expected] of searches) {
				const found = await searchNodePanel(page, query);
				expect({ query, found }).toEqual({ query, found: expect.arrayContaining(expected) });
			}
			await searchNodePanel(page, 'Vertex');
			await screenshot(page, 'node-search.png');
		} finally {
			await closeNodeSearch(page);
		}
	}, 120_000);

	it('opens the credential from the Credentials page: its fields render and its test passes against the emulator', async () => {
		const modal = await openCredential(page, server.baseUrl, CREDENTIAL.name);
		await modal.getByText('Connection tested successfully').waitFor({ timeout: 30_000 });
		expect(await labelTexts(modal)).toEqual(expect.arrayContaining(CREDENTIAL_LABELS));
		const shownValue = async (testId: string) => await modal.locator(`[data-test-id="${testId}"]`).locator('input, textarea').first().inputValue();
		expect(await shownValue('authentication')).toBe('Service Account Key (JSON)');
		expect(await shownValue('location')).toBe(emulator.location);
		expect(await shownValue('apiBaseUrl')).toBe(emulator.baseUrl);
		expect(await shownValue('tokenUrl')).toBe(emulator.tokenUrl);
		const shown = await readableText(page);
		expect(shown).not.toContain('PRIVATE KEY');
		expect(shown).not.toContain(privateKey.split('\n')[1]);
		await screenshot(page, 'credential.png');
		// The fields that point the credential at the emulator are further down the modal.
		await modal.locator('[data-test-id="apiBaseUrl"]').evaluate((field) => field.scrollIntoView({ block: 'center' }));
		await screenshot(page, 'credential-endpoint.png');
	}, 120_000);

	it('raised no uncaught error in the editor page', () => {
		expect(pageErrors).toEqual([]);
	});
});
