/**
 * Decodes a body to text piece by piece. A multi-byte UTF-8 character cut between two network packets is held back
 * until its last byte arrives; invalid bytes become U+FFFD rather than failing the stream; a byte order mark that
 * opens the body is dropped (as TextDecoder does). The final flush is yielded only when it holds something.
 * Buffer's own decoding rather than a streaming TextDecoder: JSON.parse reads the events of its text faster (and it
 * needs no import n8n's package rules would refuse).
 */
export async function* decodeUtf8(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
	let held: Buffer | undefined;
	let opened = false;
	/** The text, less a byte order mark if it is the body's first text. */
	const withoutOpeningMark = (text: string): string => {
		if (opened || text === '') return text;
		opened = true;
		return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
	};
	for await (const bytes of body) {
		const piece = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const all = held ? Buffer.concat([held, piece]) : piece;
		const end = endOfWholeCharacters(all);
		// A copy: the last few bytes must not keep the whole network read alive until the next one.
		held = end < all.length ? Buffer.from(all.subarray(end)) : undefined;
		const text = withoutOpeningMark(all.toString('utf8', 0, end));
		if (text !== '') yield text;
	}
	const tail = withoutOpeningMark(held ? held.toString('utf8') : '');
	if (tail !== '') yield tail;
}

const BYTE_ORDER_MARK = 0xfeff;

/**
 * Where the bytes stop making whole characters: before a lead byte at the end whose continuation bytes have not all
 * arrived. Cutting there changes nothing in the decoded text, since a lead byte always starts a new sequence.
 */
function endOfWholeCharacters(bytes: Buffer): number {
	const length = bytes.length;
	// A sequence is at most 4 bytes: its lead byte is among the last 4 (continuation bytes are 10xxxxxx).
	let start = length - 1;
	while (start >= 0 && start > length - 4 && (bytes[start] & 0xc0) === 0x80) start--;
	if (start < 0) return length;
	const lead = bytes[start];
	const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return length - start < needed ? start : length;
}
