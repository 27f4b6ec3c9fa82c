/**
 * A stream's chunks keep one copy of the top-level strings they all repeat (an id, a model name): an item per chunk
 * holds every chunk, so 20,000 copies of a long model name would be kept otherwise. What is kept is measured as heap
 * after full garbage collections, with a margin far from both outcomes.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { decodeStream } from '../../../lib/stream';
import { RepeatedStrings } from '../../../lib/stream/repeatedStrings';
import { bytesOf, FakeBody } from './body-fixtures';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const CHUNKS = 20_000;
/** Long enough that 20,000 copies (about 40 MB as one-byte strings) dwarf everything else a chunk keeps. */
const MODEL = `org/${'a-very-long-model-name-'.repeat(87)}`;

function heapAfterGc(): number {
	collectGarbage();
	collectGarbage();
	return process.memoryUsage().heapUsed;
}

/** A stream of CHUNKS chunks naming MODEL, as 64 KiB reads (a socket's); bytes, so no text of it stays on the heap. */
function streamReads(format: 'sse' | 'ndjson'): Uint8Array[] {
	const lines: string[] = [];
	for (let i = 0; i < CHUNKS; i++) {
		const json = JSON.stringify({ id: 'chatcmpl-1', model: MODEL, choices: [{ index: 0, delta: { content: `t${i} ` } }] });
		lines.push(format === 'sse' ? `data: ${json}\n\n` : `${json}\n`);
	}
	const bytes = bytesOf(lines.join(''));
	const reads: Uint8Array[] = [];
	for (let at = 0; at < bytes.length; at += 64 * 1024) reads.push(bytes.subarray(at, at + 64 * 1024));
	return reads;
}

describe('repeated top-level strings of a stream', () => {
	it.each(['sse', 'ndjson'] as const)('%s: 20,000 chunks keep about one copy of a 2,000-character model name', async (format) => {
		const reads = streamReads(format);
		const before = heapAfterGc();
		// What an item per chunk keeps: the parsed data (the chunk's raw text is not kept).
		const data: Array<{ model: string; choices: unknown }> = [];
		for await (const chunk of decodeStream(new FakeBody(reads), { format })) data.push(chunk.data as { model: string; choices: unknown });
		const kept = heapAfterGc() - before;
		expect(data).toHaveLength(CHUNKS);
		expect(data.every((value) => value.model === MODEL)).toBe(true);
		expect(data[1].choices).toEqual([{ index: 0, delta: { content: 't1 ' } }]);
		// One copy per chunk would be CHUNKS * MODEL.length bytes and more; what the chunks hold besides is far less.
		expect(kept).toBeLessThan((CHUNKS * MODEL.length) / 4);
	});

	it('keeps values as they are: only equal strings under the same key are shared', () => {
		const repeated = new RepeatedStrings();
		const first = { id: 'a', model: 'm', n: 1 };
		const second = { id: 'b', model: 'm', n: 1, extra: 'm' };
		repeated.share(first);
		repeated.share(second);
		repeated.share(['not', 'a', 'record']);
		repeated.share('text');
		expect(second).toEqual({ id: 'b', model: 'm', n: 1, extra: 'm' });
	});
});
