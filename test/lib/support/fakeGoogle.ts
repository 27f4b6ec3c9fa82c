/**
 * A small stand-in for Google's endpoints on 127.0.0.1: an OAuth token endpoint that verifies real
 * RS256 JWT assertions, an STS endpoint, iamcredentials :generateAccessToken, and programmable API
 * routes that require a bearer token it issued. Everything it receives is recorded for assertions.
 */
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { VertexClient } from './lib-internals';

export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export interface RecordedRequest {
	method: string;
	/** Path and query as received. */
	url: string;
	path: string;
	query: URLSearchParams;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** Milliseconds since the server started, when the request was complete. */
	at: number;
	/** The connection, so a test can cut it. */
	socket: Socket;
}

export type RouteHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export type ServiceAccountKeyFile = {
	type: 'service_account';
	project_id: string;
	private_key_id: string;
	private_key: string;
	client_email: string;
	client_id: string;
	auth_uri: string;
	token_uri: string;
};

/** A service account key in Google's JSON layout, with a key pair made now. */
export function makeServiceAccountKey(projectId = 'test-project', name = 'n8n-test'): {
	key: ServiceAccountKeyFile;
	publicKey: KeyObject;
} {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return {
		key: {
			type: 'service_account',
			project_id: projectId,
			private_key_id: 'kid-0001',
			private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
			client_email: `${name}@${projectId}.iam.gserviceaccount.com`,
			client_id: '1234567890',
			auth_uri: 'https://accounts.google.com/o/oauth2/auth',
			token_uri: 'https://oauth2.googleapis.com/token',
		},
		publicKey,
	};
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	response.end(text);
}

