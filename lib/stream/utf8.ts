import { StringDecoder } from 'node:string_decoder';

/**
 * Decodes a body to text piece by piece. A multi-byte UTF-8 character cut between two network packets is held back
 * until its last byte arrives; invalid bytes become U+FFFD rather than failing the stream; a byte order mark that
 * opens the body is dropped (as TextDecoder does). The final flush is yielded only when it holds something.
 * Node's StringDecoder rather than TextDecoder: JSON.parse reads the events of its text faster than those of a
 * streaming TextDecoder's.
 */
export async function* decodeUtf8(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
	const decoder = new StringDecoder('utf8');
	let first = true;
	for await (const bytes of body) {
		let text = decoder.write(bytes as Buffer);
		if (first && text !== '') {
			first = false;
			if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
		}
		if (text !== '') yield text;
	}
	let tail = decoder.end();
	if (first && tail.charCodeAt(0) === BYTE_ORDER_MARK) tail = tail.slice(1);
	if (tail !== '') yield tail;
}

const BYTE_ORDER_MARK = 0xfeff;
