/**
 * Our nodes in the real n8n editor (issue 5, "Editor check in a real browser"): n8n 2.40.7 with the
 * packed package installed as a community package, a credential pointing at the local emulator and
 * examples/1-deploy-pipeline.json imported; headless Chromium opens the workflow, each of our nodes'
 * parameter panels and the credential, asserts what they show, and saves the screenshots the README
 * uses (to docs/screenshots/ with UPDATE_SCREENSHOTS=1, else test-results/). A copy of example 1 is then
 * run from the editor as a newcomer would: its Path checked as it is typed, a new Model ID in Upload Model
 * deployed by Deploy Model (wired by default), and a failing upload explained in the panel's own labels.
 * Example 7's panels show what serious deployments set: Private Service Connect on Create Dedicated Endpoint, a
 * reserved GPU with vLLM autoscaling and scale to zero (Preview API) on Deploy Model, or a resource pool instead of
 * machines, and the private address on Invoke; Manage shows its resources with a live change of a deployed model.
 * Needs the n8n install, a build and Chromium, so it runs only with
 * N8N_E2E=1 (after npm run build and node scripts/ensure-chromium.js).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Page } from 'playwright-core';

import { CREDENTIAL, loadExample, type ExampleWorkflow } from '../../examples';
import { clientFromCredential } from '../../nodes/shared/client';
import { ensureN8n } from '../../scripts/n8n-install';
import { importWorkflow } from '../../scripts/n8n-run/instance';
import { startN8n, type N8nServer } from '../../scripts/n8n-run/server';
import { ownerSession } from '../../scripts/n8n-run/rest';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import { describeE2e, PACKAGE, prepareN8n, requireFreshBuild, type PreparedN8n } from '../e2e/support';
import { launchChromium, type HeadlessChromium } from './chromium';
import {
	canvasNode,
	canvasNodeIssues,
	canvasNodes,
	chooseOption,
	closeNodePanel,
	closeToasts,
	dismissInterruptions,
	imageState,
	labelTexts,
	openCredential,
	type NodePanel,
	openNodePanel,
	openWorkflow,
	closeNodeSearch,
	readableText,
	runWorkflowInEditor,
	searchNodePanel,
	settle,
	toasts,
	typeParameter,
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
	/** Hints and notes the panel must show (what to type, where ids come from). */
	texts?: string[];
	/** Labels the panel must not show at the top (moved under Options). */
	absent?: string[];
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
		texts: [
			'The output carries it as modelId: Deploy Model after this node deploys it without further wiring',
			'Trying it with the local emulator? Type emulator/sample-model-server, its built-in sample server',
		],
		absent: ['Resume Operation'],
	},
	{
		type: `${PACKAGE}.vertexAiCreateDedicatedEndpoint`,
		screenshot: 'create-endpoint.png',
		labels: ['Credential', 'Display Name', 'Endpoint ID', 'If the ID Exists', 'Inference Timeout (Seconds)', 'Wait for Completion'],
		values: { endpointId: 'sample-chat-endpoint', ifExists: 'Use the Existing Endpoint', inferenceTimeoutSeconds: '600' },
		canvasSubtitle: 'sample-chat-endpoint',
		texts: ['The output carries it as endpointId (and the incoming modelId on)'],
		absent: ['Resume Operation'],
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
		texts: [
			'{{ $json.endpointId }}',
			'{{ $json.modelId }}',
			'By default Endpoint and Model are the endpointId and modelId of the incoming item',
			'A new Model ID in Upload Model is deployed with no change here',
		],
		absent: ['Resume Operation'],
	},
	{
		type: `${PACKAGE}.vertexAiInvoke`,
		screenshot: 'invoke.png',
		labels: ['Credential', 'Endpoint', 'Path', 'Target', 'Body', 'JSON Body', 'Response Format', 'Streamed Output'],
		values: { path: '/v1/chat/completions', bodyType: 'JSON', streamOutput: 'One Item per Chunk' },
		canvasSubtitle: 'POST /v1/chat/completions',
		texts: [
			'{{ $json.endpointId }}',
			'By default Endpoint is the endpointId of the incoming item',
			"The emulator's sample server (Image URI emulator/sample-model-server) answers /v1/chat/completions",
		],
	},
];

