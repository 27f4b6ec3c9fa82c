/** Vertex's id grammar as data (lib/rules/ids.ts): each rule accepts its good corpus and refuses its bad one. */
import * as ids from '../../../lib/rules/ids';
import { VERTEX_LOCATIONS } from '../../../lib';
import { CORPUS, HOSTILE, type RuleName } from './ids.corpus';

const rules = Object.keys(CORPUS) as RuleName[];

describe.each(rules)('%s', (name) => {
	const rule: ids.IdRule = ids[name];

	it.each(CORPUS[name].good)('accepts %j', (value) => {
		expect(rule.pattern.test(value)).toBe(true);
	});

	it.each(CORPUS[name].bad)('refuses %j', (value) => {
		expect(rule.pattern.test(value)).toBe(false);
	});

	it('refuses every value that would change a URL path', () => {
		const hostile = name === 'LABEL_VALUE' ? HOSTILE.filter((value) => value !== '') : HOSTILE;
		expect(hostile.filter((value) => rule.pattern.test(value))).toEqual([]);
	});

	it('composes: its source has no capturing group and means the same unanchored', () => {
		expect(new RegExp(`(?:${rule.source})|()`, rule.pattern.flags).exec('')?.length).toBe(2);
		for (const value of CORPUS[name].good) expect(new RegExp(`^x${rule.source}x$`, rule.pattern.flags).test(`x${value}x`)).toBe(true);
	});

	it('explains itself in words a user can follow after "must be"', () => {
		expect(rule.rule).toMatch(/^[a-z0-9]/);
		expect(rule.rule).not.toMatch(/[.\s]$/);
	});
});

describe('locations', () => {
	it('every location a credential can name is one the core accepts', () => {
		expect(VERTEX_LOCATIONS.filter((location) => !ids.LOCATION.pattern.test(location))).toEqual([]);
	});
});

describe('console URLs', () => {
	const base = 'https://console.cloud.google.com/vertex-ai';
	const first = (source: string, url: string) => new RegExp(source).exec(url)?.[1];

	it('take the endpoint id, the model id and the version from the place the console puts them', () => {
		expect(first(ids.CONSOLE_URL.endpointId, `${base}/online-prediction/locations/us-central1/endpoints/123?project=p`)).toBe('123');
		const version = `${base}/models/locations/us-central1/models/my-model/versions/2/deploy?project=p`;
		expect(first(ids.CONSOLE_URL.modelId, version)).toBe('my-model');
		expect(first(ids.CONSOLE_URL.modelVersion, version)).toBe('2');
		expect(first(ids.CONSOLE_URL.modelId, `${base}/models/locations/us-central1/models/123`)).toBe('123');
	});

	it('take no id that the core would refuse', () => {
		expect(first(ids.CONSOLE_URL.endpointId, `${base}/online-prediction/locations/us-central1/endpoints/0123?project=p`)).toBeUndefined();
		expect(first(ids.CONSOLE_URL.modelId, `${base}/models/locations/us-central1/models/..%2fx`)).toBeUndefined();
		expect(first(ids.CONSOLE_URL.modelVersion, `${base}/models/locations/us-central1/models/m/versions/V2`)).toBeUndefined();
	});
});
