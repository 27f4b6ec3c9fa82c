/**
 * Hostile resource names through every client method that takes one, against a recording server on 127.0.0.1.
 *
 * A generated corpus (dot segments raw and percent-encoded in every case mix, "#", "?", "\", "%2f", "%00", unicode
 * dots, whitespace and CRLF, overlong values, valid and invalid segments mixed, extra segments inserted) fills each
 * slot of each name: the project, the location, the id, the version, the operation id, the deployed model id, the
 * invoke path. Each case is built from known-good parts plus, or not, a hostile one; the server must then have
 * received either nothing (a VertexValidationError naming the field) for every hostile case, or, for every clean
 * one, exactly the expected path under /v1/projects/{p}/locations/us-central1/, byte for byte.
 *
 * The one URL check every builder uses (assertRequestUrl, via scopedApiUrl and buildInvokeUrl) is tested on its
 * own too, with the grammar out of the way.
 */
import {
	assertRequestUrl,
	buildInvokeUrl,
	closeSharedAgent,
	scopedApiUrl,
	VertexClient,
	VertexValidationError,
} from '../support/lib-internals';
import { FakeGoogle, type RecordedRequest } from '../support/fakeGoogle';

const PROJECT = 'test-project';
const LOCATION = 'us-central1';
const PARENT = `projects/${PROJECT}/locations/${LOCATION}`;

let fake: FakeGoogle;
let client: VertexClient;

beforeAll(async () => {
	fake = await FakeGoogle.start();
	// No routes: every request that gets through is answered 404, so each method sends exactly one request.
	client = new VertexClient({
		credential: { kind: 'accessToken', accessToken: fake.mintToken() },
		projectId: PROJECT,
		location: LOCATION,
		apiBaseUrl: fake.url,
		retry: { maxAttempts: 1 },
	});
});

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

// ---------------------------------------------------------------------------------------------------------------
// The corpus

/**
 * Hostile fragments. Each one holds a character no valid id, project, location, version or number can hold ("." and
 * "%" included), so a slot holding one, whatever surrounds it, is never valid.
 */
