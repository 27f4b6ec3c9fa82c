/**
 * Request routing for one emulator: admin, auth, then Vertex's API by the HTTP bindings of the contract
 * (every binding Google's client knows, /v1/, /v1beta1/ and the Operations mixin's /ui/ ones), on the
 * host each belongs to (see hosts.ts). Control-plane requests are parsed and checked against their
 * request message before a method runs; answers are written as proto3 JSON of the response message.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin, type AdminActions } from './admin';
import { controlMethods, endpointIdOf, type ControlHandler } from './apiMethods';
import { parseRequest, responseFormat, withoutSystemParameters } from './apiRequest';
import { generateAccessToken, handleMetadataRequest, handleTokenRequest, type AuthFacts } from './authRoutes';
import type { ApiCall, ApiVersion, EmulatorContext } from './context';
import { contract, type MethodSpec } from './contract';
import { DataPlane, INVOKE_METHOD, invokeBindings } from './dataPlane';
import type { Deployments } from './deployments';
import { requireEndpoint } from './endpointsApi';
import { ApiError, fieldViolations } from './googleErrors';
import { checkControlPlaneHost, checkDataPlaneHost, hostRole, regionalHost, servedBy, type Listener } from './hosts';
import { RouteTable, type RouteMatch } from './httpRules';
import { parseJsonObject, readBody, sendApiError, sendJson } from './httpUtil';
import { timestamp } from './ids';
import { writeMessage } from './protoJson';

const MAX_CONTROL_BODY_BYTES = 10 * 1024 * 1024;
const AUTH_HELP = 'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const SERVICE_PREFIX = /^google\.(?:cloud\.aiplatform\.v1(?:beta1)?|longrunning)\./;

/** `Service.Method` of a full method name: the key of controlMethods(). */
function shortName(method: string): string {
	return method.replace(SERVICE_PREFIX, '');
}

function versionOf(path: string): ApiVersion {
	return path.startsWith('/v1beta1/') ? 'v1beta1' : 'v1';
}

/** The data plane: invoke, and the PredictionService verbs bound on an endpoint (`:predict`, `:rawPredict`...). */
function isDataPlane(method: string): boolean {
	return method === INVOKE_METHOD || /\.PredictionService\./.test(method);
}

export class Router {
	private readonly dataPlane: DataPlane;
	private readonly routes: RouteTable;
	private readonly control: Record<string, ControlHandler>;

	constructor(
		private readonly ctx: EmulatorContext,
		private readonly auth: AuthFacts,
		deployments: Deployments,
		private readonly admin: AdminActions,
	) {
		this.dataPlane = new DataPlane(ctx, deployments);
		this.control = controlMethods(ctx, deployments);
		const methods = Object.entries(contract().methods).map(([method, spec]) => ({ method, bindings: spec.bindings }));
		this.routes = new RouteTable([...methods, { method: INVOKE_METHOD, bindings: invokeBindings() }]);
	}

	handle(req: IncomingMessage, res: ServerResponse, listener: Listener = { kind: 'main' }): void {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		this.ctx.requestLog.arrived(req, servedBy(req, listener));
		this.dispatch(req, res, url, listener).catch((error: unknown) => {
			const apiError = error instanceof ApiError ? error : new ApiError('INTERNAL', 'Internal error encountered.');
			if (!(error instanceof ApiError)) this.ctx.log(`internal error on ${req.method} ${url.pathname}: ${error instanceof Error ? error.stack : String(error)}`);
			this.reject(req, url, apiError.httpStatus, apiError.message);
			if (res.headersSent) res.destroy();
			else {
				// The body, if any, is drained so the answer reaches the client.
				req.resume();
				sendApiError(res, apiError);
			}
		});
	}

	private reject(req: IncomingMessage, url: URL, status: number, reason: string): void {
		this.ctx.requestLog.add(req, {
			outcome: 'rejected',
			at: timestamp(),
			method: req.method ?? 'GET',
			path: url.pathname,
			query: url.search.replace(/^\?/, ''),
			status,
			reason,
		});
	}

