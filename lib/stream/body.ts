import { excerpt, jsonSyntaxProblem, VertexStreamError } from './errors';

/** Reads a whole body into one Buffer, failing as soon as it grows past `maxBytes` (which stops the download). */
export async function readBodyBytes(body: AsyncIterable<Uint8Array>, maxBytes = Infinity): Promise<Buffer> {
	const parts: Buffer[] = [];
	let size = 0;
	for await (const bytes of body) {
		size += bytes.byteLength;
		if (size > maxBytes) {
			throw new VertexStreamError(`The response body is larger than the ${maxBytes} bytes allowed (maxBytes); it was stopped there.`,
				'too-large',
				undefined,
				'maxBytes',
			);
		}
		parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
	}
	return Buffer.concat(parts, size);
}

/** Parses a whole JSON body; `what` names it in the error ("The response body"). */
export function parseJsonBody(text: string, what: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new VertexStreamError(
			`${what} is not valid JSON (${jsonSyntaxProblem(error)}): ${excerpt(text)}`,
			'invalid-json',
		);
	}
}
