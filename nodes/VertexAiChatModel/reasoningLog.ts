import { isRecord } from '../shared/openAi';
import { onModelAndBound } from './boundModels';

/**
 * The turn's reasoning in n8n's log of the model's calls (the Chat Model's output, shown in the agent's log).
 * n8n's LangChain tracing keeps only each generation's `text` and `generationInfo` there, so the `{type:
 * "reasoning"}` content block the SDK's adapter makes of our reasoning part never reaches the log. This puts the
 * reasoning in `generationInfo.reasoning` as well, leaving the answer's text and content as they are:
 * - a whole answer: on its generation;
 * - a stream: on the finish chunk only, with all the reasoning streamed before it, because LangChain merges the
 *   chunks' `generationInfo` key by key (the last value wins) but their message metadata by concatenation.
 * Models the agent binds tools to are new adapters, so they get the same.
 */

type Json = Record<string, unknown>;

/** The parts of a LangChain chat generation (or generation chunk) read and written here. */
interface Generation {
	message?: { content?: unknown };
	generationInfo?: Json;
}

/** The parts of the SDK's LangChain adapter (a LangChain chat model) wrapped here. */
interface LangChainAdapter {
	_generate(...args: unknown[]): Promise<{ generations: Generation[] }>;
	_streamResponseChunks(...args: unknown[]): AsyncGenerator<Generation>;
	bindTools(...args: unknown[]): unknown;
}

/** The text of a LangChain message's reasoning content blocks. */
function reasoningOf(generation: Generation): string {
	const content = generation.message?.content;
	if (!Array.isArray(content)) return '';
	return content.map((block) => (isRecord(block) && block.type === 'reasoning' && typeof block.reasoning === 'string' ? block.reasoning : '')).join('');
}

function withReasoning(generation: Generation, reasoning: string): void {
	if (reasoning !== '') generation.generationInfo = { ...generation.generationInfo, reasoning };
}

/** Makes `model` (the SDK's LangChain adapter, as `supplyModel` gives it) and the models it binds tools to log their reasoning. */
export function logReasoning(model: unknown): void {
	onModelAndBound(model as LangChainAdapter, logReasoningOf);
}

function logReasoningOf(adapter: LangChainAdapter): void {
	const generate = adapter._generate.bind(adapter);
	adapter._generate = async (...args) => {
		const result = await generate(...args);
		for (const generation of result.generations) withReasoning(generation, reasoningOf(generation));
		return result;
	};
	const streamChunks = adapter._streamResponseChunks.bind(adapter);
	adapter._streamResponseChunks = async function* (...args) {
		let reasoning = '';
		for await (const chunk of streamChunks(...args)) {
			reasoning += reasoningOf(chunk);
			// The adapter gives a chunk generationInfo only when the answer ends (its finish reason).
			if (chunk.generationInfo?.finish_reason !== undefined) withReasoning(chunk, reasoning);
			yield chunk;
		}
	};
}
