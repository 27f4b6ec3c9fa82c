/**
 * Host routing as Vertex does it (point 8): the regional host serves the control plane, a dedicated
 * endpoint's DNS name its data plane, and each refuses the other's calls. Reached by Host header on the
 * main listener, or by the regional and per-endpoint listeners; 127.0.0.1 keeps serving both.
 */
import { request } from 'node:http';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, uploadModel, type Api } from './helpers';

interface Reply {
	status: number;
	json: any;
}

/** One request with an explicit Host header (fetch does not let a caller set it). */
function withHost(url: string, host: string, method: string, token: string, body?: string): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers: { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

describe('emulator host routing', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let token: string;
	let endpointName: string;
	let dns: string;
	let invokePath: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		token = await accessToken(emulator);
		api = apiClient(emulator, token);
		const { modelName } = await uploadModel(api, emulator, { modelId: 'hosts-model' });
		const endpoint = await createEndpoint(api, emulator, {}, 'hosts-endpoint');
		endpointName = endpoint.name;
		dns = endpoint.dedicatedEndpointDns;
		await deploy(api, endpointName, modelName, { '0': 100 });
		invokePath = `/v1/${endpointName}/invoke/echo`;
	});
	afterAll(() => emulator.close());

	const refusedOnSharedHost = (reply: Reply): void => {
		expect(reply.status).toBe(400);
		expect(reply.json.error.status).toBe('FAILED_PRECONDITION');
		expect(reply.json.error.message).toBe(
			`Dedicated Endpoint cannot be accessed through the shared Vertex AI domain ${emulator.location}-aiplatform.googleapis.com. Please access the endpoint using its dedicated domain name '${dns}'`,
		);
	};

	it('plays the regional host by Host header: the control plane, and Vertex\'s refusal for a dedicated endpoint\'s invoke', async () => {
		const host = `${emulator.location}-aiplatform.googleapis.com`;
		expect(emulator.regionalHost).toBe(host);
		expect((await withHost(`${emulator.baseUrl}/v1/${endpointName}`, host, 'GET', token)).status).toBe(200);
		refusedOnSharedHost(await withHost(`${emulator.baseUrl}${invokePath}`, host, 'POST', token, '{}'));
		refusedOnSharedHost(await withHost(`${emulator.baseUrl}/v1/${endpointName}:rawPredict`, host, 'POST', token, '{}'));
	});

	it('plays the dedicated DNS name by Host header: that endpoint\'s data plane only', async () => {
		const invoked = await withHost(`${emulator.baseUrl}${invokePath}`, dns, 'POST', token, '{"hello":1}');
		expect(invoked.status).toBe(200);
		expect(invoked.json.path).toBe('/echo');
		const control = await withHost(`${emulator.baseUrl}/v1/${endpointName}`, dns, 'GET', token);
		expect(control.status).toBe(404);
		expect(control.json.error.status).toBe('NOT_FOUND');
		const unknownName = await withHost(`${emulator.baseUrl}${invokePath}`, `nothing.${emulator.location}-${emulator.projectNumber}.prediction.vertexai.goog`, 'POST', token, '{}');
		expect(unknownName.status).toBe(404);
	});

	it('has a listener that is always the regional host, and one per dedicated endpoint that is always its DNS name', async () => {
		const regional = apiClient({ ...emulator, baseUrl: emulator.regionalUrl }, token);
		expect((await regional('GET', `/v1/${endpointName}`)).status).toBe(200);
		refusedOnSharedHost(await regional('POST', invokePath, {}));

		const dedicatedUrl = await emulator.dedicatedEndpointUrl('hosts-endpoint');
		expect(await emulator.dedicatedEndpointUrl('hosts-endpoint')).toBe(dedicatedUrl);
		const dedicated = apiClient({ ...emulator, baseUrl: dedicatedUrl }, token);
		expect((await dedicated('POST', invokePath, { hello: 1 })).status).toBe(200);
		expect((await dedicated('GET', `/v1/${endpointName}`)).status).toBe(404);
		// A dedicated name serves only its own endpoint.
		await createEndpoint(api, emulator, {}, 'other-endpoint');
		expect((await dedicated('POST', `/v1/${endpointName.replace('hosts-endpoint', 'other-endpoint')}/invoke/echo`, {})).status).toBe(404);

		// The same listener through the admin API, for clients that are not in this process.
		const listened = await fetch(`${emulator.baseUrl}/emulator/endpoints/hosts-endpoint:listen`, { method: 'POST' });
		expect(await listened.json()).toEqual({ url: dedicatedUrl, host: dns });
		const shared = await createEndpoint(api, emulator, { dedicatedEndpointEnabled: false }, 'shared-endpoint');
		await expect(emulator.dedicatedEndpointUrl(shared.name.split('/').pop())).rejects.toThrow('is not a dedicated endpoint');
	});

	it('keeps serving both planes on 127.0.0.1 (and any other host), path-based, for simple clients', async () => {
		expect((await api('GET', `/v1/${endpointName}`)).status).toBe(200);
		expect((await api('POST', invokePath, {})).status).toBe(200);
		expect((await withHost(`${emulator.baseUrl}${invokePath}`, 'vertex.internal.example', 'POST', token, '{}')).status).toBe(200);
	});
});
