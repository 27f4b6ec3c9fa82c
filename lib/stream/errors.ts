import { scrubSecrets } from '../secrets';

/** A response body that could not be decoded the way its format says. Its message is scrubbed of secrets. */
export class VertexStreamError extends Error {
	readonly name = 'VertexStreamError';
	constructor(
		message: string,
		/** 'server-error': the server reported a failure inside its stream or answer (its message is quoted). */
		readonly reason: 'invalid-json' | 'too-large' | 'already-consumed' | 'invalid-format' | 'server-error',
		/** 1-based line number in the body, when the fault is on one line. */
		readonly lineNumber?: number,
		/** For 'too-large': the option whose limit was passed, so a caller can say which setting to raise. */
		readonly limit?: 'maxBytes' | 'maxChunks' | 'maxStreamBytes' | 'maxLineLength' | 'maxJsonBytes',
	) {
		super(scrubSecrets(message));
	}
}

/** Response text quoted in an error, cut short so a huge line never floods a message. */
export function excerpt(raw: string, maxLength = 120): string {
	// Scrubbed before it is cut, so a token cut in two is still recognised.
	const text = scrubSecrets(raw);
	const flat = JSON.stringify(text.length > maxLength ? text.slice(0, maxLength) : text);
	return text.length > maxLength ? `${flat}… (${text.length} characters)` : flat;
}

/**
 * What JSON.parse found wrong, without the piece of input V8 quotes ("Unexpected token 'y', "ya29.…" is not valid
 * JSON"): that piece can be a fragment of a secret too short to recognise. The caller quotes the text via excerpt.
 */
export function jsonSyntaxProblem(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	// `Unexpected token 'x', "abc" is not valid JSON`, or with "..." around a piece of a long text.
	return message.replace(/,\s*(?:\.\.\.)?".*$/s, '');
}