const DOTS = ['.', '..', '...', '%2e', '%2E', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%2E.', '.%2E', '%252e', '%252e%252e', '%25%32%65'];
const DELIMITERS = ['#', '?', '?x=1', '#frag', '?alt=media#x', '%23', '%3f', '%3F', ';', '..;', '.;x=1', '&', '%26'];
const SLASHES = ['\\', '\\..', '..\\', '%5c', '%5C', '%2f', '%2F', '..%2f', '%2e%2e%2f', '%252f', '/', '//', '/./', '/../'];
const CONTROL = ['%00', '\u0000', '%0d%0a', '\r\n', '\n', '\r', '\t', ' ', '%20', '+', '\u00a0', '\u200b', '\ufeff'];
const UNICODE = ['\u2024', '\u2025', '\uff0e', '\uff0e\uff0e', '\u3002', '\u0130', 'é', 'ｍ', '\ud800', '\u{1f600}', '\u2215', '\u29f5', '\uff0f'];
const OTHER = ['_', '*', '$', '!', "'", '"', '<', '>', '`', '{', '}', '|', '^', '~', ',', '=', '%', '%zz', '%e', '%C0%AE'];
const FRAGMENTS = [...DOTS, ...DELIMITERS, ...SLASHES, ...CONTROL, ...UNICODE, ...OTHER];

/** Whole values that are wrong on their own: empty, overlong, uppercase, misplaced hyphens, huge numbers. */
const WRONG_VALUES = [
	'',
	'a'.repeat(64),
	'a'.repeat(300),
	`m${'-'.repeat(70)}1`,
	'1'.repeat(21),
	'9'.repeat(40),
	'A',
	'Model',
	'-m',
	'm-',
];

interface Slot {
	/** Values that make a good name in this slot. */
	good: string[];
	/** Values (besides hostile fragments) that must be refused in this slot. */
	wrong?: string[];
	/** The wrong values above that are valid here (a version alias may be 128 characters). */
	notWrong?: string[];
	/** Instead of the generated variants: exactly these (invoke path segments, whose rules differ). */
	variants?: string[];
}

/** Every hostile variant of a slot: a fragment alone, after, before and inside a good value, and the wrong values. */
function hostileVariants(slot: Slot): string[] {
	if (slot.variants) return slot.variants;
	const base = slot.good[0];
	const variants = new Set<string>();
	for (const fragment of FRAGMENTS) {
		variants.add(fragment);
		variants.add(`${base}${fragment}`);
		variants.add(`${fragment}${base}`);
		variants.add(`${base}${fragment}${base}`);
	}
	for (const value of [...WRONG_VALUES, ...(slot.wrong ?? [])]) if (!slot.notWrong?.includes(value)) variants.add(value);
	for (const good of slot.good) variants.delete(good);
	return [...variants];
}

interface Case {
	method: string;
	/** What the method is called with (also shown when a case fails). */
	input: string;
	call: () => Promise<unknown>;
	/** undefined: must be refused with a VertexValidationError naming `field`; else the exact request expected. */
	expected?: { method: string; url: string };
	field: string;
}

/**
 * A name template: named slots, and how a filled-in template becomes a call and an expected request. `render`
 * builds the caller's value from slot values; `expect` gives the request for good values.
 */
interface Template {
	method: string;
	field: string;
	slots: Record<string, Slot>;
	render: (values: Record<string, string>) => string;
	call: (value: string) => Promise<unknown>;
	expect: (value: string, values: Record<string, string>) => { method: string; url: string };
	/** Segment boundaries ("/" positions) where an extra hostile segment may be inserted. */
	insertable?: boolean;
	/** The method trims whitespace around the value (names do; invoke's deployed model id and path do not). */
	trims?: false;
}

const project: Slot = { good: [PROJECT, '123456789012'], wrong: ['p', 'my-proj-', '1project', 'example..com:my-project', ':my-project'] };
// Another valid location is refused too: the client's host serves us-central1 only.
const location: Slot = { good: [LOCATION], wrong: ['europe-west4', 'US-CENTRAL1', 'us--central1', 'us-central1-', 'l'.repeat(200)] };
const id: Slot = { good: ['m', 'my-model-1', '1234567890123456789'], wrong: ['0123', '0'] };
const version: Slot = {
	good: ['1', '42', 'default', 'v2-beta'],
	wrong: ['0', '0123', 'V2', 'v2-', '-v2', 'a'.repeat(129)],
	notWrong: ['a'.repeat(64), `m${'-'.repeat(70)}1`],
};
const operationId: Slot = { good: ['1', '4567890123456789012'], wrong: ['op1', 'done', '1'.repeat(21)] };
// '' means "no deployed model" (the traffic split): not wrong.
const deployedModelId: Slot = { good: ['1', '7610156111225969199'], wrong: ['dm1', '1'.repeat(21)], notWrong: [''] };
/** Invoke path segments: the path rules (lib/invoke/path.ts) encode what is harmless, refuse what is not. */
const pathSegment: Slot = {
	good: ['generate', 'v1', 'chat-completions'],
	variants: [
		...['.', '..', '%2e', '%2E', '%2e%2e', '.%2e', '%2e.', '%2E%2E', '%252e', '%252e%252e', '..;x', '.;', '%2e%2e;x'],
		...['', '?', 'a?b', '?x=1', '#', 'a#b', '#x'],
		...['\\', 'a\\b', '%5c', '%5C', '%2f', 'a%2Fb', '%252f', '..%2f..'],
		...['%00', 'a%0d%0ab', '\r\n', '\n', '\t', 'a\u0000b', '%7f', '%C0%AE', '%', '%zz', 'a%e', '\ud800'],
	],
};

function fullName(collection: string): Template['render'] {
	return (values) => `projects/${values.project}/locations/${values.location}/${collection}/${values.id}`;
}

const get = (url: string) => ({ method: 'GET', url });
const post = (url: string) => ({ method: 'POST', url });
const bareModel = (value: string) => (value.startsWith('projects/') ? value : `${PARENT}/models/${value}`);
const bareEndpoint = (value: string) => (value.startsWith('projects/') ? value : `${PARENT}/endpoints/${value}`);
const barePool = (value: string) => (value.startsWith('projects/') ? value : `${PARENT}/deploymentResourcePools/${value}`);
const patch = (url: string) => ({ method: 'PATCH', url });

const nameSlots = { project, location, id };
const operationSlots = { project, location, id, operationId };

const TEMPLATES: Template[] = [
	// models, by full name and by bare id
	{ method: 'getModel', field: 'model', slots: nameSlots, render: fullName('models'), call: (v) => client.getModel(v), expect: (v) => get(`/v1/${v}`), insertable: true },
	{ method: 'getModel', field: 'model', slots: { id }, render: (x) => x.id, call: (v) => client.getModel(v), expect: (v) => get(`/v1/${bareModel(v)}`) },
	{
		method: 'getModel',
		field: 'model',
		slots: { id, version },
		render: (x) => `${x.id}@${x.version}`,
		call: (v) => client.getModel(v),
		expect: (v) => get(`/v1/${bareModel(v)}`),
	},
	{
		method: 'deleteModelVersion',
		field: 'model',
		slots: { ...nameSlots, version },
		render: (x) => `${fullName('models')(x)}@${x.version}`,
		call: (v) => client.deleteModelVersion(v),
		expect: (v) => get(`/v1/${v}`),
		insertable: true,
	},
	{
		method: 'listModelVersions',
		field: 'model',
		slots: nameSlots,
		render: fullName('models'),
		call: (v) => client.listModelVersions(v),
		expect: (v) => get(`/v1/${v}:listVersions`),
		insertable: true,
	},
	{
		method: 'deleteModel',
		field: 'model',
		slots: { id },
		render: (x) => x.id,
		call: (v) => client.deleteModel(v),
		expect: (v) => get(`/v1/${bareModel(v)}:listVersions?pageSize=100`),
	},
	// endpoints
	{ method: 'getEndpoint', field: 'endpoint', slots: nameSlots, render: fullName('endpoints'), call: (v) => client.getEndpoint(v), expect: (v) => get(`/v1/${v}`), insertable: true },
	{ method: 'getEndpoint', field: 'endpoint', slots: { id }, render: (x) => x.id, call: (v) => client.getEndpoint(v), expect: (v) => get(`/v1/${bareEndpoint(v)}`) },
	{
		method: 'deleteEndpoint',
		field: 'endpoint',
		slots: nameSlots,
		render: fullName('endpoints'),
		call: async (v) => client.deleteEndpoint(v),
		expect: (v) => get(`/v1/${v}`),
		insertable: true,
	},
	{
		method: 'undeployModel',
		field: 'endpoint',
		slots: { id },
		render: (x) => x.id,
		call: (v) => client.undeployModel({ endpoint: v, deployedModelId: '1' }),
		expect: (v) => get(`/v1/${bareEndpoint(v)}`),
	},
	{
		method: 'updateTrafficSplit',
		field: 'endpoint',
		slots: nameSlots,
		render: fullName('endpoints'),
		call: (v) => client.updateTrafficSplit({ endpoint: v, trafficSplit: { '1': 100 } }),
		expect: (v) => get(`/v1/${v}`),
	},
	{
		method: 'waitForDedicatedEndpointDns',
		field: 'endpoint',
		slots: { id },
		render: (x) => x.id,
		call: (v) => client.waitForDedicatedEndpointDns(v, { timeoutMs: 5_000 }),
		expect: (v) => get(`/v1/${bareEndpoint(v)}`),
	},
	{
		method: 'deployModel(endpoint)',
		field: 'endpoint',
		slots: nameSlots,
		render: fullName('endpoints'),
		call: (v) => client.deployModel({ endpoint: v, model: 'm', deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } }, trafficSplit: { '0': 100 } }),
		expect: (v) => post(`/v1/${v}:deployModel`),
	},
	{
		method: 'deployModel(model)',
		field: 'model',
		slots: { id, version },
		render: (x) => `${x.id}@${x.version}`,
		call: (v) => client.deployModel({ endpoint: 'ep', model: v, deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } }, trafficSplit: { '0': 100 } }),
		expect: () => post(`/v1/${PARENT}/endpoints/ep:deployModel`),
	},
	// live changes
	{
		method: 'updateEndpoint',
		field: 'endpoint',
		slots: nameSlots,
		render: fullName('endpoints'),
		call: (v) => client.updateEndpoint({ endpoint: v, displayName: 'x' }),
		expect: (v) => patch(`/v1/${v}?updateMask=displayName`),
		insertable: true,
	},
	{
		method: 'mutateDeployedModel',
		field: 'endpoint',
		slots: { id },
		render: (x) => x.id,
		call: (v) => client.mutateDeployedModel({ endpoint: v, deployedModelId: '1', minReplicaCount: 1 }),
		expect: (v) => get(`/v1/${bareEndpoint(v)}`),
	},
	{
		method: 'updateModel',
		field: 'model',
		slots: nameSlots,
		render: fullName('models'),
		call: (v) => client.updateModel({ model: v, displayName: 'x' }),
		expect: (v) => patch(`/v1/${v}?updateMask=displayName`),
		insertable: true,
	},
	{
		method: 'updateModel(aliases)',
		field: 'model',
		slots: { id, version },
		render: (x) => `${x.id}@${x.version}`,
		call: (v) => client.updateModel({ model: v, addVersionAliases: ['canary'] }),
		expect: (v) => get(`/v1/${bareModel(v)}`),
	},
	// deployment resource pools
	{
		method: 'getDeploymentResourcePool',
		field: 'deploymentResourcePool',
		slots: nameSlots,
		render: fullName('deploymentResourcePools'),
		call: (v) => client.getDeploymentResourcePool(v),
		expect: (v) => get(`/v1/${v}`),
		insertable: true,
	},
	{
		method: 'getDeploymentResourcePool',
		field: 'deploymentResourcePool',
		slots: { id },
		render: (x) => x.id,
		call: (v) => client.getDeploymentResourcePool(v),
		expect: (v) => get(`/v1/${barePool(v)}`),
	},
	{
		method: 'deleteDeploymentResourcePool',
		field: 'deploymentResourcePool',
		slots: nameSlots,
		render: fullName('deploymentResourcePools'),
		call: (v) => client.deleteDeploymentResourcePool(v),
		expect: (v) => get(`/v1/${v}:queryDeployedModels?pageSize=100`),
		insertable: true,
	},
	// operations
	{
		method: 'getOperation',
		field: 'operationName',
		slots: operationSlots,
		render: (x) => `projects/${x.project}/locations/${x.location}/endpoints/${x.id}/operations/${x.operationId}`,
		call: (v) => client.getOperation(v),
		expect: (v) => get(`/v1/${v}`),
		insertable: true,
	},
	{
		method: 'getOperation',
		field: 'operationName',
		slots: { project, location, operationId },
		render: (x) => `projects/${x.project}/locations/${x.location}/operations/${x.operationId}`,
		call: (v) => client.getOperation(v),
		expect: (v) => get(`/v1/${v}`),
		insertable: true,
	},
	{
		method: 'cancelOperation',
		field: 'operationName',
		slots: operationSlots,
		render: (x) => `projects/${x.project}/locations/${x.location}/models/${x.id}/operations/${x.operationId}`,
		call: (v) => client.cancelOperation(v),
		expect: (v) => post(`/v1/${v}:cancel`),
		insertable: true,
	},
	{
		method: 'waitForOperation',
		field: 'operationName',
		slots: operationSlots,
		render: (x) => `projects/${x.project}/locations/${x.location}/endpoints/${x.id}/operations/${x.operationId}`,
		call: (v) => client.waitForOperation(v, { timeoutMs: 5_000 }),
		expect: (v) => get(`/v1/${v}`),
	},
	{
		method: 'listOperations(model)',
		field: 'model',
		slots: nameSlots,
		render: fullName('models'),
		call: (v) => client.listOperations({ model: v }),
		expect: (v) => get(`/v1/${v}/operations`),
		insertable: true,
	},
	{
		method: 'listOperations(endpoint)',
		field: 'endpoint',
		slots: { id },
		render: (x) => x.id,
		call: (v) => client.listOperations({ endpoint: v }),
		expect: (v) => get(`/v1/${bareEndpoint(v)}/operations`),
	},
	// invoke
	{
		method: 'invoke(endpoint)',
		field: 'endpoint',
		slots: nameSlots,
		render: fullName('endpoints'),
		call: (v) => client.invoke({ endpoint: v, path: '/v1/chat/completions', body: { kind: 'json', value: {} } }),
		expect: (v) => post(`/v1/${v}/invoke/v1/chat/completions`),
		insertable: true,
	},
	{
		method: 'invoke(endpoint id)',
		field: 'endpoint',
		slots: { id },
		render: (x) => x.id,
		call: (v) => client.invoke({ endpoint: v, path: '/generate' }),
		expect: (v) => post(`/v1/${bareEndpoint(v)}/invoke/generate`),
	},
	{
		method: 'invoke(deployedModelId)',
		field: 'deployedModelId',
		slots: { deployedModelId },
		trims: false,
		render: (x) => x.deployedModelId,
		call: (v) => client.invoke({ endpoint: 'ep', deployedModelId: v, path: '/generate' }),
		expect: (v) => post(`/v1/${PARENT}/endpoints/ep/deployedModels/${v}/invoke/generate`),
	},
	{
		method: 'invoke(path)',
		field: 'path',
		slots: { segment: pathSegment },
		trims: false,
		render: (x) => `/v1/${x.segment}/x`,
		call: (v) => client.invoke({ endpoint: 'ep', path: v }),
		// Only the good ones get here; they need no encoding.
		expect: (v) => post(`/v1/${PARENT}/endpoints/ep/invoke${v}`),
	},
];

