/**
 * The body decoder gives, for any bytes cut anywhere, the text the WHATWG decoder (TextDecoder) gives for them whole:
 * characters cut between reads, invalid bytes (U+FFFD), and a byte order mark that opens the body (dropped).
 */
import { decodeUtf8 } from '../../../lib/stream/utf8';
import { collect, FakeBody, seededRandom } from './body-fixtures';

const whatwg = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes);

async function decoded(reads: Uint8Array[]): Promise<string> {
	return (await collect(decodeUtf8(new FakeBody(reads)))).join('');
}

/** Valid text of 1- to 4-byte characters, with stray, cut and overlong bytes mixed in. */
function randomBytes(next: () => number): Uint8Array {
	const parts: number[] = [];
	const pieces = ['a', 'é', '€', '😀', '\ufeff', 'data: {"x":1}\n'];
	const bad = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]];
	for (let i = 0; i < 30; i++) {
		if (next() < 0.25) parts.push(...bad[Math.floor(next() * bad.length)]);
		else parts.push(...Buffer.from(pieces[Math.floor(next() * pieces.length)]));
	}
	return Uint8Array.from(parts);
}

function cutAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
	const at = [0, ...cuts.filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b), bytes.length];
	return at.slice(1).map((end, i) => bytes.subarray(at[i], end));
}

describe('decodeUtf8', () => {
	it('gives what TextDecoder gives for the whole body, however the bytes are cut', async () => {
		for (let seed = 1; seed <= 300; seed++) {
			const next = seededRandom(seed);
			const bytes = randomBytes(next);
			const cuts = Array.from({ length: Math.floor(next() * 6) }, () => Math.floor(next() * bytes.length));
			expect([seed, await decoded(cutAt(bytes, cuts))]).toEqual([seed, whatwg(bytes)]);
		}
	});

	it('gives the same text for every cut into two and three reads of a body of 1- to 4-byte and invalid sequences', async () => {
		const bytes = Uint8Array.from([...Buffer.from('a😀é€'), 0xf0, 0x9f, 0x98, ...Buffer.from('b'), 0xe2, 0x82, 0xff, 0x80, 0x80, 0x80, 0x80, ...Buffer.from('😀')]);
		const expected = whatwg(bytes);
		for (let first = 1; first < bytes.length; first++) {
			for (let second = first; second < bytes.length; second++) {
				expect([first, second, await decoded(cutAt(bytes, [first, second]))]).toEqual([first, second, expected]);
			}
		}
	});

	it('drops a byte order mark that opens the body, also cut across reads, and keeps one further on', async () => {
		const bom = [0xef, 0xbb, 0xbf];
		const body = Uint8Array.from([...bom, ...Buffer.from('hi'), ...bom, ...Buffer.from('!')]);
		for (let cut = 1; cut < body.length; cut++) {
			expect([cut, await decoded(cutAt(body, [cut]))]).toEqual([cut, 'hi\ufeff!']);
		}
		expect(await decoded([Uint8Array.from(bom)])).toBe('');
		expect(await decoded([Uint8Array.from(bom.slice(0, 2))])).toBe('\ufffd');
	});
});
