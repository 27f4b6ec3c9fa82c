import { VertexStreamError } from './errors';

export interface SplitLine {
	/** The line without its terminator (`\n` or `\r\n`). */
	text: string;
	/** 1-based. */
	number: number;
	/** False only for a last line the body ended without terminating. */
	terminated: boolean;
}

/**
 * Cuts decoded text into lines as it arrives. A partial line is kept as a list of fragments and joined once, so a
 * long line sent in many small pieces costs linear time; its length is checked on every piece, so memory stays
 * bounded by `maxLineLength` whatever the server sends.
 */
export class LineSplitter {
	private fragments: string[] = [];
	private pendingLength = 0;
	private lineCount = 0;

	constructor(
		private readonly maxLineLength: number,
		/** Names the stream in errors, e.g. "NDJSON". */
		private readonly label: string,
	) {}

	push(text: string): SplitLine[] {
		const lines: SplitLine[] = [];
		let start = 0;
		let newline = text.indexOf('\n');
		while (newline !== -1) {
			this.fragments.push(text.slice(start, newline));
			lines.push(this.takeLine(true));
			start = newline + 1;
			newline = text.indexOf('\n', start);
		}
		if (start < text.length) {
			const rest = text.slice(start);
			this.fragments.push(rest);
			this.pendingLength += rest.length;
			// One extra character allowed: a `\r` whose `\n` has not arrived yet.
			if (this.pendingLength > this.maxLineLength + 1) throw this.tooLong(this.lineCount + 1);
		}
		return lines;
	}

	/** The last line, when the body ended without a final newline. */
	finish(): SplitLine | undefined {
		if (this.fragments.length === 0) return undefined;
		const line = this.takeLine(false);
		return line.text === '' ? undefined : line;
	}

	private takeLine(terminated: boolean): SplitLine {
		let text = this.fragments.length === 1 ? this.fragments[0] : this.fragments.join('');
		this.fragments = [];
		this.pendingLength = 0;
		this.lineCount += 1;
		if (terminated && text.endsWith('\r')) text = text.slice(0, -1);
		if (text.length > this.maxLineLength) throw this.tooLong(this.lineCount);
		return { text, number: this.lineCount, terminated };
	}

	private tooLong(lineNumber: number): VertexStreamError {
		return new VertexStreamError(
			`${this.label} line ${lineNumber} is longer than the ${this.maxLineLength} characters allowed; ` +
				'raise the maximum line length if the server really sends lines this long.',
			'too-large',
			lineNumber,
		);
	}
}
