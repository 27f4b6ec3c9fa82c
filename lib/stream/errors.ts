/** A response body that could not be decoded the way its format says. */
export class VertexStreamError extends Error {
	readonly name = 'VertexStreamError';
	constructor(
		message: string,
		readonly reason: 'invalid-json' | 'too-large' | 'already-consumed' | 'invalid-format',
		/** 1-based line number in the body, when the fault is on one line. */
		readonly lineNumber?: number,
	) {
		super(message);
	}
}

/** Response text quoted in an error, cut short so a huge line never floods a message. */
export function excerpt(text: string, maxLength = 120): string {
	const flat = JSON.stringify(text.length > maxLength ? text.slice(0, maxLength) : text);
	return text.length > maxLength ? `${flat}… (${text.length} characters)` : flat;
}