/** Every value of every slot good, then each slot in turn hostile, then two slots hostile at once, then inserts. */
function casesOf(template: Template): Case[] {
	const names = Object.keys(template.slots);
	const cases: Case[] = [];
	const isGood = (values: Record<string, string>) => names.every((name) => template.slots[name].good.includes(values[name]));
	const add = (values: Record<string, string>, clean: boolean) => {
		const input = template.render(values);
		// Whitespace around the whole value is trimmed (as pasted into a form): what is left must then go exactly
		// where the trimmed value goes. Whitespace anywhere else is refused.
		const trimmed = Object.fromEntries(names.map((name) => [name, values[name].trim()]));
		const clearedByTrim = !clean && template.trims !== false && isGood(trimmed) && template.render(trimmed) === input.trim();
		cases.push({
			method: template.method,
			input,
			call: () => template.call(input),
			expected: clean ? template.expect(input, values) : clearedByTrim ? template.expect(input.trim(), trimmed) : undefined,
			field: template.field,
		});
	};
	const goodCombos = names.reduce<Array<Record<string, string>>>(
		(combos, name) => combos.flatMap((combo) => template.slots[name].good.map((good) => ({ ...combo, [name]: good }))),
		[{}],
	);
	for (const combo of goodCombos) add(combo, true);
	const firstGood = Object.fromEntries(names.map((name) => [name, template.slots[name].good[0]]));
	for (const name of names) {
		for (const variant of hostileVariants(template.slots[name])) add({ ...firstGood, [name]: variant }, false);
	}
	// Mixed: a hostile value in one slot with the other slots' other good values, and two hostile slots at once.
	for (const [i, first] of names.entries()) {
		for (const second of names.slice(i + 1)) {
			for (const [k, fragment] of DOTS.concat(DELIMITERS).entries()) {
				add({ ...firstGood, [first]: fragment, [second]: DOTS[k % DOTS.length] }, false);
			}
		}
	}
	if (template.insertable) {
		const good = template.render(firstGood);
		const parts = good.split('/');
		for (let at = 1; at < parts.length; at++) {
			for (const segment of [...DOTS, '', ...DELIMITERS, '%2f', '\\', 'x', 'operations', 'projects']) {
				const input = [...parts.slice(0, at), segment, ...parts.slice(at)].join('/');
				cases.push({ method: template.method, input, call: () => template.call(input), field: template.field });
			}
		}
		for (const suffix of [...DOTS.map((dot) => `/${dot}`), '/', '#', '?', '?x=1', '#/../x', '/../../../../x', '%2f..%2f..', '\\..\\..']) {
			const input = `${good}${suffix}`;
			cases.push({ method: template.method, input, call: () => template.call(input), field: template.field });
		}
		for (const prefix of ['/', './', '../', '%2e%2e/', '\\', 'x/', '\u2024/']) {
			const input = `${prefix}${good}`;
			cases.push({ method: template.method, input, call: () => template.call(input), field: template.field });
		}
		// Whitespace around a whole name is trimmed (as pasted into a form): it then goes where the name goes.
		for (const around of [' ', '\t', '\r\n', '\u00a0']) {
			const input = `${around}${good}${around}`;
			cases.push({ method: template.method, input, call: () => template.call(input), expected: template.expect(good, firstGood), field: template.field });
		}
	}
	return cases;
}