/** The notice under Invoke's Path while a path the run would refuse is typed. */
const PATH_WARNING = 'This path would be refused: it must start with "/"';
/** The Model ID the newcomer types in the copy of example 1. */
const NEW_MODEL_ID = 'renamed-chat-model';

/** Example 5's Manage node, checking the deploy's operation in the Wait loop. */
const MANAGE_PANEL: PanelExpectation = {
	type: `${PACKAGE}.vertexAiManage`,
	screenshot: 'manage.png',
	labels: ['Credential', 'Resource', 'Operation', 'Operation Name'],
	values: { resource: 'Operation', operation: 'Get' },
	canvasSubtitle: 'get: operation',
};

/** Example 7's Create Dedicated Endpoint: a Private Service Connect endpoint. */
const PSC_ENDPOINT_PANEL: PanelExpectation = {
	type: `${PACKAGE}.vertexAiCreateDedicatedEndpoint`,
	screenshot: 'create-endpoint-psc.png',
	labels: ['Network Access', 'Allowed Projects', 'Automated PSC Endpoints', 'Project ID', 'Network', 'Also Public Dedicated DNS'],
	values: { networkAccess: 'Private Service Connect', projectAllowlist: 'your-project-id', network: 'projects/your-project-id/global/networks/default' },
	canvasSubtitle: 'private-llm-endpoint',
};

/** Example 7's Deploy Model: a reserved H100, vLLM metrics, Min Replicas 0 with the Preview API. */
const RESERVED_GPU_PANEL: PanelExpectation = {
	type: `${PACKAGE}.vertexAiDeployModel`,
	screenshot: 'deploy-model-autoscaling.png',
	labels: ['Machines', 'Machine Type', 'Accelerator Type', 'Accelerator Count', 'Min Replicas', 'Max Replicas', 'Autoscaling Metrics', 'Use Preview API (v1beta1)', 'Reservation', 'Reservation Names', 'Required Replicas', 'Idle Time Before Scaling to Zero (Minutes)', 'Min Time Scaled Up (Minutes)'],
	values: { resources: 'Dedicated to This Model', machineType: 'a3-highgpu-1g', acceleratorType: 'NVIDIA_H100_80GB', minReplicaCount: '0', maxReplicaCount: '2', reservationAffinity: 'Specific Reservations', idleScaledownMinutes: '15' },
	canvasSubtitle: 'a3-highgpu-1g',
};

/** Example 7's Invoke: the Private Service Connect connection and its address from the Set node before it (the CA is the credential's). */
const PRIVATE_INVOKE_PANEL: PanelExpectation = {
	type: `${PACKAGE}.vertexAiInvoke`,
	screenshot: 'invoke-private.png',
	labels: ['Connection', 'Private Address', 'Accept Self-Signed Certificate', 'TLS Server Name'],
	values: { connection: 'Private Service Connect' },
	canvasSubtitle: 'POST /v1/chat/completions',
	texts: ['{{ $json.privateAddress }}', '{{ $json.tlsServerName }}'],
};

