/**
 * The emulator's HTTP surface as Google's front end has it, over plain HTTP: every binding of the
 * service config (the /ui/ operation mixins too), proto3 JSON in both directions (enum numbers, proto
 * field names, integers as strings, defaults left out), bodies ignored where a rule has none, and
 * requests checked against the v1 messages (unknown names, wrong types, REQUIRED fields).
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, parentPath, pollOperation, uploadModel, type Answer, type Api } from './helpers';

const INT = '$alt=json%3Benum-encoding=int';

describe('emulator wire format', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let parent: string;
	let modelName: string;
	let endpoint: { name: string };
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		api = apiClient(emulator, await accessToken(emulator));
		parent = parentPath(emulator);
		modelName = (await uploadModel(api, emulator, { modelId: 'wire-model' })).modelName;
		endpoint = await createEndpoint(api, emulator, {}, 'wire-endpoint');
	});
	afterAll(() => emulator.close());

	const violations = (answer: Answer): Array<{ field?: string; description: string }> => answer.json.error.details[0].fieldViolations;
	const spec = { imageUri: 'emulator/sample-model-server', invokeRoutePrefix: '/*' };

	describe('bindings (point 1: the /ui/ operation bindings of the service config)', () => {
		it('polls, waits on, cancels and lists operations under /ui/ as under /v1/', async () => {
			const started = await api('POST', `${parent}/endpoints?endpointId=ui-endpoint`, { displayName: 'ui' });
			const name = started.json.name as string;
			expect(name).toMatch(/\/endpoints\/ui-endpoint\/operations\/\d{19}$/);
			const waited = await api('POST', `/ui/${name}:wait?timeout=30s`);
			expect(waited.status).toBe(200);
			expect(waited.json.done).toBe(true);
			expect((await api('GET', `/ui/${name}`)).json).toEqual((await api('GET', `/v1/${name}`)).json);
			expect((await api('POST', `/ui/${name}:cancel`)).json).toEqual({});
			const listed = await api('GET', `/ui/${parent.slice('/v1/'.length)}/endpoints/ui-endpoint/operations`);
			expect(listed.json.operations.map((op: { name: string }) => op.name)).toEqual([name]);
			expect((await api('DELETE', `/ui/${name}`)).status).toBe(200);
			expect((await api('GET', `/ui/${name}`)).status).toBe(404);
		});

		it('serves every resource kind the bindings name: an operation under another kind is simply not found', async () => {
			const answer = await api('GET', `/ui/${parent.slice('/v1/'.length)}/datasets/123/operations/456`);
			expect(answer.status).toBe(404);
			expect(answer.json.error.message).toContain('Operation "');
			const list = await api('GET', `/v1/${parent.slice('/v1/'.length)}/trainingPipelines/1/operations`);
			expect(list.status).toBe(404);
		});

		it('answers a method the service config has but the emulator does not emulate with 501, and an unknown URL with 404', async () => {
			const location = await api('GET', `/v1/${parent.slice('/v1/'.length)}`);
			expect(location.status).toBe(501);
			expect(location.json.error.status).toBe('UNIMPLEMENTED');
			expect(location.json.error.message).toContain('google.cloud.location.Locations.GetLocation');
			expect((await api('POST', `/v1/${modelName}:export`, {})).status).toBe(501);
			const unknown = await api('GET', `${parent}/bogus`);
			expect(unknown.status).toBe(404);
			expect(unknown.json.error.message).toBe(`The requested URL ${parent}/bogus was not found on this server.`);
		});
	});

	describe('enums (point 2)', () => {
		it('takes an enum as its number, stores the name, and answers numbers only with $alt=json;enum-encoding=int', async () => {
			const started = await api('POST', `/v1/${endpoint.name}:deployModel?${INT}`, {
				deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 11, acceleratorCount: 1 }, minReplicaCount: 1 } },
				trafficSplit: { '0': 100 },
			});
			expect(started.status).toBe(200);
			// STARTING_DEPLOYMENT is 5 in DeploymentStage.
			expect(started.json.metadata.deploymentStage).toBe(5);
			const { op } = await pollOperation(api, started.json.name);
			expect(op.metadata.deploymentStage).toBe('SUCCESSFULLY_DEPLOYED');
			const names = (await api('GET', `/v1/${endpoint.name}`)).json;
			expect(names.deployedModels[0].dedicatedResources.machineSpec.acceleratorType).toBe('NVIDIA_L4');
			const numbers = (await api('GET', `/v1/${endpoint.name}?${INT}`)).json;
			expect(numbers.deployedModels[0].dedicatedResources.machineSpec.acceleratorType).toBe(11);
			expect((await api('GET', `/v1/${op.name}?${INT}`)).json.metadata.deploymentStage).toBe(11);
		});

		it('refuses an enum name or number the enum does not have', async () => {
			for (const acceleratorType of ['NVIDIA_NOPE', 99]) {
				const answer = await api('POST', `/v1/${endpoint.name}:deployModel`, {
					deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'n1-standard-4', acceleratorType }, minReplicaCount: 1 } },
				});
				expect(answer.status).toBe(400);
				expect(violations(answer)).toEqual([
					{
						field: 'deployed_model.dedicated_resources.machine_spec.accelerator_type',
						description: `Invalid value at 'deployed_model.dedicated_resources.machine_spec.accelerator_type' (type.googleapis.com/google.cloud.aiplatform.v1.AcceleratorType), ${JSON.stringify(acceleratorType)}`,
					},
				]);
			}
		});
	});

	describe('bodies on rules without one (point 4)', () => {
		it('ignores a body sent to :cancel, :wait, GET-style and DELETE rules, JSON or not', async () => {
			const started = await api('POST', `${parent}/endpoints`, { displayName: 'cancel-me' });
			for (const body of ['""', 'not json at all', '[1, 2]', '{"bogus": true}']) {
				const cancelled = await api('POST', `/v1/${started.json.name}:cancel`, body);
				expect(cancelled.status).toBe(200);
				expect(cancelled.json).toEqual({});
			}
			expect((await api('POST', `/ui/${started.json.name}:wait`, '""')).status).toBe(200);
			expect((await api('DELETE', `/v1/${started.json.name}`, '{"bogus": 1}')).status).toBe(200);
		});

		it('still reads the body of a rule that has one: a root that is not an object is refused as Google refuses it', async () => {
			const answer = await api('POST', `${parent}/models:upload`, '""');
			expect(answer.status).toBe(400);
			expect(answer.json.error.message).toBe('Invalid JSON payload received. Unknown name "": Root element must be a message.');
		});
	});

	describe('ListOperations (point 5)', () => {
		it('lists under the location, a model and an endpoint, page by page, and 404s under a model that does not exist', async () => {
			const underModel = await api('GET', `/v1/${modelName}/operations`);
			expect(underModel.json.operations).toHaveLength(1);
			const first = await api('GET', `/v1/${endpoint.name}/operations?pageSize=1`);
			expect(first.json.operations).toHaveLength(1);
			const second = await api('GET', `/v1/${endpoint.name}/operations?pageSize=1&pageToken=${first.json.nextPageToken}`);
			expect(second.json.operations[0].name).not.toBe(first.json.operations[0].name);
			expect((await api('GET', `${parent}/operations?filter=done%3Dtrue`)).status).toBe(200);
			expect((await api('GET', `${parent}/models/no-such-model/operations`)).status).toBe(404);
		});
	});

	describe('request validation against the v1 messages (point 6)', () => {
		const unknownName = (name: string, at?: string): string => `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`;

		it('refuses unknown names at any depth with Vertex\'s message and a BadRequest violation per name, storing nothing', async () => {
			const before = (await api('GET', `${parent}/models`)).json.models.length;
			const typo = await api('POST', `${parent}/models:upload`, { model: { displayName: 'typo', containerSpec: { imageUri: 'emulator/sample-model-server', invokeRoute: '/*' } }, bogus: 1 });
			expect(typo.status).toBe(400);
			expect(typo.json.error.status).toBe('INVALID_ARGUMENT');
			expect(typo.json.error.message).toBe(`${unknownName('invokeRoute', 'model.container_spec')}\n${unknownName('bogus')}`);
			expect(violations(typo)).toEqual([
				{ field: 'model.container_spec', description: unknownName('invokeRoute', 'model.container_spec') },
				{ description: unknownName('bogus') },
			]);
			expect((await api('GET', `${parent}/models`)).json.models).toHaveLength(before);

			const dedicated = await api('POST', `${parent}/endpoints`, { displayName: 'x', dedicatedEndpoint: true });
			expect(violations(dedicated)).toEqual([{ field: 'endpoint', description: unknownName('dedicatedEndpoint', 'endpoint') }]);
			const replicas = await api('POST', `/v1/${endpoint.name}:deployModel`, {
				deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1, minReplicas: 1 } },
			});
			expect(violations(replicas)).toEqual([{ field: 'deployed_model.dedicated_resources', description: unknownName('minReplicas', 'deployed_model.dedicated_resources') }]);
		});

		it('refuses query parameters the request message has no field for, and message-typed ones', async () => {
			const bogus = await api('GET', `/v1/${modelName}?bogus=1`);
			expect(bogus.status).toBe(400);
			expect(bogus.json.error.message).toBe(`Invalid JSON payload received. Unknown name "bogus": Cannot bind query parameter. Field 'bogus' could not be found in request message.`);
			// The body-"*" rules take nothing from the query.
			expect((await api('POST', `/v1/${endpoint.name}:undeployModel?deployedModelId=1`, { deployedModelId: '1' })).status).toBe(400);
			const message = await api('POST', `${parent}/endpoints?endpoint=x`, { displayName: 'x' });
			expect(message.json.error.message).toContain('Cannot bind query parameter.');
			// System parameters bind to no field and are always allowed.
			expect((await api('GET', `/v1/${modelName}?$alt=json&prettyPrint=false&fields=name&quotaUser=me`)).status).toBe(200);
			const badSize = await api('GET', `${parent}/models?pageSize=ten`);
			expect(violations(badSize)).toEqual([{ field: 'page_size', description: `Invalid value at 'page_size' (TYPE_INT32), "ten"` }]);
		});

		it('refuses values of the wrong type: a number for a string, an object for a number, a list for a single field, two members of a oneof', async () => {
			const labels = await api('POST', `${parent}/endpoints`, { displayName: 'x', labels: { k: 1 } });
			expect(labels.status).toBe(400);
			expect(violations(labels)).toEqual([{ field: 'endpoint.labels[0].value', description: `Invalid value at 'endpoint.labels[0].value' (TYPE_STRING), 1` }]);
			const name = await api('POST', `${parent}/models:upload`, { model: { displayName: 5, containerSpec: spec } });
			expect(violations(name)).toEqual([{ field: 'model.display_name', description: `Invalid value at 'model.display_name' (TYPE_STRING), 5` }]);
			const list = await api('POST', `${parent}/models:upload`, { model: { displayName: ['a'], containerSpec: spec } });
			expect(violations(list)[0]?.description).toBe(`Invalid JSON payload received. Unknown name "displayName" at 'model': Proto field is not repeating, cannot start list.`);
			const replicas = await api('POST', `/v1/${endpoint.name}:deployModel`, {
				deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: { n: 1 } } },
			});
			expect(violations(replicas)[0]?.field).toBe('deployed_model.dedicated_resources.min_replica_count');
			const both = await api('POST', `/v1/${endpoint.name}:deployModel`, {
				deployedModel: { model: modelName, dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1 }, automaticResources: { minReplicaCount: 1 } },
			});
			expect(violations(both)[0]?.description).toContain("oneof field 'prediction_resources' is already set");
			const timeout = await api('POST', `${parent}/endpoints`, { displayName: 'x', clientConnectionConfig: { inferenceTimeout: '10' } });
			expect(violations(timeout)[0]?.description).toBe(
				`Invalid value at 'endpoint.client_connection_config.inference_timeout' (type.googleapis.com/google.protobuf.Duration), Illegal duration format; duration must end with 's'`,
			);
		});

		it('lists the REQUIRED fields a request leaves unset, from the protos', async () => {
			const empty = await api('POST', `${parent}/models:upload`, {});
			expect(violations(empty)).toEqual([{ field: 'model', description: 'Required field is not set.' }]);
			const noDeployed = await api('POST', `/v1/${endpoint.name}:undeployModel`, {});
			expect(noDeployed.json.error.message).toBe('List of found errors:\t1.Field: deployed_model_id; Message: Required field is not set.\t');
			const env = await api('POST', `${parent}/models:upload`, { model: { displayName: 'x', containerSpec: { ...spec, env: [{ value: 'v' }] } } });
			expect(violations(env)).toEqual([{ field: 'model.container_spec.env[0].name', description: 'Required field is not set.' }]);
		});
	});

	describe('proto3 JSON as Google reads and writes it (point 7)', () => {
		it('takes proto field names as well as lowerCamel ones, and integers given as strings', async () => {
			const started = await api('POST', `${parent}/models:upload`, {
				model_id: 'snake-model',
				model: { display_name: 'snake', container_spec: { image_uri: 'emulator/sample-model-server', invoke_route_prefix: '/*', shared_memory_size_mb: 64, ports: [{ container_port: '8080' }] } },
			});
			expect(started.status).toBe(200);
			await pollOperation(api, started.json.name);
			const model = (await api('GET', `${parent}/models/snake-model`)).json;
			expect(model.displayName).toBe('snake');
			// int64 is answered as a string, int32 as a number, whatever way they came.
			expect(model.containerSpec).toEqual({ imageUri: 'emulator/sample-model-server', invokeRoutePrefix: '/*', sharedMemorySizeMb: '64', ports: [{ containerPort: 8080 }] });

			const deployed = await api('POST', `/v1/${endpoint.name}:deployModel`, {
				deployed_model: { model: modelName, dedicated_resources: { machine_spec: { machine_type: 'n1-standard-4' }, min_replica_count: '1', max_replica_count: '1' } },
			});
			expect(deployed.status).toBe(200);
			const { op } = await pollOperation(api, deployed.json.name);
			expect(op.response.deployedModel.dedicatedResources).toEqual({ machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1, maxReplicaCount: 1 });
		});

		it('leaves out empty maps, empty lists, nulls and default values, and ignores output-only fields sent back', async () => {
			const created = await createEndpoint(api, emulator, { labels: {}, description: '', trafficSplit: null, createTime: '2020-01-01T00:00:00Z', deployedModels: [] }, 'defaults-endpoint');
			expect(created).not.toHaveProperty('labels');
			expect(created).not.toHaveProperty('description');
			expect(created).not.toHaveProperty('trafficSplit');
			expect(created).not.toHaveProperty('deployedModels');
			expect(created.createTime).not.toBe('2020-01-01T00:00:00Z');
			const model = (await api('GET', `/v1/${modelName}`)).json;
			expect(Object.values(model).some((value) => Array.isArray(value) && value.length === 0)).toBe(false);
		});
	});
});
