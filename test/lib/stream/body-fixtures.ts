/** Bodies for decoder tests: the same bytes cut into pieces at chosen or random places. */

export class FakeBody implements AsyncIterable<Uint8Array> {
	/** How many pieces the decoder pulled. */
	pulled = 0;
	/** Whether the decoder released the body early (the iterator's return() ran). */
	released = false;

	constructor(private readonly pieces: Uint8Array[]) {}

	[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
		let position = 0;
		return {
			next: async () => {
				if (position >= this.pieces.length) return { done: true, value: undefined };
				this.pulled += 1;
				return { done: false, value: this.pieces[position++] };
			},
			return: async () => {
				this.released = true;
				return { done: true, value: undefined };
			},
		};
	}
}

export function bytesOf(text: string | Buffer): Buffer {
	return typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
}

export function whole(text: string | Buffer): FakeBody {
	return new FakeBody([bytesOf(text)]);
}

export function byteByByte(text: string | Buffer): FakeBody {
	const bytes = bytesOf(text);
	return new FakeBody([...bytes].map((byte) => Uint8Array.of(byte)));
}

/** Small deterministic PRNG (mulberry32) so a failing split can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function randomSplits(text: string | Buffer, seed: number, maxPiece = 7): FakeBody {
	const bytes = bytesOf(text);
	const random = seededRandom(seed);
	const pieces: Uint8Array[] = [];
	for (let start = 0; start < bytes.length; ) {
		const size = 1 + Math.floor(random() * maxPiece);
		pieces.push(bytes.subarray(start, start + size));
		start += size;
	}
	return new FakeBody(pieces);
}

/** Every way of cutting the body that the decoder tests compare: whole, byte by byte, and 50 random splits. */
export function allSplits(text: string | Buffer): Array<[string, () => FakeBody]> {
	const cases: Array<[string, () => FakeBody]> = [
		['whole', () => whole(text)],
		['byte by byte', () => byteByByte(text)],
	];
	for (let seed = 1; seed <= 50; seed++) cases.push([`random split #${seed}`, () => randomSplits(text, seed)]);
	return cases;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of items) out.push(item);
	return out;
}
