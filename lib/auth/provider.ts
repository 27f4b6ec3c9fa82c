/**
 * One google-auth-library client per credential, wrapped as an access-token source. The library caches
 * the token and refreshes it ahead of expiry (5 minutes by default); nothing here mints per request.
 */
import { createRequire } from 'node:module';

import {
	AwsClient,
	gaxios,
	GoogleAuth,
	IdentityPoolClient,
	Impersonated,
	JWT,
	OAuth2Client,
	PluggableAuthClient,
	type AuthClient,
} from 'google-auth-library';

import { fieldRef, messageParts, VertexApiError, VertexTransportError, VertexValidationError } from '../errors';
import { normalizeBaseUrl, normalizeEndpointUrl } from '../hosts';
import { SERVICE_ACCOUNT_EMAIL } from '../rules/ids';
import { quoteForMessage, rememberSecret, scrubSecrets } from '../secrets';
import { raceAbort } from '../transport/abort';
import { credentialSecrets, describeCredential, type ResolvedCredential } from './credentials';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Hard-coded in google-auth-library (the key file's token_uri is ignored). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface AccessTokenProvider {
	/** Who the token is for, for messages. */
	readonly description: string;
	getAccessToken(signal?: AbortSignal): Promise<string>;
	/**
	 * Marks `token` as rejected (a 401 on a request that carried it), so the next getAccessToken mints a new one
	 * instead of returning it from the cache. Returns false when the credential cannot mint another token (a fixed
	 * access token): retrying would send the same token. A token already replaced is left alone.
	 */
	invalidate(token: string): boolean;
}

export interface AuthOptions {
	/** Custom OAuth token URL (emulator): replaces Google's token endpoint for key and ADC exchanges. */
	tokenUrl?: string;
	/** Custom IAM credentials base (emulator) for impersonation. */
	iamCredentialsBaseUrl?: string;
	/** Target service account email to impersonate with the credential. */
	impersonateServiceAccount?: string;
	/** Refresh this long before expiry (library default 5 minutes). */
	eagerRefreshThresholdMillis?: number;
}

/** Form and JSON fields of auth requests whose values are secrets (the signed JWT assertion above all). */
const SECRET_REQUEST_FIELDS = ['assertion', 'client_secret', 'subject_token', 'refresh_token', 'actor_token', 'access_token'];

/**
 * Remembers (for scrubbing, see lib/secrets.ts) the secrets an auth request carries: the JWT assertion, client
 * secret and subject token in its body, the token in its Authorization header. A token endpoint that echoes its
 * request into an error (google-auth-library puts `error_description`, or the whole body text, in the message)
 * then never gets them into one of ours.
 */
function rememberRequestSecrets(options: { data?: unknown; body?: unknown; headers?: unknown }): void {
	const fields = (form: URLSearchParams) => SECRET_REQUEST_FIELDS.forEach((name) => form.getAll(name).forEach((value) => rememberSecret(value)));
	for (const data of [options.data, options.body]) {
		if (data instanceof URLSearchParams) fields(data);
		else if (typeof data === 'string') {
			fields(new URLSearchParams(data));
			try {
				const json: unknown = JSON.parse(data);
				if (json && typeof json === 'object') {
					for (const name of SECRET_REQUEST_FIELDS) {
						const value = (json as Record<string, unknown>)[name];
						if (typeof value === 'string') rememberSecret(value);
					}
				}
			} catch {
				// a form body
			}
		} else if (data && typeof data === 'object') {
			for (const name of SECRET_REQUEST_FIELDS) {
				const value = (data as Record<string, unknown>)[name];
				if (typeof value === 'string') rememberSecret(value);
			}
		}
	}
	const headers = options.headers;
	const authorization =
		headers instanceof Headers
			? headers.get('authorization')
			: headers && typeof headers === 'object'
				? (Object.entries(headers as Record<string, unknown>).find(([name]) => name.toLowerCase() === 'authorization')?.[1] as string | undefined)
				: undefined;
	if (typeof authorization === 'string') rememberSecret(authorization.replace(/^\S+\s+/, ''));
}

/**
 * The Gaxios instance the auth client sends with. It uses Node's own fetch (gaxios would otherwise
 * load node-fetch through a dynamic import) and, when a custom token URL is configured, a request
 * interceptor sends Google's token URL there instead: the documented way to reach another token
 * endpoint, since the JWT client ignores the key's token_uri. Every request's secrets are remembered
 * for scrubbing first.
 */