// ---------------------------------------------------------------------------------------------------------------

function describeCase(testCase: Case): string {
	return `${testCase.method}(${JSON.stringify(testCase.input).slice(0, 200)})`;
}

it('refuses every hostile name before any request, and sends every clean one to exactly its path', async () => {
	const corpus = TEMPLATES.flatMap(casesOf);
	const counts = { tried: 0, refused: 0, deliveredExactly: 0 };
	const failures: string[] = [];
	for (const testCase of corpus) {
		counts.tried++;
		const before = fake.apiRequests.length;
		let error: unknown;
		try {
			await testCase.call();
		} catch (caught) {
			error = caught;
		}
		const received: RecordedRequest[] = fake.apiRequests.slice(before);
		if (testCase.expected === undefined) {
			if (received.length === 0 && error instanceof VertexValidationError && error.field === testCase.field) {
				counts.refused++;
			} else {
				const what = received.length
					? `sent ${received.map((request) => `${request.method} ${request.url}`).join(', ')}`
					: `threw ${String(error)} (field ${(error as VertexValidationError | undefined)?.field})`;
				failures.push(`${describeCase(testCase)} should be refused (field ${testCase.field}) but ${what}`);
			}
			continue;
		}
		const [request] = received;
		if (
			received.length === 1 &&
			request.method === testCase.expected.method &&
			request.url === testCase.expected.url &&
			request.url.startsWith(`/v1/projects/`) &&
			new RegExp(`^/v1/projects/[^/]+/locations/${LOCATION}/`).test(request.url)
		) {
			counts.deliveredExactly++;
		} else {
			failures.push(
				`${describeCase(testCase)} should send ${testCase.expected.method} ${testCase.expected.url} but ${
					received.length ? `sent ${received.map((r) => `${r.method} ${r.url}`).join(', ')}` : `threw ${String(error)}`
				}`,
			);
		}
	}
	console.log(
		`hostile-name corpus: ${counts.tried} cases tried through ${new Set(TEMPLATES.map((t) => t.method)).size} client methods, ` +
			`${counts.refused} refused before any request (VertexValidationError naming the field), ${counts.deliveredExactly} delivered exactly, ` +
			`${failures.length} wrong`,
	);
	expect(failures.slice(0, 40)).toEqual([]);
	expect(counts.tried).toBeGreaterThanOrEqual(10_000);
	expect(counts.refused + counts.deliveredExactly).toBe(counts.tried);
	expect(counts.deliveredExactly).toBeGreaterThan(50);
}, 300_000);

