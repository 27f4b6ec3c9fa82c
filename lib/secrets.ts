/**
 * Keeping secrets out of everything the package shows: error messages, field violations, error details, and the
 * values quoted back to the user. One module, so every error is scrubbed the same way:
 *
 * - `rememberSecret` is told each secret the package handles at run time (the access tokens the transport sends,
 *   the JWT assertions and client secrets sent to token endpoints, the credential's private key lines), and
 *   `scrubSecrets` blanks those out wherever they turn up, as well as anything shaped like a secret: `Bearer x`,
 *   Google access tokens (`ya29.x`), signed JWTs (three base64url parts starting `eyJ`), PEM blocks, and the values
 *   of `private_key`, `client_secret`, `assertion`... fields in JSON or form bodies.
 * - The error classes (lib/errors.ts, lib/stream/errors.ts) scrub their message and fields in their constructors,
 *   so no error this package builds can carry a secret a server reflected back.
 * - `quoteForMessage` is how a message quotes a value the user gave: never a value that looks like a key or token
 *   (pasted into the wrong field), and never more than a short prefix.
 */

import { createPrivateKey } from 'node:crypto';

import { SecretFinder } from './secretFinder';

export const REDACTED = '[redacted]';
export const SECRET_NOT_SHOWN = '(the value looks like a secret and is not shown)';

/** Secrets shorter than this are never searched for (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 8;
/** How many run-time secrets are remembered (oldest forgotten first): tokens are replaced every hour or so. */
const MAX_REMEMBERED = 512;
const remembered = new Set<string>();
/** The finder for what is remembered now; dropped when a secret comes or goes (not when one is only told again). */
let finder: SecretFinder | undefined;

/** Tells the scrubber about secrets it must blank out from now on (values under 8 characters are ignored). */
export function rememberSecret(...values: Array<string | undefined | null>): void {
	for (const value of values) {
		if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
		// Told again (the transport tells each request's token): moved to the newest end, so it is forgotten last.
		if (!remembered.delete(value)) finder = undefined;
		remembered.add(value);
		if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.values().next().value as string);
	}
}

/**
 * Remembers every line of a PEM-like text (and its base64 body joined) as a secret: used for a value pasted where a
 * certificate belongs and refused, so a server or log echoing part of it cannot carry it out.
 */
export function rememberPemLines(text: string): void {
	if (typeof text !== 'string') return;
	const lines = text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line !== '' && !/^-----(?:BEGIN|END) /.test(line));
	rememberSecret(...lines, lines.join(''), text.trim());
}

/** A PEM private key block of any kind (PKCS#8, RSA, EC, encrypted, OpenSSH). */
const PRIVATE_KEY_PEM = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const JSON_PRIVATE_KEY = /"private_key"\s*:/;

/** Whether base64 text decodes to a DER private key (PKCS#8, PKCS#1 or SEC1), as a key pasted without its PEM lines. */
function isBareDerPrivateKey(text: string): boolean {
	const body = text.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
	if (body.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
	const der = Buffer.from(body, 'base64');
	for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
		try {
			createPrivateKey({ key: der, format: 'der', type });
			return true;
		} catch {
			// not this kind of key
		}
	}
	return false;
}

/**
 * Whether a text holds a private key: a PEM private key block, a key file's JSON `private_key`, or the base64 of a
 * DER key without its PEM lines. Used to refuse a key pasted where a certificate belongs.
 */
export function holdsPrivateKey(text: string): boolean {
	if (typeof text !== 'string') return false;
	return PRIVATE_KEY_PEM.test(text) || JSON_PRIVATE_KEY.test(text) || isBareDerPrivateKey(text);
}

/**
 * Whether `text` holds a secret the package sent (an access token), as sent or URL- or JSON-escaped: a cheap test
 * run on every answer and stream chunk a server sends back, since a gateway or debug server may echo the request's
 * headers into a successful answer.
 */
export function holdsRememberedSecret(text: string): boolean {
	return rememberedSecretFinder().holdsAny(text);
}

/**
 * An answer's text as it may be shown: unchanged, unless a token the package sent is in it (a gateway or debug server
 * echoing the request's headers), then with every such secret replaced. (Parsed JSON: the raw text is checked, and
 * the value scrubbed with `scrubDeep`, where it is parsed.)
 */
export function withoutEchoedSecrets(text: string): string {
	return holdsRememberedSecret(text) ? scrubSecrets(text) : text;
}

/**
 * Every remembered secret in each form `scrubSecrets` looks for (as sent, URL- and JSON-escaped), each once: what
 * `rememberedSecretFinder` looks for (the finder orders them itself, longest first).
 */
export function rememberedSecretForms(): string[] {
	const forms = new Set<string>();
	for (const secret of remembered) for (const form of escapedForms(secret)) forms.add(form);
	return [...forms];
}

/**
 * Finds the remembered secrets, in every form `rememberedSecretForms` gives, in texts: built once for what is
 * remembered and reused until that changes, so a stream's chunks cost one read each whatever the number of secrets.
 */
export function rememberedSecretFinder(): SecretFinder {
	finder ??= new SecretFinder(rememberedSecretForms(), MIN_SECRET_LENGTH);
	return finder;
}

