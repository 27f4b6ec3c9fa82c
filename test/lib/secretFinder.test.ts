/**
 * The finder the stream decoders use for remembered secrets gives what a plain search over every secret gives, for
 * texts that hold secrets at every position, cut ones, near misses, and texts beyond one-byte characters; and the
 * process-wide set of remembered secrets stays bounded however many tokens are minted.
 */
import { randomInt } from 'node:crypto';

import { SecretFinder } from '../../lib/secretFinder';
import { forgetSecrets, holdsRememberedSecret, rememberedSecretForms, rememberSecret } from '../../lib/secrets';

const MIN = 8;

/** A plain search: what the finder must answer. */
const plain = {
	holdsAny: (forms: readonly string[], text: string) => forms.some((form) => text.includes(form)),
	firstIn(forms: readonly string[], text: string) {
		const longestFirst = [...forms].sort((a, b) => b.length - a.length);
		for (let at = 0; at < text.length; at++) for (const form of longestFirst) if (text.startsWith(form, at)) return { at, form };
		return undefined;
	},
	startOfOpenEnd(forms: readonly string[], text: string) {
		for (let at = 0; at < text.length; at++) {
			if (forms.some((form) => form.length > text.length - at && form.startsWith(text.slice(at)))) return at;
		}
		return text.length;
	},
};

// Few letters, so random texts often hold a secret's pairs and starts: the finder's shortcuts are tried hard.
const ALPHABET = 'abcAB.-_"\\ é\u0161\u4e00';
const randomText = (length: number) => Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** `shortest`: the least length drawn; the finder's stride grows with the shortest form it holds. */
function randomForms(shortest = MIN): string[] {
	const forms = Array.from({ length: 1 + randomInt(12) }, () => randomText(shortest + randomInt(10)));
	// One contains another, and two share their start: the longest must win.
	forms.push(`${forms[0]}tail`, `${forms[0].slice(0, MIN - 1)}x${forms[0].slice(MIN - 1)}`);
	return forms;
}

/** Texts around the forms: whole ones at every offset, cut ones at the end, one character changed. */
function textsFor(forms: readonly string[]): string[] {
	const texts: string[] = [];
	for (let n = 0; n < 40; n++) {
		const form = forms[randomInt(forms.length)];
		const before = randomText(randomInt(20));
		const after = randomText(randomInt(20));
		const changed = randomInt(form.length);
		texts.push(
			before + form + after,
			before + form.slice(0, 1 + randomInt(form.length - 1)),
			before + form.slice(0, changed) + (form[changed] === 'a' ? 'b' : 'a') + form.slice(changed + 1) + after,
			randomText(randomInt(60)),
		);
	}
	return texts;
}

describe('SecretFinder', () => {
	it('answers as a search over every secret does, for any text', () => {
		for (let round = 0; round < 300; round++) {
			// Short forms, and long ones only (tokens and key lines are long: a text is then read at wide steps).
			const forms = randomForms(round % 3 === 2 ? 30 + randomInt(40) : MIN);
			const finder = new SecretFinder(forms, MIN);
			for (const text of textsFor(forms)) {
				expect([text, finder.holdsAny(text)]).toEqual([text, plain.holdsAny(forms, text)]);
				expect([text, finder.firstIn(text)]).toEqual([text, plain.firstIn(forms, text)]);
				expect([text, finder.startOfOpenEnd(text)]).toEqual([text, plain.startOfOpenEnd(forms, text)]);
			}
		}
	});

	it('says no string starts within a head only when none does, whole or cut by the end of head + tail', () => {
		let noneSaid = 0;
		let startsSeen = 0;
		for (let round = 0; round < 200; round++) {
			const forms = randomForms();
			const finder = new SecretFinder(forms, MIN);
			for (const text of textsFor(forms)) {
				const cut = randomInt(text.length + 1);
				const [head, tail] = [text.slice(0, cut), text.slice(cut)];
				const startsAt = (at: number) => forms.some((form) => text.startsWith(form, at) || (at < text.length && form.startsWith(text.slice(at))));
				const starts = Array.from({ length: head.length }, (_, at) => at).some(startsAt);
				if (starts) startsSeen++;
				if (!finder.mayStartWithin(head, tail)) {
					noneSaid++;
					expect([head, tail, starts]).toEqual([head, tail, false]);
				}
			}
		}
		// The test is a shortcut's: it must say "none" for most texts, or it saves nothing; and heads where a string does
		// start must have come up, or "none only when none does" was never put to the test.
		expect(noneSaid).toBeGreaterThan(1_000);
		expect(startsSeen).toBeGreaterThan(100);
	});

	it('finds a secret at each position of a text, and nothing in one without it', () => {
		const secret = 'ya29.a0Af-secret';
		const finder = new SecretFinder([secret], MIN);
		for (let at = 0; at <= 30; at++) {
			const text = `${'x'.repeat(at)}${secret}${'y'.repeat(30 - at)}`;
			expect([at, finder.holdsAny(text), finder.firstIn(text)]).toEqual([at, true, { at, form: secret }]);
		}
		expect(finder.holdsAny(`${'x'.repeat(10)}${secret.slice(0, -1)}`)).toBe(false);
	});

	it('finds nothing when it holds no secret, and refuses one shorter than the minimum', () => {
		const none = new SecretFinder([], MIN);
		expect([none.longest, none.holdsAny('ya29.anything-at-all'), none.firstIn('text'), none.startOfOpenEnd('text')]).toEqual([0, false, undefined, 4]);
		expect(() => new SecretFinder(['short'], MIN)).toThrow(RangeError);
	});
});

describe('the remembered secrets', () => {
	afterEach(() => forgetSecrets());

	it('stay bounded however many tokens are minted: the oldest are forgotten, one told again is kept', () => {
		rememberSecret('ya29.kept-token-0');
		for (let n = 1; n <= 2_000; n++) {
			rememberSecret(`ya29.minted-token-${n}`, `eyJhbGciOiJSUzI1NiJ9.assertion-${n}.signature`);
			// The transport tells the token in use with every request.
			rememberSecret('ya29.kept-token-0');
		}
		expect(rememberedSecretForms().length).toBe(512);
		expect(holdsRememberedSecret('echo: ya29.kept-token-0')).toBe(true);
		expect(holdsRememberedSecret('echo: ya29.minted-token-2000')).toBe(true);
		expect(holdsRememberedSecret('echo: ya29.minted-token-1000')).toBe(false);
	});

	it('are found as sent and in the forms a server escapes them in', () => {
		rememberSecret('ya29.token/with+signs"and\\escapes');
		expect(holdsRememberedSecret('echo: ya29.token/with+signs"and\\escapes')).toBe(true);
		expect(holdsRememberedSecret(`echo: ${encodeURIComponent('ya29.token/with+signs"and\\escapes')}`)).toBe(true);
		expect(holdsRememberedSecret(`{"echo": ${JSON.stringify('ya29.token/with+signs"and\\escapes')}}`)).toBe(true);
		expect(holdsRememberedSecret('echo: ya29.token/with+signs')).toBe(false);
	});

	it('are found in a text as soon as they are remembered, and not once forgotten', () => {
		expect(holdsRememberedSecret('echo: ya29.fresh-token')).toBe(false);
		rememberSecret('ya29.fresh-token');
		expect(holdsRememberedSecret('echo: ya29.fresh-token')).toBe(true);
		forgetSecrets();
		expect(holdsRememberedSecret('echo: ya29.fresh-token')).toBe(false);
	});
});
