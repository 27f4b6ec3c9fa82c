/**
 * Request routing for one emulator: admin, auth, then the Vertex API under /v1 and /v1beta1 as the
 * regional host `{location}-aiplatform.googleapis.com` (control plane) and a dedicated endpoint's
 * host (data plane) at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin, type AdminActions } from './admin';
import { generateAccessToken, handleMetadataRequest, handleTokenRequest, type AuthFacts } from './auth-routes';
import type { ApiCall, ApiVersion, EmulatorContext } from './context';
import { DataPlane, isPredictVerb } from './data-plane';
import type { Deployments } from './deployments';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, requireEndpoint, updateEndpoint } from './endpoints-api';
import { ApiError, fieldViolations } from './google-errors';
import { parseJsonObject, readBody, sendApiError, sendJson } from './http-util';
import { timestamp } from './ids';
import { deleteModel, deleteModelVersion, getModel, listModels, listModelVersions, requireModel, uploadModel } from './models-api';
import { cancelOperation, deleteOperation, getOperation, listOperations, waitOperation } from './operations-api';

const MAX_CONTROL_BODY_BYTES = 10 * 1024 * 1024;
const AUTH_HELP = 'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** Which request field Vertex names when the path's location is wrong. */
type NameField = 'parent' | 'name' | 'endpoint';

export class Router {
	private readonly dataPlane: DataPlane;

	constructor(
		private readonly ctx: EmulatorContext,
		private readonly auth: AuthFacts,
		private readonly deployments: Deployments,
		private readonly admin: AdminActions,
	) {
		this.dataPlane = new DataPlane(ctx);
	}

	handle(req: IncomingMessage, res: ServerResponse): void {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		this.dispatch(req, res, url).catch((error: unknown) => {
			const apiError = error instanceof ApiError ? error : new ApiError('INTERNAL', 'Internal error encountered.');
			if (!(error instanceof ApiError)) this.ctx.log(`internal error on ${req.method} ${url.pathname}: ${error instanceof Error ? error.stack : String(error)}`);
			this.reject(req, url, apiError.httpStatus, apiError.message);
			if (res.headersSent) res.destroy();
			else sendApiError(res, apiError);
		});
	}

	private reject(req: IncomingMessage, url: URL, status: number, reason: string): void {
		this.ctx.requestLog.add({
			outcome: 'rejected',
			at: timestamp(),
			method: req.method ?? 'GET',
			path: url.pathname,
			query: url.search.replace(/^\?/, ''),
			status,
			reason,
		});
	}

