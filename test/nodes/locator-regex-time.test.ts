/**
 * n8n runs a locator's `validation` regex (and a `_cnd` display regex) in a node:vm with a 250 ms timeout. Ours are
 * built from lib/rules/ids.ts and lib/invoke/policy.ts and run in time linear in the input: checked here on long
 * hostile inputs (a pattern with catastrophic backtracking takes seconds on a few dozen characters), and on the
 * id corpus the core is tested with (test/lib/rules/ids.corpus.ts).
 */
import { performance } from 'node:perf_hooks';

import { VertexAiChatModel } from '../../nodes/VertexAiChatModel/VertexAiChatModel.node';
import { VertexAiCreateDedicatedEndpoint } from '../../nodes/VertexAiCreateDedicatedEndpoint/VertexAiCreateDedicatedEndpoint.node';
import { VertexAiDeployModel } from '../../nodes/VertexAiDeployModel/VertexAiDeployModel.node';
import { VertexAiEmbeddings } from '../../nodes/VertexAiEmbeddings/VertexAiEmbeddings.node';
import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';
import { VertexAiManage } from '../../nodes/VertexAiManage/VertexAiManage.node';
import { VertexAiUploadModel } from '../../nodes/VertexAiUploadModel/VertexAiUploadModel.node';
import { CORPUS, HOSTILE } from '../lib/rules/ids.corpus';

/** Every `regex` in a description, as n8n runs it: a locator validation wrapped in ^...$, a `_cnd` as it is. */
function regexesIn(value: unknown, found: Map<string, string>, parentKey = ''): void {
	if (Array.isArray(value)) return value.forEach((entry) => regexesIn(entry, found, parentKey));
	if (!value || typeof value !== 'object') return;
	for (const [key, entry] of Object.entries(value)) {
		if (key === 'regex' && typeof entry === 'string') found.set(parentKey === '_cnd' ? entry : `^${entry}$`, parentKey || 'regex');
		else regexesIn(entry, found, key);
	}
}

const nodes = [VertexAiInvoke, VertexAiManage, VertexAiDeployModel, VertexAiUploadModel, VertexAiChatModel, VertexAiEmbeddings, VertexAiCreateDedicatedEndpoint];
const regexes = new Map<string, string>();
for (const Node of nodes) regexesIn(new Node().description, regexes);

/** Inputs that make a backtracking pattern over these grammars work hardest: long runs of what almost matches. */
function hostile(length: number): string[] {
	const times = (text: string) => text.repeat(Math.ceil(length / text.length));
	return [
		times('a'),
		times('1'),
		`${times('a-')}!`,
		`projects/${times('a.')}`,
		`projects/${times('a.')}a:x`,
		`projects/${times(`${'a'.repeat(62)}.`)}`,
		`projects/p/locations/${times('a-')}`,
		`projects/my-project/locations/us-central1/models/${times('a')}@`,
		`https://h/${times('/locations/a')}`,
		`https://h/${times('/locations/a/endpoints/1')}!`,
		`https://h/${times('/locations/a/models/m/versions/1')}`,
		`https://${times('h')}`,
		`/${times('%2')}`,
		`/${times('./')}`,
		`${times('a')}\n`,
	];
}

function slowest(pattern: RegExp, inputs: string[]): number {
	let worst = 0;
	for (const input of inputs) {
		const start = performance.now();
		pattern.test(input);
		worst = Math.max(worst, performance.now() - start);
	}
	return worst;
}

describe('the regexes n8n runs under its 250 ms timeout', () => {
	it('are found in the descriptions', () => {
		expect(regexes.size).toBeGreaterThan(5);
	});

	it.each([...regexes.keys()])('%s runs fast on 20,000-character hostile inputs and on the id corpus', (source) => {
		const pattern = new RegExp(source);
		const corpus = [...HOSTILE, ...Object.values(CORPUS).flatMap((rules) => [...rules.good, ...rules.bad])];
		slowest(pattern, corpus); // compiled once, as n8n's regex cache would
		// Linear patterns take well under a millisecond here; a backtracking one takes seconds or never ends.
		expect(slowest(pattern, [...corpus, ...hostile(20_000)])).toBeLessThan(100);
	});
});