/** A Manage node that changes a live deployment: more replicas and a vLLM metric to scale on (a workflow of the test). */
const LIVE_CHANGE: ExampleWorkflow = {
	id: 'vertexEditorLiveChange',
	name: 'Vertex AI: scale a live deployment',
	nodes: [
		{ id: 'a7e5c0de-0000-4000-8000-000000000001', name: 'Run Now', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'a7e5c0de-0000-4000-8000-000000000002',
			name: 'Scale Up',
			type: `${PACKAGE}.vertexAiManage`,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'deployedModel',
				operation: 'update',
				endpoint: { __rl: true, mode: 'id', value: 'private-llm-endpoint' },
				deployedModel: { __rl: true, mode: 'id', value: '1234567890123456789' },
				updateFields: {
					maxReplicaCount: 4,
					requiredReplicaCount: 1,
					autoscalingMetrics: { metric: [{ metric: 'custom', customMetricName: 'prometheus.googleapis.com/vertex_vllm_num_requests_waiting', target: 5 }] },
				},
			},
			credentials: { [CREDENTIAL.type]: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
		},
	],
	connections: { 'Run Now': { main: [[{ node: 'Scale Up', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

const LIVE_CHANGE_PANEL: PanelExpectation = {
	type: `${PACKAGE}.vertexAiManage`,
	screenshot: 'manage-deployed-model-update.png',
	labels: ['Resource', 'Operation', 'Endpoint', 'Deployed Model', 'Update Fields', 'Max Replicas', 'Required Replicas', 'Autoscaling Metrics', 'Metric Name'],
	values: {
		resource: 'Deployed Model',
		operation: 'Update',
		maxReplicaCount: '4',
		customMetricName: 'prometheus.googleapis.com/vertex_vllm_num_requests_waiting',
	},
	canvasSubtitle: 'update: deployedModel',
};

const CREDENTIAL_LABELS = ['Authentication', 'Service Account Key JSON', 'Project ID', 'Location', 'Custom API Endpoint', 'Custom Token URL'];

/** Runs a test's steps; when one fails, what the page showed goes to test-results/failures/<name>.png. */
async function showingFailure(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
	try {
		await steps();
	} catch (error) {
		const folder = join(PROJECT_ROOT, 'test-results', 'failures');
		mkdirSync(folder, { recursive: true });
		await page.screenshot({ path: join(folder, `${name}.png`) }).catch(() => undefined);
		throw error;
	}
}

/** A viewport screenshot into SCREENSHOTS, once the page has settled and nothing covers it. */
async function screenshot(page: Page, name: string): Promise<void> {
	await dismissInterruptions(page);
	await settle(page);
	expect(await toasts(page).allInnerTexts()).toEqual([]);
	await page.screenshot({ path: join(SCREENSHOTS, name) });
}

/** Scrolls the open panel until the parameter is in the middle of it (for a screenshot of a long panel's lower part). */
async function scrollToParameter(panel: NodePanel, parameterName: string): Promise<void> {
	await panel.parameters.locator(`[data-test-id="parameter-input-${parameterName}"]`).first().evaluate((field) => field.scrollIntoView({ block: 'center' }));
}

/** Opens the panel of `expected.type` on the open canvas and checks its labels, values, texts and credential. */
async function openAndCheckPanel(page: Page, expected: PanelExpectation): Promise<NodePanel> {
	const panel = await openNodePanel(page, expected.type);
	expect(await panel.labels()).toEqual(expect.arrayContaining(expected.labels));
	for (const [parameterName, value] of Object.entries(expected.values)) {
		expect({ [parameterName]: await panel.shownValue(parameterName) }).toEqual({ [parameterName]: value });
	}
	expect(await panel.credentialSelect.inputValue()).toBe(CREDENTIAL.name);
	expect(await panel.issues.count()).toBe(0);
	const shown = await panel.parameters.innerText();
	for (const text of expected.texts ?? []) expect({ text, shown: shown.includes(text) }).toEqual({ text, shown: true });
	return panel;
}

describeE2e('our nodes and credential in the real n8n editor (headless Chromium)', () => {
	let emulator: EmulatorProcess;
	let n8n: PreparedN8n;
	let server: N8nServer;
	let browser: HeadlessChromium;
	let page: Page;
	let workflow: ExampleWorkflow;
	let waitLoop: ExampleWorkflow;
	let tryIt: ExampleWorkflow;
	let privateGpu: ExampleWorkflow;
	const consoleMessages: string[] = [];
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
		privateGpu = loadExample('privateReservedGpu');
		await importWorkflow(n8n.instance, privateGpu);
		await importWorkflow(n8n.instance, LIVE_CHANGE);
		// A copy of example 1 that the test edits and runs, so the panels above show the example as it is.
		tryIt = { ...loadExample('deployPipeline'), id: 'vertexEditorTryIt', name: 'Vertex AI: example 1, tried in the editor' };
		await importWorkflow(n8n.instance, tryIt);

		server = await startN8n(n8n.instance);
		const cookie = await ownerSession(server.baseUrl);
		browser = await launchChromium(VIEWPORT);
		await useSession(browser.context, server.baseUrl, cookie);
		page = browser.context.pages()[0] ?? (await browser.context.newPage());
		page.on('pageerror', (error) => pageErrors.push(error.message));
		page.on('console', (message) => consoleMessages.push(message.text()));
		// Leaving an edited workflow asks "leave the page?" (beforeunload): the test's edits are not meant to be kept.
		page.on('dialog', (dialog) => void dialog.accept());
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
		const shown = await panel.parameters.innerText();
		for (const text of expected.texts ?? []) expect({ text, shown: shown.includes(text) }).toEqual({ text, shown: true });
		for (const label of expected.absent ?? []) expect(labels).not.toContain(label);
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

	it('shows example 7: Private Service Connect, a reserved GPU with vLLM autoscaling and scale to zero, a resource pool instead, the private address', async () => {
		await showingFailure(page, 'private-gpu', async () => {
			await openWorkflow(page, server.baseUrl, privateGpu.id, privateGpu.nodes.length);
			expect(await canvasNodes(page).count()).toBe(privateGpu.nodes.length);
			for (const expected of [PSC_ENDPOINT_PANEL, RESERVED_GPU_PANEL, PRIVATE_INVOKE_PANEL]) {
				expect(await canvasNode(page, expected.type).innerText()).toContain(expected.canvasSubtitle);
			}
			expect(await canvasNodeIssues(page).count()).toBe(0);
			await screenshot(page, 'private-gpu-workflow.png');

			await scrollToParameter(await openAndCheckPanel(page, PSC_ENDPOINT_PANEL), 'networkAccess');
			await screenshot(page, PSC_ENDPOINT_PANEL.screenshot);
			await closeNodePanel(page);

			const deploy = await openAndCheckPanel(page, RESERVED_GPU_PANEL);
			const metrics = await deploy.parameters.locator('[data-test-id="parameter-input-metric"]').locator('input').evaluateAll((inputs) =>
				inputs.map((input) => (input as unknown as { value: string }).value),
			);
			expect(metrics).toEqual(['vLLM GPU KV Cache Usage (%)', 'vLLM Requests Waiting (Per Replica)']);
			await scrollToParameter(deploy, 'metric');
			await screenshot(page, RESERVED_GPU_PANEL.screenshot);
			await scrollToParameter(deploy, 'usePreviewApi');
			await screenshot(page, 'deploy-model-preview.png');
			// A deployment resource pool replaces the machine parameters (the pool sets them).
			await scrollToParameter(deploy, 'resources');
			await chooseOption(page, deploy, 'resources', 'Deployment Resource Pool');
			const labels = await deploy.labels();
			expect(labels).toContain('Deployment Resource Pool');
			for (const machineLabel of ['Machine Type', 'Accelerator Type', 'Min Replicas', 'Autoscaling Metrics']) expect(labels).not.toContain(machineLabel);
			await scrollToParameter(deploy, 'resources');
			await screenshot(page, 'deploy-model-pool.png');
			await closeNodePanel(page);

			await scrollToParameter(await openAndCheckPanel(page, PRIVATE_INVOKE_PANEL), 'connection');
			await screenshot(page, PRIVATE_INVOKE_PANEL.screenshot);
		});
	}, 180_000);

	it("shows Manage's live change of a deployed model: replicas and a vLLM metric", async () => {
		await showingFailure(page, 'live-change', async () => {
			await openWorkflow(page, server.baseUrl, LIVE_CHANGE.id, LIVE_CHANGE.nodes.length);
			expect(await canvasNode(page, LIVE_CHANGE_PANEL.type).innerText()).toContain(LIVE_CHANGE_PANEL.canvasSubtitle);
			await openAndCheckPanel(page, LIVE_CHANGE_PANEL);
			await screenshot(page, LIVE_CHANGE_PANEL.screenshot);
		});
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

	it("checks Invoke's Path as it is typed: a path the run would refuse shows a warning under it", async () => {
		await showingFailure(page, 'path-check', async () => {
			await openWorkflow(page, server.baseUrl, tryIt.id, tryIt.nodes.length);
			const panel = await openNodePanel(page, `${PACKAGE}.vertexAiInvoke`);
			const warning = panel.parameters.getByText(PATH_WARNING);
			expect(await warning.count()).toBe(0);
			await typeParameter(panel, 'path', '/../x');
			await warning.waitFor();
			await screenshot(page, 'invoke-path-check.png');
			for (const refused of ['no-slash', '/', '/a//b', '/a?b=1']) {
				await typeParameter(panel, 'path', refused);
				expect({ refused, warned: await warning.isVisible() }).toEqual({ refused, warned: true });
			}
			await typeParameter(panel, 'path', '/v1/chat/completions');
			await warning.waitFor({ state: 'detached' });
		});
	}, 120_000);

	it('runs the pipeline from the editor: a new Model ID typed in Upload Model is what Deploy Model deploys, wired by default', async () => {
		await showingFailure(page, 'run', async () => {
			await openWorkflow(page, server.baseUrl, tryIt.id, tryIt.nodes.length);
			const upload = await openNodePanel(page, `${PACKAGE}.vertexAiUploadModel`);
			await typeParameter(upload, 'modelId', NEW_MODEL_ID);
			await closeNodePanel(page);

			consoleMessages.length = 0;
			await runWorkflowInEditor(page, { outcome: 'success', nodeCount: tryIt.nodes.length });
			await closeToasts(page);
			const deploy = await openNodePanel(page, `${PACKAGE}.vertexAiDeployModel`);
			// The default {{ $json.modelId }} resolves to the new id in the panel, and the run deployed it.
			expect(await deploy.panel.locator('[data-test-id="parameter-expression-preview-model"]').innerText()).toBe(NEW_MODEL_ID);
			const output = deploy.panel.locator('[data-test-id="output-panel"]');
			await output.getByText(NEW_MODEL_ID).first().waitFor();
			expect(await output.innerText()).toContain('sample-chat-endpoint');
			await screenshot(page, 'deploy-model-run.png');
			const endpoint = await clientFromCredential(emulator.credentialData()).getEndpoint('sample-chat-endpoint');
			expect(endpoint.deployedModels?.map((deployed) => deployed.model?.split('/').at(-1))).toContain(NEW_MODEL_ID);
			// The deploy's stages reached the browser's console (all a manual run can show while a node runs).
			expect(consoleMessages.some((message) => /Vertex AI deployment stage: SUCCESSFULLY_DEPLOYED/.test(message))).toBe(true);
			await closeNodePanel(page);

			// Invoke's chunk items in the output table: the text column first, the response facts once.
			const invoke = await openNodePanel(page, `${PACKAGE}.vertexAiInvoke`);
			const table = invoke.panel.locator('[data-test-id="output-panel"] table');
			await table.waitFor();
			const columns = (await table.locator('thead th').allInnerTexts()).map((column) => column.trim()).filter(Boolean);
			expect(columns.slice(0, 3)).toEqual(['text', 'chunkIndex', 'data']);
			await screenshot(page, 'invoke-chunks.png');
		});
	}, 240_000);

	it('explains a failing upload in the words on screen: "Model ID" and "If the Model ID Exists", not modelId and ifExists', async () => {
		await showingFailure(page, 'upload-error', async () => {
			// The model the run above created exists now: uploading it again with "Fail" is refused.
			await openWorkflow(page, server.baseUrl, tryIt.id, tryIt.nodes.length);
			const upload = await openNodePanel(page, `${PACKAGE}.vertexAiUploadModel`);
			await typeParameter(upload, 'modelId', NEW_MODEL_ID);
			await chooseOption(page, upload, 'ifExists', 'Fail');
			expect(await upload.shownValue('ifExists')).toBe('Fail');
			await closeNodePanel(page);

			await runWorkflowInEditor(page, { outcome: 'error', failingType: `${PACKAGE}.vertexAiUploadModel` });
			await closeToasts(page);
			const failed = await openNodePanel(page, `${PACKAGE}.vertexAiUploadModel`);
			const message = failed.panel.locator('[data-test-id="node-error-message"]');
			await message.waitFor();
			expect(await message.innerText()).toBe(
				`Model "${NEW_MODEL_ID}" already exists. Choose another "Model ID", or reuse the existing one (set "If the Model ID Exists" to "Use the Existing Model").`,
			);
			const shown = await failed.panel.innerText();
			expect(shown).not.toMatch(/\bmodelId\b.*\bifExists\b|ifExists: 'use'/);
			await screenshot(page, 'upload-error.png');
		});
	}, 240_000);

	it('raised no uncaught error in the editor page', () => {
		expect(pageErrors).toEqual([]);
	});
});