/** Forgets every remembered secret (tests). */
export function forgetSecrets(): void {
	remembered.clear();
	finder = undefined;
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]{0,40}-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}-----|$)/g;
/** `Bearer x` (also URL-encoded); 8 characters at least, so prose ("a bearer token") is left alone. */
const BEARER = /\bBearer(?:\s|%20|\+)+[^\s"',;<>&]{8,}/gi;
const GOOGLE_ACCESS_TOKEN = /ya29\.[A-Za-z0-9._~+/=-]+/g;
/** A JWS / JWT: base64url header `{"...` (eyJ), payload and signature. */
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const SECRET_FIELDS = '(?:private_key|client_secret|refresh_token|access_token|id_token|assertion|subject_token|password|api_key|apiKey|accessToken)';
const JSON_SECRET_FIELD = new RegExp(`("${SECRET_FIELDS}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"?`, 'g');
const ESCAPED_JSON_SECRET_FIELD = new RegExp(`(\\\\"${SECRET_FIELDS}\\\\"\\s*:\\s*)\\\\"(?:[^"\\\\]|\\\\[^"])*(?:\\\\")?`, 'g');
const FORM_SECRET_FIELD = new RegExp(`(\\b${SECRET_FIELDS}=)[^&\\s"']+`, 'g');

function escapedForms(secret: string): string[] {
	const forms = [secret];
	const encoded = encodeURIComponent(secret);
	if (encoded !== secret) forms.push(encoded);
	const json = JSON.stringify(secret).slice(1, -1);
	if (json !== secret) forms.push(json);
	return forms;
}

/**
 * `text` with every remembered secret and `extra` secret (and their URL- and JSON-escaped forms) replaced by
 * [redacted], then everything shaped like a token, JWT, private key or secret field value.
 */
export function scrubSecrets(text: string, extra: readonly string[] = []): string {
	if (typeof text !== 'string' || text === '') return text;
	let result = text;
	const secrets = [...extra.filter((value) => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH), ...remembered];
	// Longest first, so a secret that contains another is blanked whole.
	secrets.sort((a, b) => b.length - a.length);
	for (const secret of secrets) {
		for (const form of escapedForms(secret)) {
			if (result.includes(form)) result = result.split(form).join(REDACTED);
		}
	}
	return result
		.replace(PEM_BLOCK, REDACTED)
		.replace(JSON_SECRET_FIELD, `$1"${REDACTED}"`)
		.replace(ESCAPED_JSON_SECRET_FIELD, `$1\\"${REDACTED}\\"`)
		.replace(FORM_SECRET_FIELD, `$1${REDACTED}`)
		.replace(BEARER, `Bearer ${REDACTED}`)
		.replace(GOOGLE_ACCESS_TOKEN, REDACTED)
		.replace(JWT, REDACTED);
}

const MAX_DEPTH = 32;

/**
 * A copy of `value` (JSON-like: an error's `details`) with every string, object key included, scrubbed. Other
 * values are kept; structures deeper than 32 levels are cut.
 */
export function scrubDeep<T>(value: T, extra: readonly string[] = []): T {
	const seen = new WeakSet<object>();
	const walk = (item: unknown, depth: number): unknown => {
		if (typeof item === 'string') return scrubSecrets(item, extra);
		if (!item || typeof item !== 'object') return item;
		if (seen.has(item) || depth >= MAX_DEPTH) return '[not shown]';
		seen.add(item);
		if (Array.isArray(item)) return item.map((entry) => walk(entry, depth + 1));
		if (Object.getPrototypeOf(item) !== Object.prototype && Object.getPrototypeOf(item) !== null) {
			return scrubSecrets(String(item), extra);
		}
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(item)) copy[scrubSecrets(key, extra)] = walk(entry, depth + 1);
		return copy;
	};
	return walk(value, 0) as T;
}

/** Runs of key-like characters: base64url / hex without "/" ... */
const KEY_LIKE_RUN = /[A-Za-z0-9+=_-]{40,}/g;
/** ... and standard base64 (with "/", as in a PEM body pasted without its BEGIN line). */
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;
const HEX_RUN = /[0-9a-fA-F]{40,}/;
const SECRET_MARKERS = /-----BEGIN|private_key|client_secret|refresh_token|ya29\.|\bBearer\s|\bBEGIN [A-Z ]*PRIVATE KEY/i;

function mixesCharacterClasses(run: string): boolean {
	return /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

/**
 * Whether a value looks like a key or token: a PEM block, JSON holding a private key or client secret, a Google
 * access token, a bearer token, a JWT, a secret the package holds, or a long unbroken run of base64 or hex.
 */
export function looksLikeSecret(value: string): boolean {
	if (SECRET_MARKERS.test(value)) return true;
	if (new RegExp(JWT.source).test(value)) return true;
	if (HEX_RUN.test(value)) return true;
	for (const run of value.match(KEY_LIKE_RUN) ?? []) if (mixesCharacterClasses(run)) return true;
	for (const run of value.match(BASE64_RUN) ?? []) {
		// A path ("/v1/Some/Route/Name1") has short parts between slashes; base64 has a "/" every 64 characters or so.
		const parts = run.split('/').length;
		if (mixesCharacterClasses(run) && run.length / parts >= 16) return true;
	}
	for (const secret of remembered) if (value.includes(secret)) return true;
	return false;
}

/** The longest prefix of a value a message quotes. */
export const MAX_QUOTED_LENGTH = 60;

/**
 * A value the user gave, for an error message: JSON-quoted (so line breaks and control characters show escaped),
 * at most its first 60 characters followed by "…", and never a value that looks like a key or token, which is
 * replaced by "(the value looks like a secret and is not shown)". Non-strings are described, not printed.
 */
export function quoteForMessage(value: unknown, maxLength = MAX_QUOTED_LENGTH): string {
	if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}
	if (typeof value !== 'string') {
		if (Array.isArray(value)) return '(a list)';
		return typeof value === 'object' ? '(an object)' : `(a ${typeof value})`;
	}
	if (looksLikeSecret(value)) return SECRET_NOT_SHOWN;
	const characters = Array.from(value);
	if (characters.length <= maxLength) return JSON.stringify(value);
	return `${JSON.stringify(characters.slice(0, maxLength).join(''))}… (${characters.length} characters)`;
}
