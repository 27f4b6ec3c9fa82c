/**
 * What a check gave for an input, remembered for the next time (a batch checks the same few paths and endpoints
 * thousands of times). Only successes are kept: `compute` throws for a refusal. Bounded: when full it starts over,
 * which costs one recheck per entry, never a wrong answer.
 */
export class RememberedChecks<Value> {
	private readonly values = new Map<string, Value>();

	constructor(private readonly maxEntries: number) {}

	get(key: string, compute: () => Value): Value {
		const known = this.values.get(key);
		if (known !== undefined) return known;
		const value = compute();
		if (this.values.size >= this.maxEntries) this.values.clear();
		this.values.set(key, value);
		return value;
	}
}
