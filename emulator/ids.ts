/** Ids, names, times and durations as Vertex spells them. */
import { randomInt } from 'node:crypto';

/** A server-made id: 19 decimal digits that still fit a signed int64. */
export function newNumericId(): string {
	let id = String(randomInt(1, 9));
	for (let i = 0; i < 18; i++) id += String(randomInt(0, 10));
	return id;
}

/** A server-made id that `taken` does not hold yet (models and endpoints both get 19-digit ids). */
export function newFreeId(taken: { has(id: string): boolean }): string {
	for (;;) {
		const id = newNumericId();
		if (!taken.has(id)) return id;
	}
}

/** A fresh number of the given length with no leading zero (project numbers, client ids). */
export function randomDigits(length: number): string {
	let out = String(randomInt(1, 10));
	while (out.length < length) out += String(randomInt(0, 10));
	return out;
}

/**
 * Caller-chosen model and endpoint ids: letter first, up to 63 of [a-z0-9-] ending in a letter or
 * digit; or digits only, up to 9, no leading zero.
 */
export function isValidResourceId(id: string): boolean {
	return /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(id) || /^[1-9][0-9]{0,8}$/.test(id);
}

export function timestamp(at: number = Date.now()): string {
	// Vertex prints microseconds; JS only has milliseconds, so the last three digits are zero.
	return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Parses a protobuf Duration ("600s", "1.5s") to milliseconds; undefined when malformed. */
export function parseDuration(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const match = /^(\d+(?:\.\d{1,9})?)s$/.exec(value.trim());
	return match ? Math.round(Number(match[1]) * 1000) : undefined;
}
