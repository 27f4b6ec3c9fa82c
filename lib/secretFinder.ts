/**
 * Looks for any of a set of strings (the remembered secrets in the forms they may be echoed in) in texts a stream
 * delivers chunk after chunk, at a cost that hardly grows with how many strings there are: the texts are read once,
 * not once per secret. Every string must have at least `minLength` characters.
 *
 * Two-character pairs index the strings: a text position is compared with a string only when the pair of characters
 * there is one the string has. `holdsAny` reads only every (minLength - 1)-th pair of a text, since an occurrence of
 * a string covers minLength characters and so one of its first minLength - 1 pairs sits on such a position.
 */
export class SecretFinder {
	/** The strings, longest first (so a string that contains another is found whole). */
	readonly forms: readonly string[];
	/** The length of the longest string (0 when there are none). */
	readonly longest: number;
	private readonly stride: number;
	/** The strings by their first character's code, longest first. */
	private readonly byFirst = new Map<number, string[]>();
	/** Pairs (folded to their low bytes) some string starts with: a cheap first test before `byFirst`. */
	private readonly startPairs = new Uint8Array(1 << 16);
	/** Pairs (folded) within some string's first minLength characters, for `holdsAny`. */
	private readonly innerPairs = new Uint8Array(1 << 16);
	/** Per exact pair, the strings holding it within their first minLength characters and where. */
	private readonly byInnerPair = new Map<number, Array<{ form: string; offset: number }>>();

	constructor(forms: readonly string[], minLength: number) {
		this.forms = [...forms].sort((a, b) => b.length - a.length);
		this.longest = this.forms.length > 0 ? this.forms[0].length : 0;
		this.stride = minLength - 1;
		for (const form of this.forms) {
			if (form.length < minLength) throw new RangeError(`a secret form shorter than ${minLength} characters`);
			const first = form.charCodeAt(0);
			const list = this.byFirst.get(first);
			if (list) list.push(form);
			else this.byFirst.set(first, [form]);
			this.startPairs[folded(first, form.charCodeAt(1))] = 1;
			for (let offset = 0; offset < this.stride; offset++) {
				const a = form.charCodeAt(offset);
				const b = form.charCodeAt(offset + 1);
				this.innerPairs[folded(a, b)] = 1;
				const key = exact(a, b);
				const entries = this.byInnerPair.get(key);
				if (entries) entries.push({ form, offset });
				else this.byInnerPair.set(key, [{ form, offset }]);
			}
		}
	}

	/** Whether `text` holds any of the strings. */
	holdsAny(text: string): boolean {
		if (this.longest === 0) return false;
		const last = text.length - 1;
		for (let at = 0; at < last; at += this.stride) {
			const a = text.charCodeAt(at);
			const b = text.charCodeAt(at + 1);
			if (this.innerPairs[folded(a, b)] === 0) continue;
			for (const { form, offset } of this.byInnerPair.get(exact(a, b)) ?? []) {
				if (at >= offset && text.startsWith(form, at - offset)) return true;
			}
		}
		return false;
	}

	/** The first string in `text` (the longest one starting there), if any. */
	firstIn(text: string): { at: number; form: string } | undefined {
		if (this.longest === 0) return undefined;
		for (let at = 0; at < text.length - 1; at++) {
			if (this.startPairs[folded(text.charCodeAt(at), text.charCodeAt(at + 1))] === 0) continue;
			for (const form of this.byFirst.get(text.charCodeAt(at)) ?? []) if (text.startsWith(form, at)) return { at, form };
		}
		return undefined;
	}

	/** Where the longest end of `text` that is the beginning of a string (not all of it) starts; text.length when none. */
	startOfOpenEnd(text: string): number {
		const end = text.length;
		for (let at = Math.max(0, end - this.longest + 1); at < end; at++) {
			const first = text.charCodeAt(at);
			if (at + 1 < end && this.startPairs[folded(first, text.charCodeAt(at + 1))] === 0) continue;
			const forms = this.byFirst.get(first);
			if (!forms) continue;
			for (const form of forms) if (form.length > end - at && beginsWithEndOf(form, text, at)) return at;
		}
		return end;
	}
}

const folded = (a: number, b: number): number => ((a & 0xff) << 8) | (b & 0xff);
const exact = (a: number, b: number): number => a * 0x10000 + b;

/** Whether `form` begins with `text` from `at` to its end. */
function beginsWithEndOf(form: string, text: string, at: number): boolean {
	for (let i = at; i < text.length; i++) if (form.charCodeAt(i - at) !== text.charCodeAt(i)) return false;
	return true;
}