function authTransporter(tokenUrl: string | undefined): InstanceType<typeof gaxios.Gaxios> {
	const transporter = new gaxios.Gaxios({ fetchImplementation: fetch });
	const target = tokenUrl ? new URL(tokenUrl) : undefined;
	transporter.interceptors.request.add({
		resolved: async (options) => {
			rememberRequestSecrets(options);
			if (target && options.url.toString() === GOOGLE_TOKEN_URL) options.url = new URL(target);
			return options;
		},
	});
	return transporter;
}

/**
 * google-auth-library warns on the console when it builds clients from configuration it cannot vouch
 * for; ours is checked first (see credentials.ts and the URL checks here), so the warning is noise in
 * n8n's log. The switch is internal to the library: if it moves, the warning simply shows again.
 */
function withoutLibraryWarnings<T>(build: () => T): T {
	try {
		const util = createRequire(require.resolve('google-auth-library'))('./util') as {
			suppressAdcWarning?: (fn: () => T) => T;
		};
		if (typeof util.suppressAdcWarning === 'function') return util.suppressAdcWarning(build);
	} catch {
		// fall through
	}
	return build();
}

/** External account URLs a subject token or STS token is sent to: Google's, or the configured emulator's. */
function assertExternalAccountUrl(value: unknown, field: string, tokenUrl: string | undefined): void {
	if (value === undefined) return;
	const text = typeof value === 'string' ? value : '';
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	const google = url?.protocol === 'https:' && url.hostname.endsWith('.googleapis.com');
	const configured = !!url && !!tokenUrl && url.origin === new URL(tokenUrl).origin;
	if (!google && !configured) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} must be an https://*.googleapis.com URL (got ${quoteForMessage(text)}): credentials are only exchanged with Google.`,
			field,
		);
	}
}

function externalAccountClient(
	config: Record<string, unknown>,
	tokenUrl: string | undefined,
	clientOptions: Record<string, unknown>,
): AuthClient {
	assertExternalAccountUrl(config.token_url, 'credential.configJson.token_url', tokenUrl);
	assertExternalAccountUrl(
		config.service_account_impersonation_url,
		'credential.configJson.service_account_impersonation_url',
		tokenUrl,
	);
	const source = config.credential_source as Record<string, unknown>;
	const options = { ...config, ...clientOptions, scopes: [CLOUD_PLATFORM_SCOPE] } as never;
	if (source.environment_id) return new AwsClient(options);
	if (source.executable) return new PluggableAuthClient(options);
	return new IdentityPoolClient(options);
}

function baseClient(credential: ResolvedCredential, options: AuthOptions): AuthClient | GoogleAuth {
	const common = {
		transporter: authTransporter(options.tokenUrl),
		...(options.eagerRefreshThresholdMillis !== undefined ? { eagerRefreshThresholdMillis: options.eagerRefreshThresholdMillis } : {}),
	};
	switch (credential.kind) {
		case 'serviceAccountKey':
			return new JWT({
				email: credential.key.clientEmail,
				key: credential.key.privateKey,
				keyId: credential.key.privateKeyId,
				scopes: [CLOUD_PLATFORM_SCOPE],
				...common,
			});
		case 'applicationDefault':
			return new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], clientOptions: common });
		case 'externalAccount':
			return externalAccountClient(credential.config, options.tokenUrl, common);
		case 'accessToken': {
			const client = new OAuth2Client(common);
			client.setCredentials({ access_token: credential.accessToken });
			return client;
		}
	}
}

/** Turns a library failure into a Vertex error without the library's request options (which hold secrets). */
function tokenError(error: unknown, who: string, secrets: string[]): Error {
	if (error instanceof VertexApiError || error instanceof VertexTransportError || error instanceof VertexValidationError) {
		return error;
	}
	const response = (error as { response?: { status?: unknown; data?: unknown } }).response;
	// A Google error envelope the library turned into "[object Object]: undefined": its message says more.
	const envelopeMessage = (response?.data as { error?: { message?: unknown } } | undefined)?.error?.message;
	const raw = typeof envelopeMessage === 'string' ? envelopeMessage : error instanceof Error ? error.message : String(error);
	const message = scrubSecrets(raw.split('\n')[0], secrets);
	const status = typeof response?.status === 'number' ? response.status : undefined;
	if (status !== undefined) {
		return new VertexApiError(
			`Could not obtain an access token for ${who} (HTTP ${status}): ${message}. Check that the credential is valid, not disabled or deleted, and (when impersonating) that it may act as the target service account.`,
			status,
			'UNAUTHENTICATED',
		);
	}
	const code = (error as { code?: unknown }).code;
	return new VertexTransportError(
		`Could not obtain an access token for ${who}: ${message}`,
		typeof code === 'string' ? code : undefined,
	);
}

