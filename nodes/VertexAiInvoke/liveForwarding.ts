import { sleep, type IExecuteFunctions } from 'n8n-workflow';

import type { StreamChunk } from '../../lib';

/**
 * Passes chunks through while sending them to the workflow's streaming caller as they arrive.
 *
 * With `coalesceMs` > 0 the texts of chunks arriving within that many milliseconds of the last message sent are
 * joined into one message: in queue mode every message is a Redis round trip (worker -> main -> client), so a fast
 * stream of small deltas is cheaper as fewer, larger messages. The first chunk still goes out at once; a chunk that
 * arrives after the window has passed goes out at once with what was held; a timer sends what is held when the
 * window ends during a pause, so no text waits for the next chunk; what is held at the end goes out before "end".
 * A chunk without text (e.g. a usage event) is sent on its own, after what was held, so order is kept and its raw
 * JSON is never glued to text. A chunk with only reasoning is not sent; a stream that fails sends an "error" message
 * (the scrubbed error text) before "end".
 */
export async function* forwardLive(
	ctx: Pick<IExecuteFunctions, 'sendChunk'>,
	itemIndex: number,
	chunks: AsyncIterable<StreamChunk>,
	{ coalesceMs = 0 }: { coalesceMs?: number } = {},
): AsyncGenerator<StreamChunk> {
	let held = '';
	let holding = false;
	let lastSentAt = -Infinity;
	// The pending window's end: n8n's sleep with an abort signal, so a flush before it cancels the wait.
	let windowEnd: AbortController | undefined;
	let failure: { error: unknown } | undefined;

	const send = (content: string) => {
		ctx.sendChunk('item', itemIndex, content);
		lastSentAt = performance.now();
	};
	const flush = () => {
		windowEnd?.abort();
		windowEnd = undefined;
		if (!holding) return;
		const content = held;
		held = '';
		holding = false;
		send(content);
	};

	ctx.sendChunk('begin', itemIndex);
	try {
		for await (const chunk of chunks) {
			// Thinking is not the answer: a reasoning-only chunk is kept in the items but not sent to the caller.
			if (chunk.text === undefined && chunk.reasoning !== undefined) {
				yield chunk;
				continue;
			}
			if (chunk.text === undefined || coalesceMs <= 0) {
				flush();
				send(chunk.text ?? chunk.raw);
			} else {
				held += chunk.text;
				holding = true;
				const waited = performance.now() - lastSentAt;
				if (waited >= coalesceMs) flush();
				else windowEnd ??= flushAfter(coalesceMs - waited, flush);
			}
			yield chunk;
		}
	} catch (error) {
		// The caller sees the failure, after the text held so far, instead of an answer that just stops.
		failure = { error };
		flush();
		ctx.sendChunk('error', itemIndex, error instanceof Error ? error.message : String(error));
	} finally {
		flush();
		ctx.sendChunk('end', itemIndex);
	}
	// The stream's own error goes on to the node, which makes it an error item or the node's error.
	if (failure) throw failure.error;
}

/**
 * Calls `flush` after `ms` unless the returned controller is aborted first. An abort is the expected way out (what
 * was held went out earlier), so its rejection is not an error; the check on resolving covers an abort that comes
 * after the wait ended but before this callback ran.
 */
function flushAfter(ms: number, flush: () => void): AbortController {
	const controller = new AbortController();
	sleep(ms, controller.signal).then(
		() => {
			if (!controller.signal.aborted) flush();
		},
		() => undefined,
	);
	return controller;
}
