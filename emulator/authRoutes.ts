/** The token endpoints: OAuth JWT-bearer grant, the metadata server, and IAM :generateAccessToken. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { ApiError } from './googleErrors';
import { readBody, sendJson } from './httpUtil';
import type { ServiceAccount } from './serviceAccount';
import { CLOUD_PLATFORM_SCOPE, OAuthError, verifyAssertion } from './tokens';
import { parseDuration } from './ids';

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MAX_FORM_BYTES = 64 * 1024;
const MAX_IMPERSONATION_LIFETIME_MS = 3_600_000;

export interface AuthFacts {
	account: ServiceAccount;
	tokenUrl: string;
}

/** POST /token: `{access_token, expires_in, token_type}` or `{error, error_description}` (HTTP 400). */
export async function handleTokenRequest(ctx: EmulatorContext, facts: AuthFacts, req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
	const refuse = (error: OAuthError, status = 400): string => {
		sendJson(res, status, { error: error.error, error_description: error.description });
		return error.message;
	};
	if (req.method !== 'POST') return refuse(new OAuthError('invalid_request', 'The token endpoint only accepts POST.'), 405);
	const raw = await readBody(req, MAX_FORM_BYTES, () => new ApiError('INVALID_ARGUMENT', 'Token request too large.'));
	const type = String(req.headers['content-type'] ?? '');
	let form: URLSearchParams;
	if (type.includes('application/json')) {
		try {
			form = new URLSearchParams(JSON.parse(raw.toString('utf8')) as Record<string, string>);
		} catch {
			return refuse(new OAuthError('invalid_request', 'Malformed JSON body.'));
		}
	} else form = new URLSearchParams(raw.toString('utf8'));
	const grantType = form.get('grant_type');
	if (grantType !== JWT_BEARER_GRANT) return refuse(new OAuthError('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`));
	const assertion = form.get('assertion');
	if (!assertion) return refuse(new OAuthError('invalid_request', 'Missing required parameter: assertion'));
	let principal: string;
	try {
		principal = verifyAssertion(assertion, {
			publicKey: facts.account.publicKey,
			privateKeyId: facts.account.privateKeyId,
			clientEmail: facts.account.clientEmail,
			tokenUrl: facts.tokenUrl,
		});
	} catch (error) {
		if (error instanceof OAuthError) return refuse(error);
		throw error;
	}
	const token = ctx.tokens.mint(principal);
	sendJson(res, 200, { access_token: token.accessToken, expires_in: token.expiresInSeconds, token_type: 'Bearer' });
	return undefined;
}

/**
 * GET /computeMetadata/v1/...: the parts of the GCE metadata server that ADC reads. Requires the
 * `Metadata-Flavor: Google` header and answers with it, as the real one does.
 */
export function handleMetadataRequest(ctx: EmulatorContext, facts: AuthFacts, req: IncomingMessage, res: ServerResponse, url: URL): string | undefined {
	const flavor = { 'metadata-flavor': 'Google' };
	if (req.headers['metadata-flavor'] !== 'Google') {
		res.writeHead(403, { 'content-type': 'text/html', ...flavor });
		res.end('Missing Metadata-Flavor:Google header.');
		return 'missing Metadata-Flavor header';
	}
	const text = (body: string): undefined => {
		res.writeHead(200, { 'content-type': 'application/text', ...flavor });
		res.end(body);
		return undefined;
	};
	const route = url.pathname.replace(/\/+$/, '');
	const account = /^\/computeMetadata\/v1\/instance\/service-accounts\/([^/]+)(?:\/(.*))?$/.exec(route);
	if (route === '/computeMetadata/v1/instance' || route === '/computeMetadata/v1') return text('attributes/\nservice-accounts/\n');
	if (route === '/computeMetadata/v1/project/project-id') return text(ctx.projectId);
	if (route === '/computeMetadata/v1/project/numeric-project-id') return text(ctx.projectNumber);
	if (account && (account[1] === 'default' || account[1] === facts.account.clientEmail)) {
		const leaf = account[2] ?? '';
		if (leaf === 'token') {
			const token = ctx.tokens.mint(facts.account.clientEmail);
			sendJson(res, 200, { access_token: token.accessToken, expires_in: token.expiresInSeconds, token_type: 'Bearer' }, flavor);
			return undefined;
		}
		if (leaf === 'email') return text(facts.account.clientEmail);
		if (leaf === 'scopes') return text(`${CLOUD_PLATFORM_SCOPE}\n`);
		if (leaf === '') {
			sendJson(res, 200, { aliases: ['default'], email: facts.account.clientEmail, scopes: [CLOUD_PLATFORM_SCOPE] }, flavor);
			return undefined;
		}
	}
	res.writeHead(404, { 'content-type': 'text/html', ...flavor });
	res.end('Not Found');
	return `no metadata route ${route}`;
}

/** POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken (caller already authenticated). */
export function generateAccessToken(ctx: EmulatorContext, email: string, body: Record<string, unknown>): Record<string, unknown> {
	if (!/^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/.test(email)) {
		throw new ApiError('NOT_FOUND', `Not found; Gaia id not found for email ${email}`);
	}
	const scopes = Array.isArray(body.scope) ? body.scope : [];
	if (scopes.length === 0) throw new ApiError('INVALID_ARGUMENT', 'Scope required.');
	if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) throw new ApiError('INVALID_ARGUMENT', 'Invalid OAuth scope: the emulator only grants https://www.googleapis.com/auth/cloud-platform.');
	let lifetimeMs = MAX_IMPERSONATION_LIFETIME_MS;
	if (body.lifetime !== undefined) {
		const parsed = parseDuration(body.lifetime);
		if (parsed === undefined || parsed <= 0 || parsed > MAX_IMPERSONATION_LIFETIME_MS) {
			throw new ApiError('INVALID_ARGUMENT', 'The lifetime must be a duration between 1s and 3600s.');
		}
		lifetimeMs = parsed;
	}
	// A short configured lifetime also caps impersonated tokens, so refresh paths stay testable.
	const token = ctx.tokens.mint(email, Math.min(Math.ceil(lifetimeMs / 1000), ctx.tokens.lifetimeSeconds));
	return { accessToken: token.accessToken, expireTime: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}
