function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The generated text in one parsed chunk, for the response shapes model servers commonly stream:
 * - OpenAI-compatible (vLLM, TGI's /v1, llama.cpp, ...): `choices[0].delta.content` (chat), `choices[0].text`
 *   (completions), `choices[0].message.content` (a whole non-streamed chat answer). Only the first choice is read.
 * - Top-level `text` (many custom servers) or `response` (Ollama).
 * - TGI's native stream: `token.text`, skipped when `token.special` is true (end-of-sequence markers).
 * Anything else gives undefined; the chunk's `data` is always there for the rest.
 */
export function extractDeltaText(data: unknown): string | undefined {
	if (!isRecord(data)) return undefined;
	const firstChoice = Array.isArray(data.choices) ? data.choices[0] : undefined;
	if (isRecord(firstChoice)) {
		if (isRecord(firstChoice.delta)) {
			return typeof firstChoice.delta.content === 'string' ? firstChoice.delta.content : undefined;
		}
		if (typeof firstChoice.text === 'string') return firstChoice.text;
		if (isRecord(firstChoice.message) && typeof firstChoice.message.content === 'string') {
			return firstChoice.message.content;
		}
	}
	if (typeof data.text === 'string') return data.text;
	if (typeof data.response === 'string') return data.response;
	if (isRecord(data.token) && typeof data.token.text === 'string' && data.token.special !== true) {
		return data.token.text;
	}
	return undefined;
}
