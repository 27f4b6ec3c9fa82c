/** Access tokens: minting, checking, and the JWT-bearer grant's assertion checks. */
import { randomBytes, verify, type KeyObject } from 'node:crypto';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Audiences Google's token endpoint accepts, plus the emulator's own token URL. */
const GOOGLE_TOKEN_AUDIENCES = [
	'https://oauth2.googleapis.com/token',
	'https://www.googleapis.com/oauth2/v4/token',
	'https://accounts.google.com/o/oauth2/token',
];
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 300;

interface MintedToken {
	accessToken: string;
	expiresInSeconds: number;
	expiresAt: number;
}

interface TokenRecord {
	principal: string;
	expiresAt: number;
}

export class OAuthError extends Error {
	constructor(
		readonly error: string,
		readonly description: string,
	) {
		super(`${error}: ${description}`);
	}
}

export class TokenIssuer {
	private readonly tokens = new Map<string, TokenRecord>();
	minted = 0;

	constructor(readonly lifetimeSeconds: number) {}

	mint(principal: string, lifetimeSeconds: number = this.lifetimeSeconds): MintedToken {
		const accessToken = `ya29.emu-${randomBytes(32).toString('base64url')}`;
		const expiresAt = Date.now() + lifetimeSeconds * 1000;
		this.tokens.set(accessToken, { principal, expiresAt });
		this.minted++;
		this.forgetExpired();
		return { accessToken, expiresInSeconds: lifetimeSeconds, expiresAt };
	}

	/** The principal a live token belongs to, or undefined for an unknown or expired one. */
	principalOf(token: string): string | undefined {
		const record = this.tokens.get(token);
		if (!record || record.expiresAt <= Date.now()) return undefined;
		return record.principal;
	}

	/**
	 * Revokes `token`, or every token minted so far when none is given: the API then answers 401 to them, as
	 * Google does to a revoked or deleted credential's tokens. Returns how many were revoked.
	 */
	revoke(token?: string): number {
		if (token !== undefined) return this.tokens.delete(token) ? 1 : 0;
		const count = this.tokens.size;
		this.tokens.clear();
		return count;
	}

	private forgetExpired(): void {
		if (this.tokens.size < 1000) return;
		const now = Date.now();
		for (const [token, record] of this.tokens) if (record.expiresAt <= now) this.tokens.delete(token);
	}
}

interface AssertionChecks {
	publicKey: KeyObject;
	privateKeyId: string;
	clientEmail: string;
	tokenUrl: string;
}

function decodeSegment(segment: string): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
		if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
	} catch {
		// fall through to the error below
	}
	throw new OAuthError('invalid_grant', 'Invalid JWT: malformed token.');
}

/** Verifies a JWT-bearer assertion as Google's token endpoint does; returns the service account. */
export function verifyAssertion(assertion: string, checks: AssertionChecks): string {
	const segments = assertion.split('.');
	if (segments.length !== 3) throw new OAuthError('invalid_grant', 'Invalid JWT: malformed token.');
	const [headerPart, claimsPart, signaturePart] = segments as [string, string, string];
	const header = decodeSegment(headerPart);
	const claims = decodeSegment(claimsPart);
	if (header.alg !== 'RS256') throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
	if (header.kid !== undefined && header.kid !== checks.privateKeyId) throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
	const signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${claimsPart}`), checks.publicKey, Buffer.from(signaturePart, 'base64url'));
	if (!signed) throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
	if (claims.iss !== checks.clientEmail) throw new OAuthError('invalid_grant', 'Invalid grant: account not found');
	if (claims.aud !== checks.tokenUrl && !GOOGLE_TOKEN_AUDIENCES.includes(String(claims.aud))) {
		throw new OAuthError('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_TOKEN_AUDIENCES[0]}`);
	}
	const now = Math.floor(Date.now() / 1000);
	const iat = claims.iat;
	const exp = claims.exp;
	const timeframeOk =
		typeof iat === 'number' &&
		typeof exp === 'number' &&
		iat <= now + CLOCK_SKEW_SECONDS &&
		exp > now - CLOCK_SKEW_SECONDS &&
		exp > iat &&
		exp - iat <= MAX_ASSERTION_LIFETIME_SECONDS;
	if (!timeframeOk) {
		throw new OAuthError(
			'invalid_grant',
			'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
		);
	}
	const scopes = typeof claims.scope === 'string' ? claims.scope.split(/\s+/) : [];
	if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) throw new OAuthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
	return checks.clientEmail;
}
