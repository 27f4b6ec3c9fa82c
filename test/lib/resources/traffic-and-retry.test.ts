import { parseRetryAfterMs, trafficSplitForDeploy, trafficSplitForUndeploy, trafficSplitGiving, VertexValidationError } from '../support/lib-internals';
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from '../../../lib/transport/retry';

const total = (split: Record<string, number>) => Object.values(split).reduce((a, b) => a + b, 0);

describe('traffic split for deploy', () => {
	it('scales the others down proportionally and gives "0" the new share', () => {
		expect(trafficSplitForDeploy({ a: 50, b: 50 }, 20)).toEqual({ a: 40, b: 40, '0': 20 });
		expect(trafficSplitForDeploy({ '111': 100 }, 30)).toEqual({ '111': 70, '0': 30 });
	});

	it('always totals 100 in whole numbers, even with awkward thirds', () => {
		const split = trafficSplitForDeploy({ a: 34, b: 33, c: 33 }, 10);
		expect(total(split)).toBe(100);
		expect(Object.values(split).every(Number.isInteger)).toBe(true);
		expect(split['0']).toBe(10);
		for (let share = 0; share <= 100; share++) {
			expect(total(trafficSplitForDeploy({ x: 13, y: 29, z: 58 }, share))).toBe(100);
		}
	});

	it('hands the points lost to rounding to the models in split order, as Google\'s Python SDK does', () => {
		// _allocate_traffic: a 5, b 9 (9.5), c 35 (35.5) = 49, then the one point left goes to a.
		expect(trafficSplitForDeploy({ a: 10, b: 19, c: 71 }, 50)).toEqual({ a: 6, b: 9, c: 35, '0': 50 });
	});

	it('gives the first model everything on an endpoint without traffic', () => {
		expect(trafficSplitForDeploy(undefined, 25)).toEqual({ '0': 100 });
		expect(trafficSplitForDeploy({}, 0)).toEqual({ '0': 100 });
	});

	it('leaves the others untouched at 0% and empties them at 100%', () => {
		expect(trafficSplitForDeploy({ a: 60, b: 40 }, 0)).toEqual({ a: 60, b: 40, '0': 0 });
		expect(trafficSplitForDeploy({ a: 60, b: 40 }, 100)).toEqual({ a: 0, b: 0, '0': 100 });
	});
});

describe('traffic split for undeploy', () => {
	it('hands the removed share to the others proportionally', () => {
		expect(trafficSplitForUndeploy({ a: 50, b: 30, c: 20 }, ['a', 'b', 'c'], 'a')).toEqual({ b: 60, c: 40 });
	});

	it('hands the points lost to rounding to the models in split order, as Google\'s Python SDK does', () => {
		// _unallocate_traffic: a 34 (34.48), b 65 (65.51) = 99, then the one point left goes to a.
		expect(trafficSplitForUndeploy({ a: 10, b: 19, c: 71 }, ['a', 'b', 'c'], 'c')).toEqual({ a: 35, b: 65 });
	});

	it('needs no split when the model had no traffic or was the only one', () => {
		expect(trafficSplitForUndeploy({ a: 100 }, ['a', 'b'], 'b')).toBeUndefined();
		expect(trafficSplitForUndeploy({ a: 100 }, ['a'], 'a')).toBeUndefined();
	});

	it('asks for an explicit split when the removed model carried all traffic', () => {
		expect(() => trafficSplitForUndeploy({ a: 100 }, ['a', 'b'], 'a')).toThrow(VertexValidationError);
	});
});

describe('traffic split for undeploy with an heir', () => {
	it('gives the heir everything when the removed model carried all the traffic', () => {
		expect(trafficSplitForUndeploy({ '1': 100 }, ['1', '2', '3'], '1', '3')).toEqual({ '3': 100 });
	});
	it('ignores the heir while others carry traffic (proportional as without one)', () => {
		expect(trafficSplitForUndeploy({ '1': 50, '2': 50 }, ['1', '2', '3'], '1', '3')).toEqual({ '2': 100, '3': 0 });
	});
	it('still refuses when the heir is not one of the remaining models', () => {
		expect(() => trafficSplitForUndeploy({ '1': 100 }, ['1', '2'], '1', '9')).toThrow(VertexValidationError);
	});
});

describe('traffic split giving an existing deployed model a percentage', () => {
	it('scales the others into the rest, as a deploy with that percentage would', () => {
		expect(trafficSplitGiving({ '1': 60, '2': 40 }, '2', 100)).toEqual({ '1': 0, '2': 100 });
		expect(trafficSplitGiving({ '1': 60, '2': 40 }, '2', 50)).toEqual({ '1': 50, '2': 50 });
		expect(trafficSplitGiving({ '1': 30, '3': 30, '2': 40 }, '2', 40)).toEqual({ '1': 30, '3': 30, '2': 40 });
	});
	it('gives it everything when nobody else has traffic', () => {
		expect(trafficSplitGiving({ '2': 100 }, '2', 30)).toEqual({ '2': 100 });
		expect(trafficSplitGiving(undefined, '2', 30)).toEqual({ '2': 100 });
	});
});

describe('retry timing', () => {
	it('reads Retry-After as seconds or an HTTP date', () => {
		expect(parseRetryAfterMs('7')).toBe(7000);
		const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
		expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
		expect(parseRetryAfterMs('soon')).toBeUndefined();
		expect(parseRetryAfterMs(undefined)).toBeUndefined();
	});

	it('backs off exponentially with jitter between half and all of the capped delay', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 100, maxDelayMs: 1000 };
		expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
		expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
		expect(backoffDelayMs(3, policy, () => 1)).toBe(400);
		expect(backoffDelayMs(10, policy, () => 1)).toBe(1000);
		expect(backoffDelayMs(10, policy, () => 0)).toBe(500);
	});
});
