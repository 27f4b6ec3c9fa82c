/**
 * The Node-RED package in Node-RED's editor (headless Chromium): the example flow run against the emulator with
 * the Debug sidebar open, every node of the package drawn from its editor HTML with no error mark, the statuses the run left
 * ("deployed ...", "done: N chunks"), and the Invoke node's edit dialog with its typed inputs. Screenshots go to
 * docs/screenshots/ with UPDATE_SCREENSHOTS=1 (the README shows them), else to test-results/. Only with
 * N8N_E2E=1, after npm run build.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { EmulatorProcess } from '../../scripts/n8n-run/emulator';
import { captureDebug, deployFlows, exampleFlowFor, inject, type NodeRedInstance } from '../../scripts/node-red-run';
import { describeE2e, requireFreshBuild, startNodeRedOnEmulator } from '../e2e/support';
import { launchChromium, type HeadlessChromium } from './chromium';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(PROJECT_ROOT, 'docs', 'screenshots') : join(PROJECT_ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1280, height: 720 };
const OUR_TYPES = ['vertex-ai-upload-model', 'vertex-ai-create-endpoint', 'vertex-ai-deploy-model', 'vertex-ai-invoke'];

let nodeRed: NodeRedInstance;
let chromium: HeadlessChromium;
let stop: (() => Promise<void>) | undefined;

describeE2e("the example flow in Node-RED's editor", () => {
	beforeAll(async () => {
		requireFreshBuild();
		mkdirSync(SCREENSHOTS, { recursive: true });
		let emulator: EmulatorProcess;
		({ emulator, nodeRed, stop } = await startNodeRedOnEmulator());
		await deployFlows(nodeRed.url, exampleFlowFor(emulator));
		chromium = await launchChromium(VIEWPORT);
	}, 300_000);

	afterAll(async () => {
		await chromium?.close();
		await stop?.();
	});

	it('draws the flow with the run\'s statuses and no node in error; the Invoke dialog shows its typed inputs', async () => {
		const page = await chromium.context.newPage();
		await page.goto(nodeRed.url);
		await page.locator('#red-ui-workspace-chart .red-ui-flow-node').first().waitFor({ timeout: 60_000 });
		// The run is started with the Debug sidebar open, so it shows the streamed messages as they arrive.
		await page.locator('#red-ui-tab-debug-link-button').click();
		const debug = await captureDebug(nodeRed.url);
		await inject(nodeRed.url, 'run');
		const started = Date.now();
		while (!debug.messages.some((message) => message.id === 'answer' || message.id === 'errors') && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
		debug.close();
		expect(debug.messages.filter((message) => message.id === 'errors')).toEqual([]);
		// Every node of the package is in the palette under its category.
		for (const type of OUR_TYPES) await page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).waitFor({ state: 'attached' });
		// No node is marked invalid (a red triangle) and the run's statuses are drawn.
		expect(await page.locator('.red-ui-flow-node-error:not(.hide)').count()).toBe(0);
		// Statuses reach the editor over its websocket after the flow is drawn.
		await page
			.locator('.red-ui-flow-node-status-label', { hasText: /^done: \d+ chunks$/ })
			.waitFor({ state: 'attached', timeout: 20_000 });
		const statuses = await page.locator('.red-ui-flow-node-status-label').allTextContents();
		expect(statuses).toEqual(expect.arrayContaining([expect.stringMatching(/^deployed \d+$/), expect.stringMatching(/^done: \d+ chunks$/)]));
		// No tooltip over the picture.
		await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 40);
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(SCREENSHOTS, 'node-red-flow.png') });

		await page.locator('#red-ui-workspace-chart g.red-ui-flow-node-group', { hasText: 'Invoke Chat' }).dblclick();
		const dialog = page.locator('#red-ui-editor-stack .red-ui-tray').last();
		await dialog.locator('#node-input-path').waitFor({ state: 'attached' });
		expect(await dialog.locator('.red-ui-typedInput-container').count()).toBeGreaterThanOrEqual(5);
		// Every typed input holds a valid value as the example sets it (an invalid one is drawn in red).
		expect(await dialog.locator('.red-ui-typedInput-container.input-error').count()).toBe(0);
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(SCREENSHOTS, 'node-red-invoke.png') });
	});
});