it.each([
	['getOperation', 'operationName', () => client.getOperation('projects/p/locations/us-central1/%2e%2e/%2e%2e/%2e%2e/%2e%2e/x/operations/1')],
	['getOperation', 'operationName', () => client.getOperation(`${PARENT}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/x/operations/1`)],
	['invoke', 'endpoint', () => client.invoke({ endpoint: 'projects/../locations/us-central1/endpoints/ep1', path: '/v1/chat/completions' })],
	['getEndpoint', 'endpoint', () => client.getEndpoint(`projects/${PROJECT}#/locations/us-central1/endpoints/ep1`)],
	['getEndpoint', 'endpoint', () => client.getEndpoint('projects/p#/locations/us-central1/endpoints/ep1')],
])('the issue reproduction through %s sends nothing and names %s', async (_method, field, call) => {
	const before = fake.requests.length;
	await expect(call()).rejects.toMatchObject({ name: 'VertexValidationError', field });
	expect(fake.requests).toHaveLength(before);
});

it('accepts the names Vertex gives, including domain-scoped projects and model versions in operation names', async () => {
	const names = [
		'projects/example.com:my-project/locations/us-central1/models/m',
		'projects/123456789012/locations/us-central1/models/1234567890123456789@3',
		'projects/123456789012/locations/us-central1/models/1234567890123456789@default',
	];
	for (const name of names) {
		const before = fake.apiRequests.length;
		await expect(client.getModel(name)).rejects.toMatchObject({ httpStatus: 404 });
		expect(fake.apiRequests.slice(before).map((request) => request.url)).toEqual([`/v1/${name}`]);
	}
	const operations = [
		'projects/123456789012/locations/us-central1/operations/1',
		'projects/123456789012/locations/us-central1/models/m/operations/2',
		'projects/123456789012/locations/us-central1/models/m@2/operations/3',
		'projects/123456789012/locations/us-central1/endpoints/8123456789/operations/4',
		'projects/123456789012/locations/us-central1/trainingPipelines/55/operations/5',
		'projects/123456789012/locations/us-central1/datasets/66/operations/6',
	];
	for (const name of operations) {
		const before = fake.apiRequests.length;
		await expect(client.getOperation(name)).rejects.toMatchObject({ httpStatus: 404 });
		expect(fake.apiRequests.slice(before).map((request) => request.url)).toEqual([`/v1/${name}`]);
	}
	for (const name of ['projects/1/locations/us-central1/unknownThings/1/operations/2', 'projects/1/locations/us-central1/models/m/deployedModels/1/operations/2']) {
		await expect(client.getOperation(name)).rejects.toMatchObject({ name: 'VertexValidationError', field: 'operationName' });
	}
});

