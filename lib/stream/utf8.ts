/**
 * Decodes a body to text piece by piece. `stream: true` holds back a multi-byte UTF-8 character cut between two
 * network packets until its last byte arrives; invalid bytes become U+FFFD rather than failing the stream.
 * The final flush is yielded only when it holds something.
 */
export async function* decodeUtf8(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
	const decoder = new TextDecoder('utf-8');
	for await (const bytes of body) {
		const text = decoder.decode(bytes, { stream: true });
		if (text !== '') yield text;
	}
	const tail = decoder.decode();
	if (tail !== '') yield tail;
}