export function sendGoogleError(response: ServerResponse, code: number, status: string, message: string, details?: unknown[]): void {
	sendJson(response, code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

function base64UrlJson(part: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

interface Route {
	method: string;
	pattern: RegExp;
	handler: RouteHandler;
}

export class FakeGoogle {
	readonly requests: RecordedRequest[] = [];
	readonly tokenRequests: RecordedRequest[] = [];
	readonly iamRequests: RecordedRequest[] = [];
	readonly apiRequests: RecordedRequest[] = [];
	/** Reasons the token endpoint refused an assertion. */
	readonly tokenRefusals: string[] = [];
	/** expires_in of the next tokens, first used first; 3600 once empty. */
	readonly tokenLifetimes: number[] = [];
	private readonly issued = new Set<string>();
	private readonly routes: Route[] = [];
	private readonly trustedKeys = new Map<string, KeyObject>();
	private readonly started = Date.now();
	private tokenCount = 0;
	private server!: Server;
	url = '';

	static async start(): Promise<FakeGoogle> {
		const fake = new FakeGoogle();
		fake.server = createServer((request, response) => {
			void fake.handle(request, response);
		});
		await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
		fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
		return fake;
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	/** Accept JWT assertions signed by this key for this service account. */
	trustKey(clientEmail: string, publicKey: KeyObject): void {
		this.trustedKeys.set(clientEmail, publicKey);
	}

	/** Issues a token the API routes accept (for the plain access-token credential). */
	mintToken(prefix = 'ya29.test-token'): string {
		this.tokenCount += 1;
		const token = `${prefix}-${this.tokenCount}-${Math.random().toString(36).slice(2, 10)}`;
		this.issued.add(token);
		return token;
	}

	route(method: string, pattern: RegExp, handler: RouteHandler): void {
		this.routes.unshift({ method, pattern, handler });
	}

	/** Bearer tokens the API routes saw, in order. */
	apiTokens(): string[] {
		return this.apiRequests.map((request) => String(request.headers.authorization ?? '').replace(/^Bearer /, ''));
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of incoming) chunks.push(chunk as Buffer);
		const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
		const request: RecordedRequest = {
			method: incoming.method ?? 'GET',
			url: incoming.url ?? '/',
			path: url.pathname,
			query: url.searchParams,
			headers: incoming.headers,
			body: Buffer.concat(chunks).toString('utf8'),
			at: Date.now() - this.started,
			socket: incoming.socket,
		};
		this.requests.push(request);
		try {
			if (request.method === 'POST' && request.path === '/token') return this.handleToken(request, response);
			if (request.method === 'POST' && request.path === '/sts') return this.handleSts(request, response);
			if (request.method === 'POST' && /:generateAccessToken$/.test(request.path)) return this.handleIam(request, response);
			this.apiRequests.push(request);
			const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
			if (!this.issued.has(token)) {
				sendGoogleError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
				return;
			}
			const route = this.routes.find((candidate) => candidate.method === request.method && candidate.pattern.test(request.path));
			if (!route) {
				sendGoogleError(response, 404, 'NOT_FOUND', `No route for ${request.method} ${request.path}`);
				return;
			}
			await route.handler(request, response);
		} catch (error) {
			if (!response.headersSent) sendJson(response, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } });
		}
	}

	private issueToken(response: ServerResponse, prefix = 'ya29.test-token'): void {
		const token = this.mintToken(prefix);
		sendJson(response, 200, { access_token: token, expires_in: this.tokenLifetimes.shift() ?? 3600, token_type: 'Bearer' });
	}

	private refuse(response: ServerResponse, reason: string): void {
		this.tokenRefusals.push(reason);
		sendJson(response, 400, { error: 'invalid_grant', error_description: reason });
	}

	/** The JWT-bearer grant, checked the way Google does: signature, iss, aud, scope, lifetime. */
	private handleToken(request: RecordedRequest, response: ServerResponse): void {
		this.tokenRequests.push(request);
		const form = new URLSearchParams(request.body);
		if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return this.refuse(response, 'bad grant_type');
		const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
		if (!header || !payload || !signature) return this.refuse(response, 'malformed assertion');
		const head = base64UrlJson(header);
		const claims = base64UrlJson(payload);
		if (head.alg !== 'RS256') return this.refuse(response, `alg ${String(head.alg)}`);
		const publicKey = this.trustedKeys.get(String(claims.iss));
		if (!publicKey) return this.refuse(response, `unknown iss ${String(claims.iss)}`);
		const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
		if (!signed) return this.refuse(response, 'Invalid JWT Signature.');
		if (claims.aud !== GOOGLE_TOKEN_AUDIENCE) return this.refuse(response, `aud ${String(claims.aud)}`);
		if (!String(claims.scope ?? '').split(' ').includes(CLOUD_PLATFORM)) return this.refuse(response, `scope ${String(claims.scope)}`);
		const now = Math.floor(Date.now() / 1000);
		if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= now || claims.iat > now + 60) {
			return this.refuse(response, 'bad iat/exp');
		}
		this.issueToken(response);
	}

	/** Token exchange for external accounts (workload identity federation). */
	private handleSts(request: RecordedRequest, response: ServerResponse): void {
		this.tokenRequests.push(request);
		const form = new URLSearchParams(request.body);
		if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' || !form.get('subject_token')) {
			sendJson(response, 400, { error: 'invalid_request', error_description: 'bad token exchange' });
			return;
		}
		const token = this.mintToken('ya29.sts-token');
		sendJson(response, 200, {
			access_token: token,
			issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
			token_type: 'Bearer',
			expires_in: 3600,
		});
	}

	/** iamcredentials :generateAccessToken, authorised by a token this fake issued. */
	private handleIam(request: RecordedRequest, response: ServerResponse): void {
		this.iamRequests.push(request);
		const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
		if (!this.issued.has(token)) {
			sendGoogleError(response, 401, 'UNAUTHENTICATED', 'bad source credential');
			return;
		}
		const body = JSON.parse(request.body || '{}') as { scope?: string[] };
		if (!body.scope?.includes(CLOUD_PLATFORM)) {
			sendGoogleError(response, 400, 'INVALID_ARGUMENT', 'scope missing');
			return;
		}
		const accessToken = this.mintToken('ya29.impersonated');
		sendJson(response, 200, { accessToken, expireTime: new Date(Date.now() + 3600_000).toISOString() });
	}
}

/** A client of the fake for project my-proj in us-central1, holding one of its tokens, with retries a few ms apart. */
export function clientOfFake(fake: FakeGoogle): VertexClient {
	return new VertexClient({
		credential: { kind: 'accessToken', accessToken: fake.mintToken() },
		projectId: 'my-proj',
		location: 'us-central1',
		apiBaseUrl: fake.url,
		retry: { initialDelayMs: 1, maxDelayMs: 5 },
	});
}
