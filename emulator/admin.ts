/** The admin API under /emulator/: counters, faults, the request log, reset. Loopback only, no token. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { ApiError } from './googleErrors';
import { asRecord, isLoopback, parseJsonObject, readBody, sendJson } from './httpUtil';

export interface AdminActions {
	info: () => Record<string, unknown>;
	/** The URL of the listener that is always this dedicated endpoint's DNS name. */
	dedicatedEndpointUrl: (endpointId: string) => Promise<string>;
	/** Cancels deploys in flight, stops every model server, forgets models and endpoints (operations stay readable). */
	dropResources: () => Promise<void>;
}

export function processList(ctx: EmulatorContext): Array<{ pid: number | undefined; deployedModelId: string }> {
	return [...ctx.processes].map(([process, deployedModelId]) => ({ pid: process.pid, deployedModelId }));
}

export async function handleAdmin(ctx: EmulatorContext, actions: AdminActions, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
	if (!isLoopback(req)) throw new ApiError('PERMISSION_DENIED', 'The emulator admin API only answers loopback clients.');
	const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
	const body = async (): Promise<Record<string, unknown>> =>
		parseJsonObject(await readBody(req, 1024 * 1024, () => new ApiError('INVALID_ARGUMENT', 'Admin request too large.')));
	const faultById = /^DELETE \/emulator\/faults\/([^/]+)$/.exec(route);
	const listen = /^POST \/emulator\/endpoints\/([^/:]+):listen$/.exec(route);
	switch (route) {
		case 'GET /emulator/info':
			return sendJson(res, 200, actions.info());
		case 'GET /emulator/stats':
			return sendJson(res, 200, {
				tokensMinted: ctx.tokens.minted,
				models: ctx.store.models.size,
				endpoints: ctx.store.endpoints.size,
				deploymentResourcePools: ctx.store.pools.size,
				processes: processList(ctx),
			});
		case 'GET /emulator/processes':
			return sendJson(res, 200, { processes: processList(ctx) });
		case 'GET /emulator/faults':
			return sendJson(res, 200, { faults: ctx.faults.list() });
		case 'POST /emulator/faults': {
			const input = await body();
			const many = Array.isArray(input.faults) ? input.faults : [input];
			const added = many.map((item) => ctx.faults.add(asRecord(item) ?? {}));
			return sendJson(res, 200, Array.isArray(input.faults) ? { faults: added } : added[0]);
		}
		case 'DELETE /emulator/faults':
			ctx.faults.clear();
			return sendJson(res, 200, {});
		case 'GET /emulator/requests':
			return sendJson(res, 200, {
				requests: ctx.requestLog.list(url.searchParams.get('outcome') ?? undefined, url.searchParams.get('listener') ?? undefined),
			});
		case 'DELETE /emulator/requests':
			ctx.requestLog.clear();
			return sendJson(res, 200, {});
		case 'POST /emulator/tokens:revoke': {
			const input = await body();
			if (input.token !== undefined && typeof input.token !== 'string') {
				throw new ApiError('INVALID_ARGUMENT', 'token must be a string (or left out to revoke every token).');
			}
			return sendJson(res, 200, { revoked: ctx.tokens.revoke(input.token as string | undefined) });
		}
		case 'POST /emulator/reset':
			ctx.faults.clear();
			ctx.requestLog.clear();
			ctx.tokens.minted = 0;
			if (url.searchParams.get('resources') === 'true') await actions.dropResources();
			return sendJson(res, 200, {});
	}
	if (listen) {
		const endpointId = decodeURIComponent(listen[1] as string);
		const url = await actions.dedicatedEndpointUrl(endpointId);
		const endpoint = ctx.store.endpoints.get(endpointId);
		return sendJson(res, 200, { url, host: endpoint ? ctx.store.dedicatedDns(endpoint) : undefined });
	}
	if (faultById) {
		if (!ctx.faults.remove(faultById[1] as string)) throw new ApiError('NOT_FOUND', `No fault with id ${faultById[1]}.`);
		return sendJson(res, 200, {});
	}
	throw new ApiError('NOT_FOUND', `No admin route ${route}. See emulator/README.md.`);
}
