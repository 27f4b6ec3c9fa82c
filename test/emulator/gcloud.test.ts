/**
 * Driving the emulator as `gcloud ai` does: operations by their location-level name, system query
 * parameters kept from the model server, and (where gcloud is installed) a real gcloud run of the
 * control plane, pointed at the emulator with `api_endpoint_overrides/aiplatform`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, parentPath, pollOperation, uploadModel, type Api } from './helpers';

/** gcloud on PATH (or GCLOUD_BIN), else undefined: the gcloud run is then skipped by name. */
function findGcloud(): string | undefined {
	if (process.env.GCLOUD_BIN) return existsSync(process.env.GCLOUD_BIN) ? process.env.GCLOUD_BIN : undefined;
	return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'gcloud')).find((candidate) => existsSync(candidate));
}

describe('emulator driven like gcloud', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let token: string;
	let parent: string;
	let modelName: string;
	let endpointName: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		token = await accessToken(emulator);
		api = apiClient(emulator, token);
		parent = parentPath(emulator);
		modelName = (await uploadModel(api, emulator, { modelId: 'gcloud-model' })).modelName;
		endpointName = (await createEndpoint(api, emulator, {}, 'gcloud-endpoint')).name;
	});
	afterAll(() => emulator.close());

	it('finds a model or endpoint operation by its location-level name too (get, wait, delete)', async () => {
		const started = await api('POST', `${parent}/models:upload`, { model: { displayName: 'm', containerSpec: { imageUri: 'emulator/sample-model-server' } } });
		const full = started.json.name as string;
		const id = full.slice(full.lastIndexOf('/') + 1);
		expect(full).toMatch(/\/models\/[^/]+\/operations\/\d+$/);
		const short = `projects/${emulator.projectId}/locations/${emulator.location}/operations/${id}`;
		await pollOperation(api, full);
		const got = await api('GET', `/v1/${short}`);
		expect(got.status).toBe(200);
		expect(got.json.name).toBe(full);
		expect(got.json.done).toBe(true);
		expect((await api('POST', `/v1/${short}:wait`)).json.name).toBe(full);
		expect((await api('GET', `/v1beta1/${short}`)).status).toBe(200);
		// Another location's name, or an id no operation has, is still NOT_FOUND.
		expect((await api('GET', `${parent}/operations/1234567890123456789`)).status).toBe(404);
		expect((await api('DELETE', `/v1/${short}`)).status).toBe(200);
		expect((await api('GET', `/v1/${full}`)).status).toBe(404);
	});

	it('keeps system query parameters (alt, $alt, prettyPrint, key) from the model server on invoke and :predict', async () => {
		const deployedId = (await deploy(api, endpointName, modelName)).op.response.deployedModel.id as string;
		const invoked = await api('POST', `/v1/${endpointName}/invoke/echo?alt=json&keep=1&%24alt=json%3Benum-encoding%3Dint&prettyPrint=false&key=k`, {});
		expect(invoked.status).toBe(200);
		expect(invoked.json.query).toEqual({ keep: '1' });
		expect(emulator.requestLog('forwarded').some((entry) => entry.path === '/echo' && entry.query === 'keep=1')).toBe(true);

		// :predict goes to the predict route of a model without invoke.
		const uploaded = await api('POST', `${parent}/models:upload`, {
			modelId: 'predict-model',
			model: { displayName: 'predict', containerSpec: { imageUri: 'emulator/sample-model-server', healthRoute: '/health', predictRoute: '/echo' } },
		});
		const { op } = await pollOperation(api, uploaded.json.name);
		const predictEndpoint = await createEndpoint(api, emulator, { dedicatedEndpointEnabled: false }, 'predict-endpoint');
		await deploy(api, predictEndpoint.name, op.response.model);
		const predicted = await api('POST', `/v1/${predictEndpoint.name}:predict?alt=json&$prettyPrint=0&mine=2`, { instances: [1] });
		expect(predicted.status).toBe(200);
		expect(predicted.json.query).toEqual({ mine: '2' });
		expect(deployedId).toMatch(/^\d+$/);
	});

	const gcloud = findGcloud();
	if (!gcloud) {
		it('gcloud ai control-plane run: SKIPPED, gcloud is not installed (set GCLOUD_BIN or put gcloud on PATH)', () => {
			process.stdout.write('SKIPPED: gcloud ai control-plane run (gcloud not installed)\n');
		});
		return;
	}

	it('runs gcloud ai models/endpoints list and describe, and operations describe, against the emulator', async () => {
		const config = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
		try {
			const tokenFile = join(config, 'access-token');
			writeFileSync(tokenFile, token);
			const env: NodeJS.ProcessEnv = { ...process.env, CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_DISABLE_PROMPTS: '1', CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: '1' };
			delete env.GOOGLE_APPLICATION_CREDENTIALS;
			const run = (args: string[]): Promise<string> =>
				new Promise((resolve, reject) => {
					execFile(gcloud, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
						if (error) reject(new Error(`gcloud ${args.join(' ')} failed: ${stderr}`));
						else resolve(stdout);
					});
				});
			await run(['config', 'set', 'api_endpoint_overrides/aiplatform', `${emulator.baseUrl}/`]);
			await run(['config', 'set', 'auth/access_token_file', tokenFile]);
			await run(['config', 'set', 'core/project', emulator.projectId]);
			const region = ['--region', emulator.location, '--format', 'json'];

			const models = JSON.parse(await run(['ai', 'models', 'list', ...region])) as Array<{ name: string }>;
			expect(models.map((m) => m.name)).toContain(modelName);
			const model = JSON.parse(await run(['ai', 'models', 'describe', 'gcloud-model', ...region]));
			expect(model).toMatchObject({ name: modelName, displayName: 'test model' });
			const endpoints = JSON.parse(await run(['ai', 'endpoints', 'list', ...region])) as Array<{ name: string }>;
			expect(endpoints.map((e) => e.name)).toContain(endpointName);
			const endpoint = JSON.parse(await run(['ai', 'endpoints', 'describe', 'gcloud-endpoint', ...region]));
			expect(endpoint).toMatchObject({ name: endpointName, dedicatedEndpointEnabled: true });

			const started = await api('POST', `${parent}/endpoints`, { displayName: 'from gcloud test' });
			await pollOperation(api, started.json.name);
			const id = (started.json.name as string).split('/').pop() as string;
			const described = JSON.parse(await run(['ai', 'operations', 'describe', id, ...region]));
			expect(described).toMatchObject({ name: started.json.name, done: true });
		} finally {
			rmSync(config, { recursive: true, force: true });
		}
	}, 120_000);
});
