/**
 * What the test needs to know about n8n 2.40's editor UI: its data-test-id selectors, how to open a
 * node's parameter panel and a credential, and how to tell that the page has settled.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';

/** Gives the browser the owner's session (the `n8n-auth` cookie from ownerSession) instead of typing a login. */
export async function useSession(context: BrowserContext, baseUrl: string, cookieHeader: string): Promise<void> {
	const separator = cookieHeader.indexOf('=');
	await context.addCookies([{ name: cookieHeader.slice(0, separator), value: cookieHeader.slice(separator + 1), url: baseUrl }]);
}

// Modals n8n may put over the editor for a new owner; none of them belongs in a screenshot.
const INTERRUPTING_MODALS = ['nps-survey-modal', 'personalization-form', 'contact-prompt-modal', 'whats-new-modal'];

/** Closes any survey or onboarding modal that is showing (Escape closes n8n's dialogs and drawers). */
export async function dismissInterruptions(page: Page): Promise<void> {
	for (const testId of INTERRUPTING_MODALS) {
		const modal = page.locator(`[data-test-id="${testId}"]`);
		if (!(await modal.isVisible())) continue;
		await page.keyboard.press('Escape');
		await modal.waitFor({ state: 'hidden', timeout: 10_000 });
	}
}

// Functions passed to evaluate() run in the browser; the project compiles without the DOM library,
// so they reach the page's globals through this loosely typed handle.
type BrowserGlobals = { document: any };

/** Waits until fonts are loaded, images are complete and no CSS animation or transition is running. */
export async function settle(page: Page): Promise<void> {
	await page.waitForFunction(
		() => {
			const { document } = globalThis as unknown as BrowserGlobals;
			return (
				document.fonts.status === 'loaded' &&
				[...document.images].every((image: { complete: boolean }) => image.complete) &&
				document.getAnimations().every((animation: { playState: string }) => animation.playState !== 'running')
			);
		},
		undefined,
		{ timeout: 30_000 },
	);
}

/** The canvas node of a node type (our nodes are found by type, so renamed nodes still match). */
export function canvasNode(page: Page, nodeType: string): Locator {
	return page.locator(`[data-test-id="canvas-node"][data-node-type="${nodeType}"]`);
}

export function canvasNodes(page: Page): Locator {
	return page.locator('[data-test-id="canvas-node"]');
}

/** Canvas markers of nodes with issues (a missing required parameter, a missing credential, ...). */
export function canvasNodeIssues(page: Page): Locator {
	return page.locator('[data-test-id="canvas-node"] [data-test-id="node-issues"]');
}

/** Opens the workflow in the editor and waits for its canvas nodes. */
export async function openWorkflow(page: Page, baseUrl: string, workflowId: string, nodeCount: number): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	await canvasNodes(page).nth(nodeCount - 1).waitFor();
	await dismissInterruptions(page);
}

/** The node details view ("NDV"), as a double-click on a canvas node opens it. */
export interface NodePanel {
	panel: Locator;
	parameters: Locator;
	/** Labels of the parameters shown, as displayed. */
	labels(): Promise<string[]>;
	/** The value an input of a parameter shows (the text field, or the chosen option's name). */
	shownValue(parameterName: string): Promise<string>;
	/** Warning markers n8n puts beside parameters with issues. */
	issues: Locator;
	credentialSelect: Locator;
	/** Icons of the package's nodes in the panel (its header, the floating neighbour nodes). */
	packageIcons: Locator;
}

export async function openNodePanel(page: Page, nodeType: string): Promise<NodePanel> {
	const packageName = nodeType.slice(0, nodeType.indexOf('.'));
	await canvasNode(page, nodeType).dblclick();
	const panel = page.locator('[data-test-id="ndv"]');
	const parameters = panel.locator('[data-test-id="node-parameters"]');
	await parameters.waitFor();
	await dismissInterruptions(page);
	return {
		panel,
		parameters,
		labels: async () => await labelTexts(parameters),
		shownValue: async (parameterName) =>
			await parameters.locator(`[data-test-id="parameter-input-${parameterName}"]`).locator('input, textarea').first().inputValue(),
		issues: parameters.locator('[data-test-id="parameter-issues"]'),
		credentialSelect: parameters.locator('[data-test-id="node-credentials-select"] input').first(),
		packageIcons: panel.locator(`img[src*="/icons/${packageName}/"]`),
	};
}

/**
 * The parameter labels shown in a panel or modal, without the required-field asterisk. A label's
 * first part is its title; the rest holds the Fixed / Expression switch and the value preview.
 */
export async function labelTexts(scope: Locator): Promise<string[]> {
	const titles = await scope.locator('label.n8n-input-label > div:first-child').allInnerTexts();
	return titles.map((title) => title.trim().replace(/\s*\*$/, ''));
}

