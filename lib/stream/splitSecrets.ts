import type { SecretFinder } from '../secretFinder';
import { REDACTED, rememberedSecretFinder } from '../secrets';
import { isRecord } from './deltaText';
import type { StreamChunk } from './types';

/**
 * The shortest start of a secret a chunk is held back for. A shorter one goes out with its chunk (a few characters
 * of a secret are no secret) and the rest is caught in the next chunk; holding for a single character would delay
 * every chunk ending with a letter some secret starts with until the stream goes on.
 */
const MIN_HELD_START = 4;

/** The chunk fields that carry generated text a secret could be echoed in. */
const TEXT_FIELDS = ['text', 'reasoning'] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/**
 * Catches a secret the package sent that a server echoes cut across chunks (each piece alone too short to
 * recognise). A chunk whose text ends with the start of a secret (MIN_HELD_START characters or more) is held back
 * until the next chunk shows whether the secret goes on; a shorter start goes out and is carried, so the next chunk
 * is read with it. A secret found across chunks becomes [redacted] in the first held chunk it is in and is removed
 * from the others (their text, parsed data and raw text alike): at most MIN_HELD_START - 1 characters of it leave.
 * A chunk whose text ends with no secret's start passes at once.
 */
export class SplitSecretGuard {
	/** The remembered secrets' forms when the stream began. */
	private readonly secrets: SecretFinder = rememberedSecretFinder();
	private readonly held: StreamChunk[] = [];
	/** Per field, the short start of a secret the chunks that went out ended with. */
	private readonly carried: Record<TextField, string> = { text: '', reasoning: '' };

	/**
	 * Takes the next chunk: true when it can go out at once as it is (nothing held, and its text, read after what
	 * was carried, holds no secret and ends with none or too short a start: the common case, settled here without
	 * the held list); false when it was taken in, and `ready()` then gives what can go out.
	 */
	passes(chunk: StreamChunk): boolean {
		if (this.secrets.longest === 0) return true;
		if (this.held.length === 0) {
			const text = this.carriedAfter(chunk, 'text');
			const reasoning = text === undefined ? undefined : this.carriedAfter(chunk, 'reasoning');
			if (text !== undefined && reasoning !== undefined) {
				this.carried.text = text;
				this.carried.reasoning = reasoning;
				return true;
			}
		}
		this.held.push(chunk);
		return false;
	}

	/** After `passes` gave false: the chunks that can go out now, in order (the rest stay held). */
	ready(): StreamChunk[] {
		let keep = 0;
		for (const field of TEXT_FIELDS) keep = Math.max(keep, this.scrubAcross(field));
		return this.held.splice(0, this.held.length - keep);
	}

	/** The chunks still held, at the end of the stream (or before its error): what they began was no secret. */
	flush(): StreamChunk[] {
		this.carried.text = '';
		this.carried.reasoning = '';
		return this.held.splice(0);
	}

	/** Redacts secrets that span the held chunks' `field`; gives how many trailing chunks must stay held for it. */
	private scrubAcross(field: TextField): number {
		// A chunk without this field ends its run (e.g. the answer after the reasoning): a secret is looked for in
		// consecutive chunks that carry the field, so one field's open end never holds the other's chunks.
		if (this.held[this.held.length - 1][field] === undefined) {
			this.carried[field] = '';
			return 0;
		}
		const carried = this.carried[field];
		let joined = carried + joinedText(this.held, field);
		for (let found = this.secrets.firstIn(joined); found; found = this.secrets.firstIn(joined)) {
			redactRange(this.held, field, Math.max(0, found.at - carried.length), found.at + found.form.length - carried.length);
			joined = carried + joinedText(this.held, field);
		}
		const start = this.secrets.startOfOpenEnd(joined);
		if (joined.length - start < MIN_HELD_START) {
			// Nothing, or too little to hold for: all of it goes out, the short start carried to the next chunk.
			this.carried[field] = joined.slice(start);
			return 0;
		}
		// Hold the chunk the possible secret starts in and every chunk after it.
		let offset = carried.length;
		for (let i = 0; i < this.held.length; i++) {
			offset += (this.held[i][field] ?? '').length;
			if (offset > start) {
				if (i > 0) this.carried[field] = '';
				return this.held.length - i;
			}
		}
		return 0;
	}

