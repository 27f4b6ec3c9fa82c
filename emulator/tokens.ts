/**
 * Access tokens: minting, checking, revoking; the JWT-bearer grant's assertion checks; and self-signed
 * JWTs, which Google's clients send as the bearer token with no exchange when they hold a key.
 */
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

/** A self-signed JWT signed before a revoke-all, or revoked by itself, is refused from then on. */
interface JwtRevocations {
	/** Date.now() of the last revoke-all (0: never); JWTs issued (iat) at or before that second are refused. */
	allBefore: number;
	tokens: Set<string>;
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
	private readonly jwtRevocations: JwtRevocations = { allBefore: 0, tokens: new Set() };
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
	 * The principal of a self-signed JWT the service account signed and that was not revoked, else
	 * undefined. `audienceOk` says which `aud` claims name this API.
	 */
	selfSignedPrincipal(token: string, checks: JwtChecks, audienceOk: (aud: string) => boolean): string | undefined {
		if (this.jwtRevocations.tokens.has(token)) return undefined;
		try {
			const { principal, issuedAt } = verifySelfSignedJwt(token, checks, audienceOk);
			// iat has whole seconds: one issued in the second of a revoke-all counts as issued before it.
			return issuedAt > Math.floor(this.jwtRevocations.allBefore / 1000) ? principal : undefined;
		} catch (error) {
			if (error instanceof OAuthError) return undefined;
			throw error;
		}
	}

	/**
	 * Revokes `token`, or every token minted so far when none is given: the API then answers 401 to them, as
	 * Google does to a revoked or deleted credential's tokens. Revoking all also refuses self-signed JWTs
	 * issued until now (a client must sign a new one); naming a self-signed JWT revokes that one. Returns how
	 * many minted tokens (or named JWTs) were revoked.
	 */
	revoke(token?: string): number {
		if (token !== undefined) {
			if (this.tokens.delete(token)) return 1;
			if (token.split('.').length !== 3 || this.jwtRevocations.tokens.has(token)) return 0;
			this.jwtRevocations.tokens.add(token);
			return 1;
		}
		const count = this.tokens.size;
		this.tokens.clear();
		this.jwtRevocations.allBefore = Date.now();
		return count;
	}

	private forgetExpired(): void {
		if (this.tokens.size < 1000) return;
		const now = Date.now();
		for (const [token, record] of this.tokens) if (record.expiresAt <= now) this.tokens.delete(token);
	}
}

export interface JwtChecks {
	publicKey: KeyObject;
	privateKeyId: string;
	clientEmail: string;
}

interface AssertionChecks extends JwtChecks {
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

/** The claims of a JWT the service account's key signed (RS256, its kid if any), or an OAuthError. */
function signedClaims(jwt: string, checks: JwtChecks): Record<string, unknown> {
	const segments = jwt.split('.');
	if (segments.length !== 3) throw new OAuthError('invalid_grant', 'Invalid JWT: malformed token.');
	const [headerPart, claimsPart, signaturePart] = segments as [string, string, string];
	const header = decodeSegment(headerPart);
	const claims = decodeSegment(claimsPart);
	if (header.alg !== 'RS256') throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
	if (header.kid !== undefined && header.kid !== checks.privateKeyId) throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
	const signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${claimsPart}`), checks.publicKey, Buffer.from(signaturePart, 'base64url'));
	if (!signed) throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
	if (claims.iss !== checks.clientEmail) throw new OAuthError('invalid_grant', 'Invalid grant: account not found');
	return claims;
}

/** iat and exp present, at most an hour apart, and (give or take the clock skew) now between them. */
function checkTimeframe(claims: Record<string, unknown>): number {
	const now = Math.floor(Date.now() / 1000);
	const { iat, exp } = claims;
	const ok =
		typeof iat === 'number' &&
		typeof exp === 'number' &&
		iat <= now + CLOCK_SKEW_SECONDS &&
		exp > now - CLOCK_SKEW_SECONDS &&
		exp > iat &&
		exp - iat <= MAX_ASSERTION_LIFETIME_SECONDS;
	if (!ok) {
		throw new OAuthError(
			'invalid_grant',
			'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
		);
	}
	return iat;
}

function hasCloudPlatformScope(claims: Record<string, unknown>): boolean {
	return typeof claims.scope === 'string' && claims.scope.split(/\s+/).includes(CLOUD_PLATFORM_SCOPE);
}

/** Verifies a JWT-bearer assertion as Google's token endpoint does; returns the service account. */
export function verifyAssertion(assertion: string, checks: AssertionChecks): string {
	const claims = signedClaims(assertion, checks);
	if (claims.aud !== checks.tokenUrl && !GOOGLE_TOKEN_AUDIENCES.includes(String(claims.aud))) {
		throw new OAuthError('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_TOKEN_AUDIENCES[0]}`);
	}
	checkTimeframe(claims);
	if (!hasCloudPlatformScope(claims)) throw new OAuthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
	return checks.clientEmail;
}

/**
 * A self-signed JWT access token (Google's "JWT access with scope", or with the API as audience):
 * iss = sub = the service account, signed by its key, valid now, and either the cloud-platform scope or
 * an `aud` that names the API.
 */
export function verifySelfSignedJwt(token: string, checks: JwtChecks, audienceOk: (aud: string) => boolean): { principal: string; issuedAt: number } {
	const claims = signedClaims(token, checks);
	if (claims.sub !== checks.clientEmail) throw new OAuthError('invalid_grant', 'Invalid JWT: sub must be the service account.');
	const issuedAt = checkTimeframe(claims);
	if (typeof claims.exp !== 'number' || claims.exp <= Math.floor(Date.now() / 1000)) throw new OAuthError('invalid_grant', 'Invalid JWT: expired.');
	const audienceNamed = typeof claims.aud === 'string' && audienceOk(claims.aud);
	if (!hasCloudPlatformScope(claims) && !audienceNamed) throw new OAuthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
	return { principal: checks.clientEmail, issuedAt };
}
