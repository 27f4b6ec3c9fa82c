import { isRecord } from './deltaText';

/**
 * Streamed chunks repeat strings at their top level (OpenAI's `id`, `object` and `model`, Ollama's `model`), and each
 * chunk parsed anew holds copies of its own: an item per chunk would keep 50,000 copies of a model name. This gives
 * each parsed chunk the copy the chunk before it held of every top-level string equal to its own, so one is kept.
 */
export class RepeatedStrings {
	private previous: Record<string, unknown> | undefined;

	/** Replaces `data`'s top-level strings that equal the previous chunk's under the same key by that chunk's copy. */
	share(data: unknown): void {
		if (!isRecord(data)) return;
		const previous = this.previous;
		this.previous = data;
		if (previous === undefined) return;
		for (const key in data) {
			const value = data[key];
			if (typeof value !== 'string') continue;
			const before = previous[key];
			if (before === value) data[key] = before;
		}
	}
}