	private async dispatch(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		const path = url.pathname;
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
		const versioned = /^\/(v1|v1beta1)\/(.*)$/.exec(path);
		if (!versioned) throw new ApiError('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
		this.authenticate(req);
		const version = versioned[1] as ApiVersion;
		const rest = versioned[2] as string;

		const impersonate = /^projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(rest);
		if (impersonate && req.method === 'POST') {
			const body = await this.jsonBody(req);
			return sendJson(res, 200, generateAccessToken(this.ctx, decodeURIComponent(impersonate[1] as string), body));
		}
		const scoped = /^projects\/([^/]+)\/locations\/([^/]+)\/(.+)$/.exec(rest);
		if (!scoped) throw new ApiError('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
		const [, project, location, resource] = scoped as unknown as [string, string, string, string];
		if (project !== this.ctx.projectId && project !== this.ctx.projectNumber) {
			throw new ApiError('PERMISSION_DENIED', `Permission denied on resource project ${project}.`);
		}
		const call = (body: Record<string, unknown> = {}): ApiCall => ({ version, method: req.method ?? 'GET', path, query: url.searchParams, body });
		const checkLocation = (field: NameField): void => {
			if (location !== this.ctx.location) {
				throw fieldViolations([{ field, description: `The provided location ID doesn't match the endpoint. The valid location ID is \`${this.ctx.location}\`.` }]);
			}
		};
		const method = req.method ?? 'GET';
		const rawQuery = url.search.replace(/^\?/, '');
		let m: RegExpExecArray | null;

		// Data plane first: its bodies are raw bytes, not JSON.
		if ((m = /^endpoints\/([^/:]+)\/invoke(\/.*)?$/.exec(resource))) {
			checkLocation('endpoint');
			return this.dataPlane.invoke(req, res, { endpointId: m[1] as string, path: m[2] ?? '', rawQuery });
		}
		if ((m = /^endpoints\/([^/:]+)\/deployedModels\/([^/:]+)\/invoke(\/.*)?$/.exec(resource))) {
			checkLocation('endpoint');
			return this.dataPlane.invoke(req, res, { endpointId: m[1] as string, pinnedDeployedModelId: m[2] as string, path: m[3] ?? '', rawQuery });
		}
		if ((m = /^endpoints\/([^/:]+):([A-Za-z]+)$/.exec(resource)) && isPredictVerb(m[2] as string) && method === 'POST') {
			checkLocation('endpoint');
			return this.dataPlane.predict(req, res, m[1] as string, m[2] as string, rawQuery);
		}

		const body = method === 'POST' || method === 'PATCH' ? await this.jsonBody(req) : {};
		const reply = (value: Record<string, unknown>): void => sendJson(res, 200, value);
		const operationName = (under: string, id: string): string => `${this.ctx.store.parent}/${under}operations/${id}`;

		const collection = `${method} ${resource}`;
		if (collection === 'POST models:upload' || collection === 'GET models' || collection === 'POST endpoints' || collection === 'GET endpoints') {
			checkLocation('parent');
			if (collection === 'POST models:upload') return reply(uploadModel(this.ctx, call(body)));
			if (collection === 'GET models') return reply(listModels(this.ctx, call()));
			if (collection === 'POST endpoints') return reply(createEndpoint(this.ctx, call(body)));
			return reply(listEndpoints(this.ctx, call()));
		}
		const deploying = (modelId: string, versionId?: string): string[] => this.deployments.endpointsDeploying(modelId, versionId);
		if ((m = /^models\/([^/:@]+)(?:@([^/:]+))?$/.exec(resource))) {
			checkLocation('name');
			const ref = { modelId: m[1] as string, version: m[2] };
			if (method === 'GET') return reply(getModel(this.ctx, ref));
			if (method === 'DELETE') return reply(deleteModel(this.ctx, call(), ref, deploying));
		}
		if ((m = /^models\/([^/:@]+):listVersions$/.exec(resource)) && method === 'GET') {
			checkLocation('name');
			return reply(listModelVersions(this.ctx, call(), m[1] as string));
		}
		if ((m = /^models\/([^/:@]+)(?:@([^/:]+))?:deleteVersion$/.exec(resource)) && method === 'DELETE') {
			checkLocation('name');
			return reply(deleteModelVersion(this.ctx, call(), { modelId: m[1] as string, version: m[2] }, deploying));
		}
		if ((m = /^endpoints\/([^/:]+)$/.exec(resource))) {
			checkLocation('name');
			if (method === 'GET') return reply(getEndpoint(this.ctx, m[1] as string));
			if (method === 'PATCH') return reply(updateEndpoint(this.ctx, call(body), m[1] as string));
			if (method === 'DELETE') return reply(deleteEndpoint(this.ctx, call(), m[1] as string, (id) => this.deployments.cancelFor(id)));
		}
		if ((m = /^endpoints\/([^/:]+):(deployModel|undeployModel)$/.exec(resource)) && method === 'POST') {
			checkLocation('endpoint');
			const endpointId = m[1] as string;
			return reply(m[2] === 'deployModel' ? this.deployments.deploy(call(body), endpointId) : this.deployments.undeploy(call(body), endpointId));
		}
		if ((m = /^(?:(models|endpoints)\/([^/:@]+)\/)?operations$/.exec(resource)) && method === 'GET') {
			checkLocation('name');
			// Like any list, one under a model or endpoint that does not exist is a 404.
			if (m[1] === 'models') requireModel(this.ctx, { modelId: m[2] as string });
			if (m[1] === 'endpoints') requireEndpoint(this.ctx, m[2] as string);
			const parent = m[1] ? `${this.ctx.store.parent}/${m[1]}/${m[2]}` : this.ctx.store.parent;
			return reply(listOperations(this.ctx, call(), parent));
		}
		if ((m = /^((?:models|endpoints)\/[^/:]+\/)?operations\/([^/:]+)(?::(wait|cancel))?$/.exec(resource))) {
			checkLocation('name');
			const name = operationName(m[1] ?? '', m[2] as string);
			const verb = m[3];
			if (verb === 'wait' && method === 'POST') return reply(await waitOperation(this.ctx, call(body), name));
			if (verb === 'cancel' && method === 'POST') return reply(cancelOperation(this.ctx, name));
			if (verb === undefined && method === 'GET') return reply(getOperation(this.ctx, name));
			if (verb === undefined && method === 'DELETE') return reply(deleteOperation(this.ctx, name));
		}
		throw new ApiError('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
	}

	/** Only tokens this emulator minted and that have not expired open the API. */
	private authenticate(req: IncomingMessage): void {
		// Google's 401 carries an ErrorInfo saying why (as recorded from aiplatform.googleapis.com).
		const errorInfo = (reason: string): Array<Record<string, unknown>> => [
			{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'aiplatform.googleapis.com' } },
		];
		const header = req.headers.authorization;
		if (!header) throw new ApiError('UNAUTHENTICATED', `Request is missing required authentication credential. ${AUTH_HELP}`, errorInfo('CREDENTIALS_MISSING'));
		const match = /^Bearer\s+(\S+)$/i.exec(header);
		if (!match || this.ctx.tokens.principalOf(match[1] as string) === undefined) {
			throw new ApiError('UNAUTHENTICATED', `Request had invalid authentication credentials. ${AUTH_HELP}`, errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED'));
		}
	}

	private async jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
		const raw = await readBody(req, MAX_CONTROL_BODY_BYTES, () => new ApiError('INVALID_ARGUMENT', `Request payload size exceeds the limit: ${MAX_CONTROL_BODY_BYTES} bytes.`));
		return parseJsonObject(raw);
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
