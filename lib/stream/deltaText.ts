export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What one parsed chunk (or a whole answer) carries: the generated text, and the thinking when kept apart. */
export interface ChunkContent {
	text?: string;
	reasoning?: string;
}

/** `reasoning_content` (vLLM up to 0.10, DeepSeek's API), `reasoning` (newer vLLM), `thinking` (Ollama). */
function reasoningOf(message: Record<string, unknown>): string | undefined {
	return str(message.reasoning_content) ?? str(message.reasoning) ?? str(message.thinking);
}

/** KServe v2 / Triton: the strings of the first output tensor (a BYTES tensor holding text), joined. */
function tensorText(outputs: unknown): string | undefined {
	const first = Array.isArray(outputs) ? outputs[0] : undefined;
	if (!isRecord(first) || !Array.isArray(first.data) || first.data.length === 0) return undefined;
	return first.data.every((value) => typeof value === 'string') ? first.data.join('') : undefined;
}

/**
 * The text and reasoning in one parsed chunk or whole answer, for the shapes model servers commonly send:
 * - OpenAI-compatible (vLLM, TGI's /v1, llama.cpp's /v1, ...): `choices[0].delta` (chat stream), `choices[0].text`
 *   (completions), `choices[0].message` (a whole chat answer); reasoning in their `reasoning_content` / `reasoning`.
 *   Only the first choice is read.
 * - TGI native: `token.text` (skipped when `token.special`: end-of-sequence markers), `generated_text` in a whole
 *   answer (also as `[{generated_text}]`).
 * - llama.cpp native `/completion`: `content`. Ollama: `response` (+ `thinking`), or `message.content`
 *   (+ `message.thinking`). Many custom servers: top-level `text`.
 * - KServe v2 / Triton: `outputs[0].data` when it holds strings.
 * Anything else gives `{}`; the chunk's `data` is always there for the rest.
 */
export function readChunkContent(data: unknown): ChunkContent {
	return readContentInto(data, {});
}

/**
 * `readChunkContent` writing into `target` (a stream chunk, as it is decoded): no object per chunk for the answer.
 * Sets only what it finds.
 */
export function readContentInto<Target extends ChunkContent>(data: unknown, target: Target): Target {
	if (Array.isArray(data)) return fill(target, isRecord(data[0]) ? str(data[0].generated_text) : undefined, undefined);
	if (!isRecord(data)) return target;
	const firstChoice = Array.isArray(data.choices) ? data.choices[0] : undefined;
	if (isRecord(firstChoice)) {
		const message = isRecord(firstChoice.delta) ? firstChoice.delta : isRecord(firstChoice.message) ? firstChoice.message : undefined;
		if (message) return fill(target, str(message.content), reasoningOf(message));
		return fill(target, str(firstChoice.text), undefined);
	}
	if (isRecord(data.token)) return fill(target, data.token.special === true ? undefined : str(data.token.text), undefined);
	if (isRecord(data.message)) return fill(target, str(data.message.content), reasoningOf(data.message));
	const text = str(data.text) ?? str(data.response) ?? str(data.content) ?? str(data.generated_text) ?? tensorText(data.outputs);
	return fill(target, text, str(data.thinking));
}

function fill<Target extends ChunkContent>(target: Target, text: string | undefined, reasoning: string | undefined): Target {
	if (text !== undefined) target.text = text;
	if (reasoning !== undefined && reasoning !== '') target.reasoning = reasoning;
	return target;
}
