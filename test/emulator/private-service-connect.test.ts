/**
 * Private Service Connect: a PSC endpoint's data plane answers on the emulator's TLS listener (its
 * certificate signed by a CA made at start, which a client must trust), under the same invoke and
 * predict paths; its public dedicated DNS is off unless `pscPublicDedicatedDns` keeps it.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, uploadModel, type Api } from './helpers';

interface TlsAnswer {
	status: number;
	json: any;
}

/** A call to the PSC listener over TLS, trusting `ca` (or nothing else when undefined). */
function pscCall(emulator: RunningEmulator, token: string, path: string, ca: string | undefined, servername?: string): Promise<TlsAnswer> {
	const url = new URL(emulator.pscUrl);
	return new Promise((resolve, reject) => {
		const req = request(
			{ host: url.hostname, port: url.port, path, method: 'POST', ca, servername, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(servername ? { host: servername } : {}) } },
			(res) => {
				let text = '';
				res.on('data', (chunk: Buffer) => (text += chunk.toString()));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
			},
		);
		req.on('error', reject);
		req.end('{"psc":true}');
	});
}

const PSC = { enablePrivateServiceConnect: true, projectAllowlist: ['consumer-project'] };

describe('emulator Private Service Connect', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let token: string;
	let pscEndpoint: string;
	let publicEndpoint: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		token = await accessToken(emulator);
		api = apiClient(emulator, token);
		const { modelName } = await uploadModel(api, emulator, { modelId: 'psc-model' });
		pscEndpoint = (await createEndpoint(api, emulator, { privateServiceConnectConfig: PSC }, 'psc-endpoint')).name;
		publicEndpoint = (await createEndpoint(api, emulator, {}, 'public-endpoint')).name;
		await deploy(api, pscEndpoint, modelName);
		await deploy(api, publicEndpoint, modelName);
	});
	afterAll(() => emulator.close());

	it('prints a CA made at start, in the facts and in a file, that signed the listener\'s certificate', () => {
		const ca = new X509Certificate(emulator.pscCaCertificate);
		expect(ca.ca).toBe(true);
		expect(readFileSync(emulator.pscCaFile, 'utf8')).toBe(emulator.pscCaCertificate);
		expect(emulator.pscUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
	});

	it('answers invoke of a PSC endpoint over TLS, by address and by its private DNS name, when the client trusts the CA', async () => {
		const answer = await pscCall(emulator, token, `/v1/${pscEndpoint}/invoke/echo`, emulator.pscCaCertificate);
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ method: 'POST', path: '/echo', body: '{"psc":true}' });
		// The endpoint's private DNS name verifies too (the certificate names *.{location}-{number}.prediction.vertexai.goog).
		const byName = await pscCall(emulator, token, `/v1/${pscEndpoint}/invoke/echo`, emulator.pscCaCertificate, `psc-endpoint.us-central1-${emulator.projectNumber}.prediction.vertexai.goog`);
		expect(byName.status).toBe(200);
	});

	it('refuses a TLS client that does not trust the CA', async () => {
		await expect(pscCall(emulator, token, `/v1/${pscEndpoint}/invoke/echo`, undefined)).rejects.toThrow(/certificate/);
	});

	it('serves only PSC endpoints\' data plane: another endpoint and the control plane are 404, a token is required', async () => {
		expect((await pscCall(emulator, token, `/v1/${publicEndpoint}/invoke/echo`, emulator.pscCaCertificate)).status).toBe(404);
		expect((await pscCall(emulator, token, `/v1/projects/${emulator.projectId}/locations/${emulator.location}/endpoints`, emulator.pscCaCertificate)).status).toBe(404);
		expect((await pscCall(emulator, 'not-a-token', `/v1/${pscEndpoint}/invoke/echo`, emulator.pscCaCertificate)).status).toBe(401);
	});

	it('keeps a PSC endpoint off the public hosts and shows no dedicated DNS by default', async () => {
		const viaPublic = await api('POST', `/v1/${pscEndpoint}/invoke/echo`, {});
		expect(viaPublic.status).toBe(400);
		expect(viaPublic.json.error.status).toBe('FAILED_PRECONDITION');
		expect(viaPublic.json.error.message).toContain('Private Service Connect');
		expect((await api('GET', `/v1/${pscEndpoint}`)).json.dedicatedEndpointDns).toBeUndefined();
		expect((await api('POST', `/v1/${publicEndpoint}/invoke/echo`, {})).status).toBe(200);
	});

	it('logs which listener served each request: the PSC listener, the public API host, a dedicated DNS name', async () => {
		await fetch(`${emulator.baseUrl}/emulator/requests`, { method: 'DELETE' });
		expect((await pscCall(emulator, token, `/v1/${pscEndpoint}/invoke/echo`, emulator.pscCaCertificate)).status).toBe(200);
		expect((await api('POST', `/v1/${publicEndpoint}/invoke/echo`, {})).status).toBe(200);
		expect((await api('POST', `/v1/${pscEndpoint}/invoke/echo`, {})).status).toBe(400);
		const dedicated = (await (await fetch(`${emulator.baseUrl}/emulator/endpoints/public-endpoint:listen`, { method: 'POST' })).json()) as { url: string };
		const viaDns = await fetch(`${dedicated.url}/v1/${publicEndpoint}/invoke/echo`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
		expect(viaDns.status).toBe(200);
		const served = emulator.requestLog().map((entry) => [entry.outcome, entry.listener, entry.outcome === 'forwarded' ? entry.endpointId : entry.status]);
		expect(served).toEqual([
			['forwarded', 'psc', 'psc-endpoint'],
			['forwarded', 'api', 'public-endpoint'],
			['rejected', 'api', 400],
			['forwarded', 'dedicated', 'public-endpoint'],
		]);
		const viaAdmin = (await (await fetch(`${emulator.baseUrl}/emulator/requests?outcome=forwarded&listener=psc`)).json()) as { requests: Array<{ endpointId: string }> };
		expect(viaAdmin.requests.map((entry) => entry.endpointId)).toEqual(['psc-endpoint']);
	});

	it('takes an invoke-enabled model on a PSC endpoint that is not dedicated, and invokes it through PSC', async () => {
		const { modelName } = await uploadModel(api, emulator, { modelId: 'psc-only-model' });
		const endpoint = await createEndpoint(api, emulator, { dedicatedEndpointEnabled: false, privateServiceConnectConfig: PSC }, 'psc-only');
		await deploy(api, endpoint.name, modelName);
		expect((await pscCall(emulator, token, `/v1/${endpoint.name}/invoke/echo`, emulator.pscCaCertificate)).status).toBe(200);
		const plain = await createEndpoint(api, emulator, { dedicatedEndpointEnabled: false }, 'plain-shared');
		const refused = await api('POST', `/v1/${plain.name}:deployModel`, { deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'g2-standard-12' }, minReplicaCount: 1 } } });
		expect(refused.json.error.status).toBe('FAILED_PRECONDITION');
	});

	it('keeps the public dedicated DNS of a PSC endpoint when pscPublicDedicatedDns is set', async () => {
		const open = await startEmulator({ operationStepMs: 5, pscPublicDedicatedDns: true });
		try {
			const openApi = apiClient(open, await accessToken(open));
			const { modelName } = await uploadModel(openApi, open, { modelId: 'm' });
			const endpoint = await createEndpoint(openApi, open, { privateServiceConnectConfig: PSC }, 'both-ways');
			await deploy(openApi, endpoint.name, modelName);
			const got = (await openApi('GET', `/v1/${endpoint.name}`)).json;
			expect(got.dedicatedEndpointDns).toBe(`both-ways.us-central1-${open.projectNumber}.prediction.vertexai.goog`);
			const viaDns = await fetch(`${await open.dedicatedEndpointUrl('both-ways')}/v1/${endpoint.name}/invoke/echo`, { method: 'POST', headers: { authorization: `Bearer ${await accessToken(open)}` }, body: '{}' });
			expect(viaDns.status).toBe(200);
		} finally {
			await open.close();
		}
	});
});
