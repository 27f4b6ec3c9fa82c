/**
 * The dedicated endpoint's data plane: invoke (weighted or pinned) proxied to the model server and
 * streamed back as it arrives; :predict-style verbs answered as Vertex does.
 */
import { randomInt } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import type { Binding } from './contract';
import { requireEndpoint } from './endpointsApi';
import { ApiError } from './googleErrors';
import { timestamp } from './ids';
import { readBody } from './httpUtil';
import type { ForwardedEntry } from './requestLog';
import { usesPrivateServiceConnect, type DeployedModelRecord, type EndpointRecord, type Replica } from './resources';

const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const DEPLOYED_MODEL_HEADER = 'x-vertex-ai-deployed-model-id';
/** Hop-by-hop headers (RFC 9110 §7.6.1) and the credentials a model server must never see. */
const NOT_FORWARDED = new Set(['authorization', 'host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'expect']);
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade', 'proxy-connection']);

/** The PredictionService verbs that reach a custom container's predict route; the others are not emulated. */
const FORWARDED_PREDICT_VERBS = new Set(['predict', 'rawPredict', 'streamRawPredict']);

/**
 * Invoke is in Vertex's v1 discovery document (`v1/{+endpoint}/invoke/{+invokeId}` and the deployedModels
 * form) but not in the client package's protos the contract comes from, so its bindings are declared here.
 * Any HTTP method: the container's route decides.
 */
export const INVOKE_METHOD = 'google.cloud.aiplatform.v1.PredictionService.Invoke';

export function invokeBindings(): Binding[] {
	return ['v1', 'v1beta1'].flatMap((version) => [
		{ method: '*', path: `/${version}/{endpoint=projects/*/locations/*/endpoints/*}/invoke/**` },
		{ method: '*', path: `/${version}/{endpoint=projects/*/locations/*/endpoints/*}/deployedModels/{deployed_model_id}/invoke/**` },
	]);
}

/** Sent by Vertex for predict-style calls on an invoke-enabled deployment (HTTP 400, status INTERNAL sic). */
function invokeOnlyError(): ApiError {
	return new ApiError(
		'INTERNAL',
		'Given request uri is not supported on this endpoint. Please use `/invoke${container_request_path}` to route the request to the container path. container_request_path must start with a forward slash.',
		[],
		400,
	);
}

export interface InvokeTarget {
	endpointId: string;
	/** Set for .../deployedModels/{id}/invoke/...: bypasses the traffic split. */
	pinnedDeployedModelId?: string;
	/** The model-server path, starting with "/". */
	path: string;
	rawQuery: string;
}

/** Where a request to a deployed model goes: one of its replicas (started again when scaled to zero). */
export interface ReplicaSource {
	replicaFor(deployed: DeployedModelRecord): Promise<Replica>;
	requestDone(deployed: DeployedModelRecord): void;
}

export class DataPlane {
	constructor(
		private readonly ctx: EmulatorContext,
		private readonly replicas: ReplicaSource,
	) {}

	async invoke(req: IncomingMessage, res: ServerResponse, target: InvokeTarget): Promise<void> {
		const endpoint = requireEndpoint(this.ctx, target.endpointId);
		if (target.path === '' || target.path === '/') {
			throw new ApiError('INVALID_ARGUMENT', 'The invoke path must name a container route: the root path "/" is not exposed. Use /invoke${container_request_path} with a non-root path.');
		}
		if (endpoint.spec.dedicatedEndpointEnabled !== true && !usesPrivateServiceConnect(endpoint)) {
			throw new ApiError('FAILED_PRECONDITION', 'Invoke is only supported on dedicated endpoints. Make sure the endpoint and model are correctly configured.');
		}
		const deployed = this.pick(endpoint, target.pinnedDeployedModelId);
		if (!deployed.invokeEnabled) {
			throw new ApiError('FAILED_PRECONDITION', `Deployed model ${deployed.id} was not uploaded with container_spec.invoke_route_prefix "/*"; invoke is not enabled for it.`);
		}
		const body = await readBody(req, MAX_REQUEST_BYTES, payloadTooLarge);
		await this.forward(req, res, endpoint, deployed, target.path, target.rawQuery, body);
	}

	/** :predict / :rawPredict / any other PredictionService verb on an endpoint: refused for invoke-enabled deployments, else sent to the predict route. */
	async predict(req: IncomingMessage, res: ServerResponse, endpointId: string, verb: string, rawQuery: string): Promise<void> {
		const endpoint = requireEndpoint(this.ctx, endpointId);
		const deployed = this.pick(endpoint, undefined);
		if (deployed.invokeEnabled) throw invokeOnlyError();
		if (!FORWARDED_PREDICT_VERBS.has(verb)) throw new ApiError('UNIMPLEMENTED', `:${verb} is not supported by the emulator.`);
		const body = await readBody(req, MAX_REQUEST_BYTES, payloadTooLarge);
		await this.forward(req, res, endpoint, deployed, deployed.predictRoute, rawQuery, body);
	}

	private pick(endpoint: EndpointRecord, pinned: string | undefined): DeployedModelRecord {
		if (pinned !== undefined) {
			const found = endpoint.deployedModels.find((d) => d.id === pinned);
			if (!found) throw new ApiError('NOT_FOUND', `Deployed model ${pinned} not found in endpoint ${endpoint.id}.`);
			return found;
		}
		const weighted = endpoint.deployedModels.map((d) => ({ deployed: d, weight: endpoint.trafficSplit[d.id] ?? 0 })).filter((w) => w.weight > 0);
		const total = weighted.reduce((sum, w) => sum + w.weight, 0);
		if (total === 0) {
			throw new ApiError('FAILED_PRECONDITION', `Endpoint ${this.ctx.store.endpointName(endpoint.id)} has no deployed model that receives traffic.`);
		}
		let ticket = randomInt(0, total);
		for (const w of weighted) {
			if (ticket < w.weight) return w.deployed;
			ticket -= w.weight;
		}
		return (weighted[weighted.length - 1] as { deployed: DeployedModelRecord }).deployed;
	}

	private async forward(
		req: IncomingMessage,
		res: ServerResponse,
		endpoint: EndpointRecord,
		deployed: DeployedModelRecord,
		path: string,
		rawQuery: string,
		body: Buffer,
	): Promise<void> {
		deployed.inFlight++;
		try {
			const replica = await this.replicas.replicaFor(deployed);
			await this.send(req, res, endpoint, deployed, replica, path, rawQuery, body);
		} finally {
			deployed.inFlight--;
			this.replicas.requestDone(deployed);
		}
	}

	private send(
		req: IncomingMessage,
		res: ServerResponse,
		endpoint: EndpointRecord,
		deployed: DeployedModelRecord,
		replica: Replica,
		path: string,
		rawQuery: string,
		body: Buffer,
	): Promise<void> {
		const ctx = this.ctx;
		const headers = forwardedHeaders(req.headers);
		headers['content-length'] = String(body.length);
		const entry: Omit<ForwardedEntry, 'listener'> = {
			outcome: 'forwarded',
			at: timestamp(),
			method: req.method ?? 'POST',
			path,
			query: rawQuery,
			endpointId: endpoint.id,
			deployedModelId: deployed.id,
			headerNames: Object.keys(headers).sort(),
		};
		ctx.requestLog.add(req, entry, body);
		const streamFault = ctx.faults.take('stream', req.url ?? '', req.method);
		const url = new URL(`${replica.url}${path}${rawQuery ? `?${rawQuery}` : ''}`);

		return new Promise((resolve) => {
			let settled = false;
			const finish = (): void => {
				if (settled) return;
				settled = true;
				clearTimeout(deadline);
				resolve();
			};
			const fail = (error: ApiError): void => {
				upstream.destroy();
				if (!res.headersSent) {
					entry.status = error.httpStatus;
					res.writeHead(error.httpStatus, { 'content-type': 'application/json; charset=UTF-8' });
					res.end(JSON.stringify(error.envelope()));
				} else res.destroy();
				finish();
			};
			const deadline = setTimeout(
				() => fail(new ApiError('DEADLINE_EXCEEDED', `The request exceeded the endpoint's inference timeout of ${Math.round(endpoint.inferenceTimeoutMs / 1000)}s.`)),
				endpoint.inferenceTimeoutMs,
			);
			const upstream = httpRequest(url, { method: req.method, headers }, (answer) => {
				entry.status = answer.statusCode;
				const returned: OutgoingHttpHeaders = {};
				for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !NOT_RETURNED.has(name)) returned[name] = value;
				returned[DEPLOYED_MODEL_HEADER] = deployed.id;
				res.writeHead(answer.statusCode ?? 502, returned);
				res.flushHeaders();
				this.pipe(answer, res, streamFault, finish);
			});
			upstream.on('error', (error) => {
				if (settled) return;
				ctx.log(`invoke of deployed model ${deployed.id} failed: ${error.message}`);
				fail(new ApiError('UNAVAILABLE', 'upstream connect error or disconnect/reset before headers. The model server did not answer.'));
			});
			// A client that goes away must not leave the model server generating for nobody.
			res.on('close', () => {
				if (!res.writableFinished) upstream.destroy();
				finish();
			});
			upstream.end(body);
		});
	}

	/** Copies the model server's body as it comes, honouring backpressure and the stream faults. */
	private pipe(answer: IncomingMessage, res: ServerResponse, fault: ReturnType<EmulatorContext['faults']['take']>, done: () => void): void {
		let sent = 0;
		// Once cut, data and end events already queued must neither add bytes nor end the body cleanly.
		let cut = false;
		const cutAfter = fault?.kind === 'cut-stream' ? (fault.afterBytes ?? 1) : undefined;
		const slowDelay = fault?.kind === 'slow-body' ? (fault.delayMs ?? 500) : 0;
		answer.on('data', (chunk: Buffer) => {
			if (cut) return;
			if (cutAfter !== undefined && sent + chunk.length >= cutAfter) {
				cut = true;
				const head = chunk.subarray(0, Math.max(0, cutAfter - sent));
				if (head.length > 0) res.write(head);
				answer.destroy();
				// Give the partial bytes a moment to leave before the connection drops.
				setTimeout(() => res.destroy(), 20);
				return;
			}
			sent += chunk.length;
			const flowing = res.write(chunk);
			if (slowDelay > 0) {
				answer.pause();
				setTimeout(() => (flowing ? answer.resume() : res.once('drain', () => answer.resume())), slowDelay);
			} else if (!flowing) {
				answer.pause();
				res.once('drain', () => answer.resume());
			}
		});
		answer.on('end', () => {
			if (cut) return;
			res.end();
			done();
		});
		answer.on('error', () => {
			if (cut) return;
			res.destroy();
			done();
		});
	}
}

function payloadTooLarge(): ApiError {
	return new ApiError('INVALID_ARGUMENT', `Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.`);
}

function forwardedHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
	const out: OutgoingHttpHeaders = {};
	for (const [name, value] of Object.entries(incoming)) {
		if (value === undefined || NOT_FORWARDED.has(name)) continue;
		out[name] = value;
	}
	return out;
}