	private async dispatch(req: IncomingMessage, res: ServerResponse, url: URL, listener: Listener): Promise<void> {
		const path = url.pathname;
		const method = req.method ?? 'GET';
		if (path === '/emulator' || path.startsWith('/emulator/')) return handleAdmin(this.ctx, this.admin, req, res, url);
		if (await this.applyEntryFault(req, res, url)) return;
		if (path === '/token') {
			const refused = await handleTokenRequest(this.ctx, this.auth, req, res);
			if (refused) this.reject(req, url, res.statusCode, refused);
			return;
		}
		if (path.startsWith('/computeMetadata/')) {
			const refused = handleMetadataRequest(this.ctx, this.auth, req, res, url);
			if (refused) this.reject(req, url, res.statusCode, refused);
			return;
		}
		// iamcredentials.googleapis.com, which the emulator also plays for impersonation.
		const impersonate = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(path);
		if (impersonate && method === 'POST') {
			this.authenticate(req);
			const body = parseJsonObject(await this.readBody(req));
			return sendJson(res, 200, generateAccessToken(this.ctx, decodeURIComponent(impersonate[1] as string), body));
		}

		const route = this.routes.match(method, path);
		if (!route) throw new ApiError('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
		const role = hostRole(req, listener, this.ctx.store);
		const data = isDataPlane(route.method);
		if (!data) checkControlPlaneHost(role, path);
		this.authenticate(req);
		this.checkNames(route);
		const version = versionOf(path);
		const rawQuery = url.search.replace(/^\?/, '');

		if (data) {
			// Google's front end consumes its system parameters (`alt=json`...): the model server never sees them.
			const forwardedQuery = withoutSystemParameters(rawQuery);
			const field = Object.keys(route.vars).find((name) => /^projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/]+$/.test(route.vars[name] as string));
			if (!field) throw this.notEmulated(route.method);
			const endpoint = requireEndpoint(this.ctx, endpointIdOf(route.vars, field));
			checkDataPlaneHost(role, endpoint, this.ctx.store, path);
			if (route.method === INVOKE_METHOD) {
				const rest = route.vars['**'];
				return this.dataPlane.invoke(req, res, { endpointId: endpoint.id, pinnedDeployedModelId: route.vars.deployed_model_id, path: rest === undefined ? '' : `/${rest}`, rawQuery: forwardedQuery });
			}
			const verb = route.method.slice(route.method.lastIndexOf('.') + 1);
			return this.dataPlane.predict(req, res, endpoint.id, verb[0]?.toLowerCase() + verb.slice(1), forwardedQuery);
		}

		const spec = contract().methods[route.method] as MethodSpec;
		const handler = this.control[shortName(route.method)];
		if (!handler || !spec.request || !spec.response) throw this.notEmulated(route.method);
		const format = responseFormat(url.searchParams);
		const raw = await this.readBody(req);
		const parsed = parseRequest(spec.request, route.binding, route.vars, url.searchParams, raw);
		const call: ApiCall = { version, method, path, vars: route.vars, query: parsed.query, body: parsed.body };
		const answer = await handler(call);
		const written = spec.response === 'google.protobuf.Empty' ? {} : writeMessage(spec.response, answer, format.numericEnums);
		sendJson(res, 200, written, {}, format.pretty);
	}

	private notEmulated(method: string): ApiError {
		return new ApiError('UNIMPLEMENTED', `${method} is not emulated. See the emulator's README for what it serves.`);
	}

	/** Every name the path binds: a project the emulator has (id or number), in the emulator's location. */
	private checkNames(route: RouteMatch): void {
		for (const [field, value] of Object.entries(route.vars)) {
			const scoped = /^projects\/([^/]+)\/locations\/([^/]+)(?:\/|$)/.exec(value);
			if (!scoped) continue;
			const [, project, location] = scoped as unknown as [string, string, string];
			if (project !== this.ctx.projectId && project !== this.ctx.projectNumber) {
				throw new ApiError('PERMISSION_DENIED', `Permission denied on resource project ${project}.`);
			}
			if (location !== this.ctx.location) {
				throw fieldViolations([{ field, description: `The provided location ID doesn't match the endpoint. The valid location ID is \`${this.ctx.location}\`.` }]);
			}
		}
	}

	/**
	 * Only tokens this emulator minted and that have not expired open the API, or self-signed JWTs of its
	 * service account (Google's clients sign those themselves when they hold the key).
	 */
	private authenticate(req: IncomingMessage): void {
		// Google's 401 carries an ErrorInfo saying why (as recorded from aiplatform.googleapis.com).
		const errorInfo = (reason: string): Array<Record<string, unknown>> => [
			{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'aiplatform.googleapis.com' } },
		];
		const header = req.headers.authorization;
		if (!header) throw new ApiError('UNAUTHENTICATED', `Request is missing required authentication credential. ${AUTH_HELP}`, errorInfo('CREDENTIALS_MISSING'));
		const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
		if (token !== undefined && this.ctx.tokens.principalOf(token) !== undefined) return;
		if (token !== undefined && this.ctx.tokens.selfSignedPrincipal(token, this.auth.account, (aud) => this.namesThisApi(aud)) !== undefined) return;
		throw new ApiError('UNAUTHENTICATED', `Request had invalid authentication credentials. ${AUTH_HELP}`, errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED'));
	}

	/**
	 * A self-signed JWT's audience names the API: Vertex's own hosts, or the loopback address a client was
	 * pointed at to reach the emulator (Google's clients take the audience from their API endpoint).
	 */
	private namesThisApi(aud: string): boolean {
		let host: string;
		try {
			host = new URL(aud).hostname;
		} catch {
			return false;
		}
		return host === 'aiplatform.googleapis.com' || host === regionalHost(this.ctx.location) || host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
	}

	private readBody(req: IncomingMessage): Promise<Buffer> {
		return readBody(req, MAX_CONTROL_BODY_BYTES, () => new ApiError('INVALID_ARGUMENT', `Request payload size exceeds the limit: ${MAX_CONTROL_BODY_BYTES} bytes.`));
	}

	/** Faults that strike any request on arrival. Returns true when the request is finished. */
	private async applyEntryFault(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const fault = this.ctx.faults.take('request', url.pathname, req.method);
		if (!fault) return false;
		switch (fault.kind) {
			case 'rate-limit':
				throw new ApiError('RESOURCE_EXHAUSTED', fault.message ?? 'Quota exceeded (emulator fault).', [], undefined, { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
			case 'unavailable':
				throw new ApiError('UNAVAILABLE', fault.message ?? 'The service is currently unavailable (emulator fault).');
			case 'reset':
				this.reject(req, url, 0, 'connection reset (emulator fault)');
				req.socket.destroy();
				return true;
			case 'slow-headers':
				await this.ctx.pause(fault.delayMs ?? 1000);
				return false;
			default:
				return false;
		}
	}
}
