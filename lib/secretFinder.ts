/**
 * Looks for any of a set of strings (the remembered secrets in the forms they may be echoed in) in texts a stream
 * delivers chunk after chunk, at a cost that hardly grows with how many strings there are: the texts are read once,
 * not once per secret. Every string must have at least `minLength` characters.
 *
 * `holdsAny` reads only every (shortest - 2)-th position of a text, `shortest` being the length of the shortest
 * string held: an occurrence of a string covers that many characters, so one of its first shortest - 2 character
 * triples starts on such a position. A position is compared with a string only when the triple there (hashed) is one
 * the string has there. Secrets are long (tokens, key lines), so a chunk of a stream costs a few reads.
 * `firstIn` and `startOfOpenEnd` look at every position, first testing the pair of characters there.
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
	/** Per hashed triple, the strings holding it within their first `stride` positions and where. */
	private readonly byTriple: Array<Array<{ form: string; offset: number }> | undefined> = new Array(TRIPLE_SLOTS);

	constructor(forms: readonly string[], minLength: number) {
		this.forms = [...forms].sort((a, b) => b.length - a.length);
		this.longest = this.forms.length > 0 ? this.forms[0].length : 0;
		const shortest = this.forms.length > 0 ? this.forms[this.forms.length - 1].length : minLength;
		if (shortest < minLength) throw new RangeError(`a secret form shorter than ${minLength} characters`);
		this.stride = shortest - 2;
		for (const form of this.forms) {
			const first = form.charCodeAt(0);
			const list = this.byFirst.get(first);
			if (list) list.push(form);
			else this.byFirst.set(first, [form]);
			this.startPairs[folded(first, form.charCodeAt(1))] = 1;
			for (let offset = 0; offset < this.stride; offset++) {
				const key = tripleAt(form, offset);
				const entries = this.byTriple[key];
				if (entries) entries.push({ form, offset });
				else this.byTriple[key] = [{ form, offset }];
			}
		}
	}

	/** Whether `text` holds any of the strings. */
	holdsAny(text: string): boolean {
		if (this.longest === 0) return false;
		const last = text.length - 2;
		for (let at = 0; at < last; at += this.stride) {
			const entries = this.byTriple[tripleAt(text, at)];
			if (entries === undefined) continue;
			// Entries share a hash, not always the triple: startsWith compares the whole string, which settles it.
			for (const { form, offset } of entries) {
				if (at >= offset && text.startsWith(form, at - offset)) return true;
			}
		}
		return false;
	}

	/** The first string in `text` (the longest one starting there), if any; only those starting before `startsBefore`. */
	firstIn(text: string, startsBefore = text.length): { at: number; form: string } | undefined {
		if (this.longest === 0) return undefined;
		const last = Math.min(startsBefore, text.length - 1);
		for (let at = 0; at < last; at++) {
			if (this.startPairs[folded(text.charCodeAt(at), text.charCodeAt(at + 1))] === 0) continue;
			for (const form of this.byFirst.get(text.charCodeAt(at)) ?? []) if (text.startsWith(form, at)) return { at, form };
		}
		return undefined;
	}

	/**
	 * Whether some string may start within `head` when `tail` follows it: false means surely not (a test of the pair
	 * of characters at each position of `head`), so a reader need not join the two to search them.
	 */
	mayStartWithin(head: string, tail: string): boolean {
		for (let at = 0; at < head.length; at++) {
			const next = at + 1 < head.length ? head.charCodeAt(at + 1) : tail.charCodeAt(0);
			if (Number.isNaN(next) || this.startPairs[folded(head.charCodeAt(at), next)] === 1) return true;
		}
		return false;
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

const TRIPLE_SLOTS = 1 << 16;
/** The three characters of `text` from `at`, hashed to a slot of the triple index. */
const tripleAt = (text: string, at: number): number =>
	(Math.imul(Math.imul(text.charCodeAt(at), 0x9e37) + text.charCodeAt(at + 1), 0x85eb) + text.charCodeAt(at + 2)) & (TRIPLE_SLOTS - 1);

/** Whether `form` begins with `text` from `at` to its end. */
function beginsWithEndOf(form: string, text: string, at: number): boolean {
	for (let i = at; i < text.length; i++) if (form.charCodeAt(i - at) !== text.charCodeAt(i)) return false;
	return true;
}
