/** Plain-HTTP helpers for driving the emulator from outside, as any client would. */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunningEmulator } from '../../emulator';

export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export interface KeyFile {
	client_email: string;
	private_key: string;
	private_key_id: string;
	token_uri: string;
	project_id: string;
}

export function readKey(emulator: RunningEmulator): KeyFile {
	return JSON.parse(readFileSync(emulator.serviceAccountKeyFile, 'utf8')) as KeyFile;
}

export function signJwt(privateKey: string, header: Record<string, unknown>, claims: Record<string, unknown>): string {
	const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
	const unsigned = `${encode(header)}.${encode(claims)}`;
	const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
	return `${unsigned}.${signature}`;
}

export function assertionFor(key: KeyFile, claims: Record<string, unknown> = {}, privateKey = key.private_key): string {
	const now = Math.floor(Date.now() / 1000);
	return signJwt(privateKey, { alg: 'RS256', typ: 'JWT', kid: key.private_key_id }, {
		iss: key.client_email,
		scope: CLOUD_PLATFORM,
		aud: key.token_uri,
		iat: now,
		exp: now + 3600,
		...claims,
	});
}

export async function exchange(emulator: RunningEmulator, assertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
	const answer = await fetch(emulator.tokenUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
	});
	return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

export async function accessToken(emulator: RunningEmulator): Promise<string> {
	const { status, body } = await exchange(emulator, assertionFor(readKey(emulator)));
	if (status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
	return body.access_token as string;
}

export interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

/** Calls the emulator with a bearer token; paths are relative to the base URL. */
export function apiClient(emulator: RunningEmulator, token: string | undefined) {
	return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
		const answer = await fetch(`${emulator.baseUrl}${path}`, {
			method,
			headers: {
				...(token ? { authorization: `Bearer ${token}` } : {}),
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...headers,
			},
			body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body),
		});
		const text = await answer.text();
		let json: any;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: answer.status, headers: answer.headers, text, json };
	};
}

export type Api = ReturnType<typeof apiClient>;

/** Polls GET on the operation's name until done; returns every metadata seen on the way. */
export async function pollOperation(api: Api, name: string): Promise<{ op: any; stages: string[] }> {
	const stages: string[] = [];
	for (let i = 0; i < 2000; i++) {
		const { json } = await api('GET', `/v1/${name}`);
		const stage = json?.metadata?.deploymentStage;
		if (stage && stages[stages.length - 1] !== stage) stages.push(stage);
		if (json?.done) return { op: json, stages };
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	throw new Error(`operation ${name} never finished`);
}

export function parentPath(emulator: RunningEmulator, project = emulator.projectId): string {
	return `/v1/projects/${project}/locations/${emulator.location}`;
}

export interface UploadOptions {
	modelId?: string;
	imageUri?: string;
	args?: string[];
	env?: Array<{ name: string; value: string }>;
	deploymentTimeout?: string;
	invoke?: boolean;
}

export async function uploadModel(api: Api, emulator: RunningEmulator, options: UploadOptions = {}): Promise<{ modelName: string; versionId: string }> {
	const containerSpec: Record<string, unknown> = {
		imageUri: options.imageUri ?? 'emulator/sample-model-server',
		healthRoute: '/health',
	};
	if (options.invoke !== false) containerSpec.invokeRoutePrefix = '/*';
	if (options.args) containerSpec.args = options.args;
	if (options.env) containerSpec.env = options.env;
	if (options.deploymentTimeout) containerSpec.deploymentTimeout = options.deploymentTimeout;
	const started = await api('POST', `${parentPath(emulator)}/models:upload`, {
		model: { displayName: 'test model', containerSpec },
		...(options.modelId ? { modelId: options.modelId } : {}),
	});
	if (started.status !== 200) throw new Error(`upload refused: ${started.text}`);
	const { op } = await pollOperation(api, started.json.name);
	if (op.error) throw new Error(`upload failed: ${JSON.stringify(op.error)}`);
	return { modelName: op.response.model, versionId: op.response.modelVersionId };
}

export async function createEndpoint(api: Api, emulator: RunningEmulator, body: Record<string, unknown> = {}, endpointId?: string): Promise<any> {
	const query = endpointId ? `?endpointId=${endpointId}` : '';
	const started = await api('POST', `${parentPath(emulator)}/endpoints${query}`, { displayName: 'test endpoint', dedicatedEndpointEnabled: true, ...body });
	if (started.status !== 200) throw new Error(`create endpoint refused: ${started.text}`);
	const { op } = await pollOperation(api, started.json.name);
	if (op.error) throw new Error(`create endpoint failed: ${JSON.stringify(op.error)}`);
	return op.response;
}

/** `trafficSplit` defaults to all traffic for the new model; `null` sends none (the endpoint's split stays). */
export async function startDeploy(api: Api, endpointName: string, modelName: string, trafficSplit: Record<string, number> | null = { '0': 100 }): Promise<Answer> {
	return api('POST', `/v1/${endpointName}:deployModel`, {
		deployedModel: {
			model: modelName,
			displayName: 'deployed',
			dedicatedResources: { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 }, minReplicaCount: 1, maxReplicaCount: 1 },
		},
		...(trafficSplit ? { trafficSplit } : {}),
	});
}

export async function deploy(api: Api, endpointName: string, modelName: string, trafficSplit?: Record<string, number> | null): Promise<{ op: any; stages: string[] }> {
	const started = await startDeploy(api, endpointName, modelName, trafficSplit);
	if (started.status !== 200) throw new Error(`deploy refused: ${started.text}`);
	const polled = await pollOperation(api, started.json.name);
	// The initial answer carries the first stage; polls may step past some of the short ones.
	const first = started.json.metadata?.deploymentStage as string | undefined;
	return { op: polled.op, stages: first && polled.stages[0] !== first ? [first, ...polled.stages] : polled.stages };
}

export function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** True once the process is gone; false if it is still there after about ten seconds. */
export async function waitForExit(pid: number): Promise<boolean> {
	for (let i = 0; i < 400; i++) {
		if (!pidAlive(pid)) return true;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return false;
}