export function createAccessTokenProvider(credential: ResolvedCredential, options: AuthOptions = {}): AccessTokenProvider {
	const normalized: AuthOptions = {
		...options,
		tokenUrl: options.tokenUrl ? normalizeEndpointUrl(options.tokenUrl, 'tokenUrl') : undefined,
		iamCredentialsBaseUrl: options.iamCredentialsBaseUrl
			? normalizeBaseUrl(options.iamCredentialsBaseUrl, 'iamCredentialsBaseUrl')
			: undefined,
	};
	const base = baseClient(credential, normalized);
	const secrets = credentialSecrets(credential);
	rememberSecret(...secrets);
	const target = options.impersonateServiceAccount?.trim();
	if (target && !SERVICE_ACCOUNT_EMAIL.pattern.test(target)) {
		throw new VertexValidationError(
			messageParts`${fieldRef('impersonateServiceAccount')} must be a service account email such as name@project.iam.gserviceaccount.com.`,
			'impersonateServiceAccount',
			{ rule: 'a service account email such as name@project.iam.gserviceaccount.com' },
		);
	}
	const description = target
		? `service account ${target} (impersonated by ${describeCredential(credential)})`
		: describeCredential(credential);

	const build = async (): Promise<AuthClient> => {
		const sourceClient = base instanceof GoogleAuth ? await base.getClient() : base;
		if (!target) return sourceClient;
		return withoutLibraryWarnings(
			() =>
				new Impersonated({
					sourceClient,
					targetPrincipal: target,
					targetScopes: [CLOUD_PLATFORM_SCOPE],
					lifetime: 3600,
					...(normalized.iamCredentialsBaseUrl ? { endpoint: normalized.iamCredentialsBaseUrl } : {}),
					...(normalized.eagerRefreshThresholdMillis !== undefined
						? { eagerRefreshThresholdMillis: normalized.eagerRefreshThresholdMillis }
						: {}),
				}),
		);
	};
	// Built once on first use and kept (it holds the token cache); a failed build (no ADC yet) is retried next time.
	let client: Promise<AuthClient> | undefined;
	let built: AuthClient | undefined;
	const authClient = (): Promise<AuthClient> => {
		if (!client) {
			client = build();
			client.then(
				(value) => {
					built = value;
				},
				() => {
					client = undefined;
				},
			);
		}
		return client;
	};

	return {
		description,
		async getAccessToken(signal?: AbortSignal): Promise<string> {
			// The common case, a cached token good for longer than the library's refresh margin, costs no await on the
			// library and no abort listener (a batch asks for it once per call).
			const fresh = freshCachedToken(built);
			if (fresh !== undefined) return fresh;
			const work = (async () => {
				try {
					const { token } = await (await authClient()).getAccessToken();
					if (!token) throw new Error('the credential returned no access token');
					// The credential's own secrets told again with each token: the remembered set forgets the oldest
					// first, and a credential in use for weeks must not lose its key lines to the tokens it minted.
					rememberSecret(...secrets, token);
					return token;
				} catch (error) {
					throw tokenError(error, description, secrets);
				}
			})();
			return raceAbort(work, signal);
		},
		invalidate(token: string): boolean {
			if (credential.kind === 'accessToken') return false;
			if (built) forgetCachedToken(built, token);
			return true;
		},
	};
}

/**
 * The token an OAuth2-family client holds while it is valid for longer than the client's own eager-refresh margin,
 * i.e. while its getAccessToken would answer it without any request; undefined otherwise (the library decides then).
 */
function freshCachedToken(client: AuthClient | undefined): string | undefined {
	const credentials = client?.credentials;
	const token = credentials?.access_token;
	const expiry = credentials?.expiry_date;
	if (!token || typeof expiry !== 'number') return undefined;
	return expiry - (client?.eagerRefreshThresholdMillis ?? 0) > Date.now() ? token : undefined;
}

/**
 * Makes an auth client mint a new token on its next getAccessToken when its cached one is `token`. The OAuth2
 * family (JWT, impersonated, compute, user refresh) refreshes once its credentials look expired (a JWT client then
 * also bypasses its token cache: gtoken's forceRefresh); the external account clients keep `cachedAccessToken`.
 */
function forgetCachedToken(client: AuthClient, token: string): void {
	const external = client as unknown as { cachedAccessToken?: { access_token?: string | null } | null };
	if (external.cachedAccessToken?.access_token === token) external.cachedAccessToken = null;
	if (client.credentials?.access_token === token) client.credentials = { ...client.credentials, expiry_date: 1 };
}