describe('the one URL check every builder uses', () => {
	const base = 'https://us-central1-aiplatform.googleapis.com';
	const prefix = `${base}/v1/${PARENT}/`;

	it.each([
		['a dot segment', `${prefix}models/../x`],
		['an encoded dot segment', `${prefix}models/%2e%2e/x`],
		['a half-encoded dot segment', `${prefix}models/.%2E/x`],
		['a single dot', `${prefix}./models/m`],
		['a double-encoded dot segment', `${prefix}models/%252e%252e/x`],
		['a fragment', `${prefix}models/m#x`],
		['a query', `${prefix}models/m?alt=media`],
		['a bare question mark', `${prefix}models/m?`],
		['a backslash', `${prefix}models\\..\\x`],
		['an encoded slash', `${prefix}models/a%2fb`],
		['an encoded backslash', `${prefix}models/a%5Cb`],
		['a NUL', `${prefix}models/a%00`],
		['a tab the parser strips', `${prefix}models/a\tb`],
		['a space the parser encodes', `${prefix}models/a b`],
		['a non-ASCII letter the parser encodes', `${prefix}models/é`],
		['an empty segment', `${prefix}models//m`],
		['a path outside the prefix', `${base}/v1/projects/other/locations/us-central1/models/m`],
		['a malformed escape', `${prefix}models/%zz`],
	])('refuses %s, naming the field', (_title, url) => {
		expect(() => assertRequestUrl(url, prefix, 'model')).toThrow(expect.objectContaining({ name: 'VertexValidationError', field: 'model' }));
	});

	it('keeps a URL the parser leaves as it is', () => {
		expect(assertRequestUrl(`${prefix}models/m@2:deleteVersion`, prefix, 'model')).toBe(`${prefix}models/m@2:deleteVersion`);
		expect(assertRequestUrl(`${prefix}endpoints/e/invoke/v1/a%20b/`, prefix, 'path')).toBe(`${prefix}endpoints/e/invoke/v1/a%20b/`);
	});

	it('is what scopedApiUrl ends with: a path the grammar let through would still be refused', () => {
		expect(scopedApiUrl(base, `${PARENT}/models/m`, 'model', LOCATION)).toBe(`${prefix}models/m`);
		for (const path of [`${PARENT}/models/%2e%2e/%2e%2e/x`, `${PARENT}/models/m#`, `${PARENT}/models/m?x`, `${PARENT}/..`]) {
			expect(() => scopedApiUrl(base, path, 'model', LOCATION)).toThrow(expect.objectContaining({ field: 'model' }));
		}
		expect(() => scopedApiUrl(base, 'projects/p/../x/locations/us-central1/models/m', 'model', LOCATION)).toThrow(VertexValidationError);
		expect(() => scopedApiUrl(base, `projects/${PROJECT}/locations/europe-west4/models/m`, 'model', LOCATION)).toThrow(/europe-west4/);
	});

	it('checks the invoke URL too, naming the field at fault', () => {
		const endpointName = `${PARENT}/endpoints/ep`;
		expect(buildInvokeUrl({ baseUrl: base, endpointName, path: '/v1/chat/completions' })).toBe(`${prefix}endpoints/ep/invoke/v1/chat/completions`);
		expect(() => buildInvokeUrl({ baseUrl: base, endpointName: `${PARENT}/endpoints/../x`, path: '/a' })).toThrow(
			expect.objectContaining({ field: 'endpoint' }),
		);
		expect(() => buildInvokeUrl({ baseUrl: base, endpointName, deployedModelId: '1/../2', path: '/a' })).toThrow(
			expect.objectContaining({ field: 'deployedModelId' }),
		);
	});
});