	/**
	 * For a chunk taken while nothing is held: what `field` leaves carried when the chunk can go out as it is (what
	 * `scrubAcross` would leave for it alone), or undefined when it must be held or have a secret redacted.
	 */
	private carriedAfter(chunk: StreamChunk, field: TextField): string | undefined {
		const text = chunk[field];
		// A chunk without this field ends the field's run (see scrubAcross).
		if (text === undefined) return '';
		const carried = this.carried[field];
		if (carried !== '' && this.secrets.mayStartWithin(carried, text)) {
			const joined = carried + text;
			const start = this.secrets.startOfOpenEnd(joined);
			if (joined.length - start >= MIN_HELD_START || this.secrets.firstIn(joined, carried.length) !== undefined) return undefined;
			return joined.slice(start);
		}
		// Nothing starts in what was carried, and a secret wholly in the chunk's own text was already scrubbed with its
		// raw text (completeChunk): what is left to find is the start of one at the text's end.
		const start = this.secrets.startOfOpenEnd(text);
		if (start === text.length) return '';
		return text.length - start >= MIN_HELD_START ? undefined : text.slice(start);
	}
}

/**
 * The chunks `chunkOf` makes of each network read's pieces (its lines, its text), a read at a time, with a secret
 * echoed across chunks caught by a SplitSecretGuard; a piece `chunkOf` gives no chunk for is skipped. When reading
 * fails, the chunks that came before the failure arrive in a last batch before the error.
 */
export async function* guardedBatches<Piece>(
	reads: AsyncIterable<Iterable<Piece>>,
	chunkOf: (piece: Piece) => StreamChunk | undefined,
): AsyncGenerator<StreamChunk[]> {
	const guard = new SplitSecretGuard();
	let batch: StreamChunk[] = [];
	try {
		for await (const pieces of reads) {
			for (const piece of pieces) {
				const chunk = chunkOf(piece);
				if (chunk === undefined) continue;
				if (guard.passes(chunk)) batch.push(chunk);
				else for (const ready of guard.ready()) batch.push(ready);
			}
			if (batch.length > 0) {
				yield batch;
				batch = [];
			}
		}
	} catch (error) {
		// What came before a failure is delivered before it.
		for (const held of guard.flush()) batch.push(held);
		if (batch.length > 0) yield batch;
		throw error;
	}
	const held = guard.flush();
	if (held.length > 0) yield held;
}

function joinedText(chunks: readonly StreamChunk[], field: TextField): string {
	return chunks.length === 1 ? (chunks[0][field] ?? '') : chunks.map((chunk) => chunk[field] ?? '').join('');
}

/** Replaces characters `from`..`to` of the chunks' joined `field` by [redacted], in the chunk where they start. */
function redactRange(chunks: readonly StreamChunk[], field: TextField, from: number, to: number): void {
	let offset = 0;
	for (const chunk of chunks) {
		const text = chunk[field] ?? '';
		const end = offset + text.length;
		if (end > from && offset < to) {
			const before = text.slice(0, Math.max(0, from - offset));
			const after = text.slice(Math.min(text.length, to - offset));
			replaceText(chunk, field, text, before + (from >= offset ? REDACTED : '') + after);
		}
		offset = end;
	}
}

/** Sets a chunk's `field` to `next`, and the same string in its parsed data and raw text (where it came from). */
function replaceText(chunk: StreamChunk, field: TextField, previous: string, next: string): void {
	chunk[field] = next;
	// A line or text piece: data and raw are the text itself, less the line end a line's text adds (never redacted).
	if (chunk.data === chunk.raw && previous.startsWith(chunk.raw)) {
		chunk.data = chunk.raw = next.slice(0, next.length - (previous.length - chunk.raw.length));
		return;
	}
	chunk.data = replaceString(chunk.data, previous, next);
	// The JSON string as a whole (quotes included), so a piece as short as one letter changes nothing else.
	const quoted = JSON.stringify(previous);
	if (chunk.raw.includes(quoted)) chunk.raw = chunk.raw.split(quoted).join(JSON.stringify(next));
}

function replaceString(value: unknown, previous: string, next: string): unknown {
	if (value === previous) return next;
	if (Array.isArray(value)) return value.map((item) => replaceString(item, previous, next));
	if (!isRecord(value)) return value;
	return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceString(item, previous, next)]));
}
