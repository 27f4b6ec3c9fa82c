/** Fault injection: rules armed through the admin API and consumed by matching requests. */
import { randomInt } from 'node:crypto';
import { ApiError } from './googleErrors';

export const FAULT_KINDS = [
	'rate-limit',
	'unavailable',
	'reset',
	'slow-headers',
	'cut-stream',
	'slow-body',
	'operation-failure',
	'health-never-ok',
	'dns-delay',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Where a fault can strike: any request at entry, only invoke proxying, or only a step of an operation. */
type FaultStage = 'request' | 'stream' | 'operation' | 'health' | 'dns';

const STAGE_OF: Record<FaultKind, FaultStage> = {
	'rate-limit': 'request',
	unavailable: 'request',
	reset: 'request',
	'slow-headers': 'request',
	'cut-stream': 'stream',
	'slow-body': 'stream',
	'operation-failure': 'operation',
	'health-never-ok': 'health',
	'dns-delay': 'dns',
};

export interface FaultRule {
	id: string;
	kind: FaultKind;
	/** Regular expression tested against the request path without its query (or the operation's method path). */
	path?: string;
	method?: string;
	/** Strike the next N matches, then disarm. Without `rate` or `durationMs`, defaults to 1. */
	count?: number;
	/** Strike every match (or at `rate`, up to `count`) for this long after being armed, then disarm. */
	durationMs?: number;
	/** Strike each match with this probability (0..1); with `count`, until `count` strikes. */
	rate?: number;
	retryAfterSeconds?: number;
	delayMs?: number;
	afterBytes?: number;
	grpcStatus?: string;
	message?: string;
	hits: number;
}

export class FaultRegistry {
	private rules: FaultRule[] = [];
	/** Each rule's path, compiled once when it is armed. */
	private readonly patterns = new WeakMap<FaultRule, RegExp>();
	/** When each rule armed with `durationMs` disarms (Date.now() time). */
	private readonly expiries = new WeakMap<FaultRule, number>();
	private nextId = 1;

	add(input: Record<string, unknown>): FaultRule {
		const kind = input.kind;
		if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
			throw new ApiError('INVALID_ARGUMENT', `Unknown fault kind ${JSON.stringify(kind)}; expected one of ${FAULT_KINDS.join(', ')}.`);
		}
		const optionalNumber = (name: string): number | undefined => {
			const value = input[name];
			if (value === undefined) return undefined;
			if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ApiError('INVALID_ARGUMENT', `Fault field ${name} must be a non-negative number.`);
			return value;
		};
		const optionalString = (name: string): string | undefined => {
			const value = input[name];
			if (value === undefined) return undefined;
			if (typeof value !== 'string') throw new ApiError('INVALID_ARGUMENT', `Fault field ${name} must be a string.`);
			return value;
		};
		const path = optionalString('path');
		let pattern: RegExp | undefined;
		if (path !== undefined) {
			try {
				pattern = new RegExp(path);
			} catch {
				throw new ApiError('INVALID_ARGUMENT', `Fault field path is not a valid regular expression.`);
			}
		}
		const rate = optionalNumber('rate');
		if (rate !== undefined && rate > 1) throw new ApiError('INVALID_ARGUMENT', 'Fault field rate must be between 0 and 1.');
		const count = optionalNumber('count');
		const durationMs = optionalNumber('durationMs');
		const rule: FaultRule = {
			id: String(this.nextId++),
			kind: kind as FaultKind,
			path,
			method: optionalString('method')?.toUpperCase(),
			count: count ?? (rate === undefined && durationMs === undefined ? 1 : undefined),
			rate,
			durationMs,
			retryAfterSeconds: optionalNumber('retryAfterSeconds'),
			delayMs: optionalNumber('delayMs'),
			afterBytes: optionalNumber('afterBytes'),
			grpcStatus: optionalString('grpcStatus'),
			message: optionalString('message'),
			hits: 0,
		};
		if (pattern && path) this.patterns.set(rule, pattern);
		if (durationMs !== undefined) this.expiries.set(rule, Date.now() + durationMs);
		this.rules.push(rule);
		return rule;
	}

	list(): FaultRule[] {
		return this.rules.map((rule) => ({ ...rule }));
	}

	remove(id: string): boolean {
		const before = this.rules.length;
		this.rules = this.rules.filter((rule) => rule.id !== id);
		return this.rules.length !== before;
	}

	clear(): void {
		this.rules = [];
	}

	/**
	 * The first armed rule of the stage that matches, consumed (counted) if it strikes. Every stage
	 * matches `path` without its query, so one rule means the same thing wherever it strikes.
	 */
	take(stage: FaultStage, requestPath: string, method = ''): FaultRule | undefined {
		const path = requestPath.split('?', 1)[0] as string;
		const now = Date.now();
		this.rules = this.rules.filter((rule) => (this.expiries.get(rule) ?? Infinity) > now);
		for (const rule of this.rules) {
			if (STAGE_OF[rule.kind] !== stage) continue;
			if (rule.method && rule.method !== method.toUpperCase()) continue;
			const pattern = this.patterns.get(rule);
			if (pattern && !pattern.test(path)) continue;
			if (rule.rate !== undefined && randomInt(0, 1_000_000) >= rule.rate * 1_000_000) continue;
			rule.hits++;
			if (rule.count !== undefined && rule.hits >= rule.count) this.remove(rule.id);
			return { ...rule };
		}
		return undefined;
	}
}