/** Closes the node panel if one is open. */
export async function closeNodePanel(page: Page): Promise<void> {
	if (!(await page.locator('[data-test-id="ndv"]').isVisible())) return;
	await page.locator('[data-test-id="ndv-close-button"]').click();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/** Whether an <img> loaded (complete with a size) and where from; icons that fail to load have no size. */
export async function imageState(image: Locator): Promise<{ src: string; loaded: boolean }> {
	return await image.evaluate((element) => {
		const img = element as unknown as { complete: boolean; naturalWidth: number; getAttribute(name: string): string | null };
		return { src: img.getAttribute('src') ?? '', loaded: img.complete && img.naturalWidth > 0 };
	});
}

/** Opens a credential from the Credentials page, as a user does; resolves to its edit modal. */
export async function openCredential(page: Page, baseUrl: string, credentialName: string): Promise<Locator> {
	await page.goto(`${baseUrl}/home/credentials`);
	await dismissInterruptions(page);
	await page.locator('[data-test-id="resources-list-item"]').filter({ hasText: credentialName }).click();
	const modal = page.locator('[data-test-id="editCredential-modal"]');
	await modal.waitFor();
	return modal;
}

/** Toast messages on screen (n8n shows errors as Element Plus notifications). */
export function toasts(page: Page): Locator {
	return page.locator('.el-notification');
}

/** Everything a user could read on the page: the visible text and the values of every field. */
export async function readableText(page: Page): Promise<string> {
	return await page.evaluate(() => {
		const { document } = globalThis as unknown as BrowserGlobals;
		const fields = [...document.querySelectorAll('input, textarea')].map((field: { value: string }) => field.value);
		return [document.body.innerText, ...fields].join('\n');
	});
}

/**
 * Opens the node panel ("node creator") from the canvas, types `query` in its search and returns the
 * names of the nodes it lists.
 */
export async function searchNodePanel(page: Page, query: string): Promise<string[]> {
	const creator = page.locator('[data-test-id="node-creator"]');
	if (!(await creator.isVisible())) {
		await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
		await creator.waitFor();
	}
	const names = async () =>
		(await creator.locator('[data-test-id="node-creator-item-name"]').allInnerTexts()).map((text) => text.trim());
	const search = creator.locator('[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]').first();
	await search.click();
	await search.press('ControlOrMeta+a');
	await search.press('Backspace');
	const before = (await names()).join('|');
	// Typed key by key: the panel searches on input events, which fill() alone does not give it.
	await search.pressSequentially(query, { delay: 15 });
	// The results come after a debounce: wait until they differ from the list before typing and hold still.
	let last = before;
	for (let attempt = 0; attempt < 50; attempt++) {
		await page.waitForTimeout(100);
		const now = (await names()).join('|');
		if (now !== before && now === last) break;
		last = now;
	}
	await settle(page);
	return await names();
}

/** Closes the node panel if it is open. */
export async function closeNodeSearch(page: Page): Promise<void> {
	const creator = page.locator('[data-test-id="node-creator"]');
	// The first Escape may only clear the search text.
	for (let attempt = 0; attempt < 3 && (await creator.isVisible()); attempt++) {
		await page.keyboard.press('Escape');
		await creator.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
	}
}

/** Closes every toast n8n shows (a failed run's "Problem in node" among them). */
export async function closeToasts(page: Page): Promise<void> {
	const close = page.locator('.el-notification .el-notification__closeBtn');
	for (let attempt = 0; attempt < 10 && (await close.count()) > 0; attempt++) {
		await close.first().click();
		await page.waitForTimeout(200);
	}
	await toasts(page).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

/** Types a value into a text parameter of the open panel (its input replaced, as a user selects all and types). */
export async function typeParameter(panel: NodePanel, parameterName: string, value: string): Promise<void> {
	const input = panel.parameters.locator(`[data-test-id="parameter-input-${parameterName}"]`).locator('input, textarea').first();
	await input.fill(value);
	await input.press('Tab');
}

/** Picks an option of an options parameter in the open panel by the name it shows. */
export async function chooseOption(page: Page, panel: NodePanel, parameterName: string, optionName: string): Promise<void> {
	await panel.parameters.locator(`[data-test-id="parameter-input-${parameterName}"]`).click();
	await page.locator('.el-select-dropdown__item:visible').filter({ hasText: optionName }).first().click();
	await settle(page);
}

/**
 * Runs the open workflow from the canvas ("Execute workflow", a manual run) and waits until it ended: every node
 * marked successful, or (`outcome: 'error'`) the node `failingType` marked with its issue.
 */
export async function runWorkflowInEditor(
	page: Page,
	expected: { outcome: 'success'; nodeCount: number } | { outcome: 'error'; failingType: string },
): Promise<void> {
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	if (expected.outcome === 'success') {
		await page.locator('[data-test-id="canvas-node-status-success"]').nth(expected.nodeCount - 1).waitFor({ timeout: 120_000 });
	} else {
		await canvasNode(page, expected.failingType).locator('[data-test-id="node-issues"]').waitFor({ timeout: 120_000 });
	}
	await settle(page);
}
