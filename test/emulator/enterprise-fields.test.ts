/**
 * The fields enterprise deployments use, each checked as Vertex checks it and shown on GET: Private
 * Service Connect, CMEK, labels, request/response logging, inference timeout (endpoints); CMEK, PATCH
 * and version aliases (models); reservations, GPU partitions, TPU topology, required replicas,
 * autoscaling metrics, fast try-out and shared resources (deploy).
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, parentPath, pollOperation, uploadModel, type Answer, type Api } from './helpers';

const KMS = (location: string): string => `projects/keys/locations/${location}/keyRings/ring/cryptoKeys/key`;
const RESERVATION = 'projects/p1/zones/us-central1-a/reservations/h100-pool';

/** The fields of an INVALID_ARGUMENT's BadRequest violations (or the message when it has none). */
function refusedFields(answer: Answer): string[] {
	expect(answer.status).toBe(400);
	expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
	const violations = answer.json.error.details?.[0]?.fieldViolations as Array<{ field?: string }> | undefined;
	return violations?.map((v) => v.field ?? '') ?? [answer.json.error.message];
}

/** The descriptions of an INVALID_ARGUMENT's violations: Google's front-end wording for type and enum errors. */
function refusedDescriptions(answer: Answer): string[] {
	expect(answer.status).toBe(400);
	return (answer.json.error.details[0].fieldViolations as Array<{ description: string }>).map((v) => v.description);
}

describe('emulator enterprise deployment fields', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let parent: string;
	let modelName: string;
	let endpointName: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5, stopGraceMs: 1000 });
		api = apiClient(emulator, await accessToken(emulator));
		parent = parentPath(emulator);
		modelName = (await uploadModel(api, emulator, { modelId: 'ent-model' })).modelName;
		endpointName = (await createEndpoint(api, emulator, {}, 'ent-endpoint')).name;
	});
	afterAll(() => emulator.close());

	const create = (body: Record<string, unknown>): Promise<Answer> => api('POST', `${parent}/endpoints`, { displayName: 'e', ...body });

	describe('endpoints', () => {
		const psc = { enablePrivateServiceConnect: true, projectAllowlist: ['consumer-project'], pscAutomationConfigs: [{ projectId: 'consumer-project', network: 'projects/consumer-project/global/networks/default' }] };

		it('records a PSC endpoint with CMEK, labels, logging and timeout, and shows PSC results on GET', async () => {
			const made = await createEndpoint(api, emulator, {
				privateServiceConnectConfig: psc,
				encryptionSpec: { kmsKeyName: KMS(emulator.location) },
				labels: { team: 'ml', env: 'prod' },
				predictRequestResponseLoggingConfig: { enabled: true, samplingRate: 0.25, bigqueryDestination: { outputUri: 'bq://proj.dataset.table' } },
				clientConnectionConfig: { inferenceTimeout: '120s' },
			}, 'psc-fields');
			const got = (await api('GET', `/v1/${made.name}`)).json;
			expect(got.encryptionSpec).toEqual({ kmsKeyName: KMS(emulator.location) });
			expect(got.labels).toEqual({ team: 'ml', env: 'prod' });
			expect(got.predictRequestResponseLoggingConfig).toEqual({ enabled: true, samplingRate: 0.25, bigqueryDestination: { outputUri: 'bq://proj.dataset.table' } });
			expect(got.clientConnectionConfig).toEqual({ inferenceTimeout: '120s' });
			expect(got.privateServiceConnectConfig.serviceAttachment).toMatch(/^projects\/[^/]+\/regions\/us-central1\/serviceAttachments\//);
			expect(got.privateServiceConnectConfig.pscAutomationConfigs[0]).toMatchObject({
				projectId: 'consumer-project',
				network: 'projects/consumer-project/global/networks/default',
				state: 'PSC_AUTOMATION_STATE_SUCCESSFUL',
				ipAddress: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
				forwardingRule: expect.stringContaining('/forwardingRules/'),
			});
		});

		it('ignores PSC output-only fields a caller sends back', async () => {
			const made = await createEndpoint(api, emulator, {
				privateServiceConnectConfig: { ...psc, serviceAttachment: 'mine', pscAutomationConfigs: [{ ...psc.pscAutomationConfigs[0], ipAddress: '1.2.3.4', state: 'PSC_AUTOMATION_STATE_FAILED' }] },
			});
			expect(made.privateServiceConnectConfig.serviceAttachment).not.toBe('mine');
			expect(made.privateServiceConnectConfig.pscAutomationConfigs[0].state).toBe('PSC_AUTOMATION_STATE_SUCCESSFUL');
		});

		it.each([
			['a bad automation network', { privateServiceConnectConfig: { ...psc, pscAutomationConfigs: [{ projectId: 'consumer-project', network: 'default' }] } }, 'endpoint.private_service_connect_config.psc_automation_configs[0].network'],
			['an automation project outside the allowlist', { privateServiceConnectConfig: { ...psc, pscAutomationConfigs: [{ projectId: 'other-project', network: 'projects/other-project/global/networks/n' }] } }, 'endpoint.private_service_connect_config.psc_automation_configs[0].project_id'],
			['a bad allowlisted project', { privateServiceConnectConfig: { ...psc, projectAllowlist: ['Not A Project'] } }, 'endpoint.private_service_connect_config.project_allowlist[0]'],
			['PSC configs while PSC is off', { privateServiceConnectConfig: { ...psc, enablePrivateServiceConnect: false } }, 'endpoint.private_service_connect_config.enable_private_service_connect'],
			['PSC together with VPC peering', { privateServiceConnectConfig: psc, network: 'projects/1/global/networks/n' }, 'endpoint.network'],
			['a KMS key that is not a key name', { encryptionSpec: { kmsKeyName: 'my-key' } }, 'endpoint.encryption_spec.kms_key_name'],
			['a KMS key in another region', { encryptionSpec: { kmsKeyName: KMS('europe-west4') } }, 'endpoint.encryption_spec.kms_key_name'],
			['a label key with capitals', { labels: { Team: 'ml' } }, 'endpoint.labels'],
			['a label value too long', { labels: { team: 'x'.repeat(64) } }, 'endpoint.labels'],
			['a sampling rate above 1', { predictRequestResponseLoggingConfig: { enabled: true, samplingRate: 1.5, bigqueryDestination: { outputUri: 'bq://p.d.t' } } }, 'endpoint.predict_request_response_logging_config.sampling_rate'],
			['a negative sampling rate', { predictRequestResponseLoggingConfig: { samplingRate: -0.1 } }, 'endpoint.predict_request_response_logging_config.sampling_rate'],
			['logging enabled without a table', { predictRequestResponseLoggingConfig: { enabled: true, samplingRate: 0.5 } }, 'endpoint.predict_request_response_logging_config.bigquery_destination'],
			['a BigQuery destination that is not bq://', { predictRequestResponseLoggingConfig: { enabled: true, bigqueryDestination: { outputUri: 'gs://bucket' } } }, 'endpoint.predict_request_response_logging_config.bigquery_destination.output_uri'],
			['an inference timeout over an hour', { clientConnectionConfig: { inferenceTimeout: '3601s' } }, 'endpoint.client_connection_config.inference_timeout'],
		])('refuses %s', async (_what, body, field) => {
			expect(refusedFields(await create(body))).toContain(field);
		});

		it('refuses wrong types and unset REQUIRED fields by the contract (sampling rate as text, PSC switch as text, network, KMS key)', async () => {
			expect(refusedDescriptions(await create({ predictRequestResponseLoggingConfig: { samplingRate: 'half' } }))[0]).toContain("Invalid value at 'endpoint.predict_request_response_logging_config.sampling_rate' (TYPE_DOUBLE)");
			expect(refusedDescriptions(await create({ privateServiceConnectConfig: { enablePrivateServiceConnect: 'yes' } }))[0]).toContain('TYPE_BOOL');
			expect(refusedFields(await create({ privateServiceConnectConfig: { projectAllowlist: ['p'] } }))).toContain('endpoint.private_service_connect_config.enable_private_service_connect');
			expect(refusedFields(await create({ privateServiceConnectConfig: { enablePrivateServiceConnect: true, pscAutomationConfigs: [{ projectId: 'consumer-project' }] } }))).toContain('endpoint.private_service_connect_config.psc_automation_configs[0].network');
			expect(refusedFields(await create({ encryptionSpec: {} }))).toContain('endpoint.encryption_spec.kms_key_name');
		});

		it('PATCHes labels, request/response logging and the inference timeout, which invoke then follows', async () => {
			const patch = (mask: string, body: Record<string, unknown>): Promise<Answer> => api('PATCH', `/v1/${endpointName}?updateMask=${encodeURIComponent(mask)}`, body);
			const updated = await patch('labels,predict_request_response_logging_config,client_connection_config', {
				labels: { team: 'ml' },
				predictRequestResponseLoggingConfig: { enabled: true, samplingRate: 0.5, bigqueryDestination: { outputUri: 'bq://p.d' } },
				clientConnectionConfig: { inferenceTimeout: '1s' },
			});
			expect(updated.status).toBe(200);
			const got = (await api('GET', `/v1/${endpointName}`)).json;
			expect(got).toMatchObject({ labels: { team: 'ml' }, predictRequestResponseLoggingConfig: { samplingRate: 0.5 }, clientConnectionConfig: { inferenceTimeout: '1s' } });
			expect(refusedFields(await patch('predictRequestResponseLoggingConfig', { predictRequestResponseLoggingConfig: { samplingRate: 2 } }))).toContain('endpoint.predict_request_response_logging_config.sampling_rate');
			expect(refusedFields(await patch('clientConnectionConfig.inferenceTimeout', { clientConnectionConfig: { inferenceTimeout: '0s' } }))).toContain('endpoint.client_connection_config.inference_timeout');
			expect(refusedFields(await patch('labels', { labels: { '1bad': 'x' } }))).toContain('endpoint.labels');
			expect(refusedFields(await patch('encryption_spec', { encryptionSpec: { kmsKeyName: KMS('us-central1') } }))).toContain('update_mask');
			const cleared = await patch('client_connection_config', {});
			expect(cleared.json.clientConnectionConfig).toBeUndefined();
		});
	});

	describe('models', () => {
		it('records CMEK on upload and refuses a bad key', async () => {
			const ok = await api('POST', `${parent}/models:upload`, { modelId: 'cmek-model', model: { displayName: 'm', encryptionSpec: { kmsKeyName: KMS(emulator.location) }, containerSpec: { imageUri: 'emulator/sample-model-server' } } });
			await pollOperation(api, ok.json.name);
			expect((await api('GET', `${parent}/models/cmek-model`)).json.encryptionSpec).toEqual({ kmsKeyName: KMS(emulator.location) });
			const bad = await api('POST', `${parent}/models:upload`, { model: { displayName: 'm', encryptionSpec: { kmsKeyName: 'k' }, labels: { A: 'b' }, containerSpec: { imageUri: 'x' } } });
			expect(refusedFields(bad)).toEqual(['model.labels', 'model.encryption_spec.kms_key_name']);
		});

		it('PATCHes display name, description and labels by update mask; version fields on a version only', async () => {
			const updated = await api('PATCH', `/v1/${modelName}?updateMask=display_name,description,labels`, { displayName: 'renamed', description: 'chat', labels: { stage: 'prod' } });
			expect(updated.status).toBe(200);
			expect(updated.json).toMatchObject({ displayName: 'renamed', description: 'chat', labels: { stage: 'prod' } });
			expect((await api('GET', `/v1/${modelName}`)).json.displayName).toBe('renamed');
			const version = await api('PATCH', `/v1/${modelName}@1?updateMask=versionDescription`, { versionDescription: 'first' });
			expect(version.json.versionDescription).toBe('first');
			expect(refusedFields(await api('PATCH', `/v1/${modelName}@1?updateMask=display_name`, { displayName: 'x' }))).toEqual(['update_mask']);
			expect(refusedFields(await api('PATCH', `/v1/${modelName}?updateMask=version_description`, { versionDescription: 'x' }))).toEqual(['update_mask']);
			expect(refusedFields(await api('PATCH', `/v1/${modelName}?updateMask=display_name`, {}))).toEqual(['model.display_name']);
			expect(refusedFields(await api('PATCH', `/v1/${modelName}?updateMask=container_spec`, {}))).toEqual(['update_mask']);
			expect(refusedFields(await api('PATCH', `/v1/${modelName}`, { displayName: 'x' }))).toEqual(['update_mask']);
		});

		it('adds and removes version aliases with :mergeVersionAliases', async () => {
			const merged = await api('POST', `/v1/${modelName}@1:mergeVersionAliases`, { versionAliases: ['prod', 'canary'] });
			expect(merged.status).toBe(200);
			expect(merged.json.versionAliases).toEqual(['default', 'prod', 'canary']);
			const removed = await api('POST', `/v1/${modelName}@prod:mergeVersionAliases`, { versionAliases: ['-canary'] });
			expect(removed.json.versionAliases).toEqual(['default', 'prod']);
			expect(refusedFields(await api('POST', `/v1/${modelName}@1:mergeVersionAliases`, { versionAliases: ['Bad_Alias'] }))).toEqual(['version_aliases[0]']);
			expect(refusedFields(await api('POST', `/v1/${modelName}@1:mergeVersionAliases`, { versionAliases: ['-default'] }))).toEqual(['version_aliases[0]']);
			expect(refusedFields(await api('POST', `/v1/${modelName}@1:mergeVersionAliases`, {}))).toEqual(['version_aliases']);
			expect(refusedFields(await api('POST', `/v1/${modelName}:mergeVersionAliases`, { versionAliases: ['x1'] }))).toEqual(['name']);
		});
	});

	describe('deploy', () => {
		const machine = { machineType: 'a3-highgpu-1g', acceleratorType: 'NVIDIA_H100_80GB', acceleratorCount: 1 };
		const deployBody = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
			deployedModel: { model: modelName, dedicatedResources: { machineSpec: machine, minReplicaCount: 1, maxReplicaCount: 2, ...resources }, ...extra },
		});
		const startDeploy = (body: Record<string, unknown>, version = 'v1'): Promise<Answer> => api('POST', `/${version}/${endpointName}:deployModel`, body);

		it('records a reserved-GPU deploy with required replicas, several autoscaling metrics and fast try-out, shown on GET', async () => {
			const started = await startDeploy(
				deployBody(
					{
						machineSpec: { ...machine, reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [RESERVATION] } },
						requiredReplicaCount: 1,
						autoscalingMetricSpecs: [
							{ metricName: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc', target: 70 },
							{ metricName: 'prometheus.googleapis.com/vertex_vllm_num_requests_waiting', target: 10 },
							{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 300 },
							{ metricName: 'prometheus.googleapis.com/vertex_dcgm_fi_dev_gpu_util', target: 80 },
							{ metricName: 'pubsub.googleapis.com/subscription/num_undelivered_messages', target: 100 },
						],
					},
					{ fasterDeploymentConfig: { fastTryoutEnabled: true } },
				),
			);
			expect(started.status).toBe(200);
			const { op } = await pollOperation(api, started.json.name);
			expect(op.error).toBeUndefined();
			const got = (await api('GET', `/v1/${endpointName}`)).json;
			const deployed = got.deployedModels.find((d: { id: string }) => d.id === op.response.deployedModel.id);
			expect(deployed.dedicatedResources.machineSpec.reservationAffinity).toEqual({ reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [RESERVATION] });
			expect(deployed.dedicatedResources.requiredReplicaCount).toBe(1);
			expect(deployed.dedicatedResources.autoscalingMetricSpecs).toHaveLength(5);
			expect(deployed.fasterDeploymentConfig).toEqual({ fastTryoutEnabled: true });
			expect(deployed.status.availableReplicaCount).toBe(1);
			await pollOperation(api, (await api('POST', `/v1/${endpointName}:undeployModel`, { deployedModelId: deployed.id })).json.name);
		});

		it.each([
			['SPECIFIC_RESERVATION without key or values', { machineSpec: { ...machine, reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION' } } }, ['deployed_model.dedicated_resources.machine_spec.reservation_affinity.key', 'deployed_model.dedicated_resources.machine_spec.reservation_affinity.values']],
			['a reservation value that is not a full name', { machineSpec: { ...machine, reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: ['h100-pool'] } } }, ['deployed_model.dedicated_resources.machine_spec.reservation_affinity.values[0]']],
			['another reservation key', { machineSpec: { ...machine, reservationAffinity: { reservationAffinityType: 'SPECIFIC_RESERVATION', key: 'team', values: [RESERVATION] } } }, ['deployed_model.dedicated_resources.machine_spec.reservation_affinity.key']],
			['ANY_RESERVATION with values', { machineSpec: { ...machine, reservationAffinity: { reservationAffinityType: 'ANY_RESERVATION', values: [RESERVATION] } } }, ['deployed_model.dedicated_resources.machine_spec.reservation_affinity']],
			['no reservation affinity type', { machineSpec: { ...machine, reservationAffinity: { key: 'compute.googleapis.com/reservation-name' } } }, ['deployed_model.dedicated_resources.machine_spec.reservation_affinity.reservation_affinity_type']],
			['a GPU partition with two GPUs', { machineSpec: { ...machine, acceleratorCount: 2, gpuPartitionSize: '1g.10gb' } }, ['deployed_model.dedicated_resources.machine_spec.accelerator_count']],
			['a GPU partition that is no MIG profile', { machineSpec: { ...machine, gpuPartitionSize: 'half' } }, ['deployed_model.dedicated_resources.machine_spec.gpu_partition_size']],
			['a TPU topology that is no topology', { machineSpec: { machineType: 'ct5lp-hightpu-4t', tpuTopology: '2 by 2' } }, ['deployed_model.dedicated_resources.machine_spec.tpu_topology']],
			['required replicas above the maximum', { requiredReplicaCount: 3 }, ['deployed_model.dedicated_resources.required_replica_count']],
			['an unknown autoscaling metric', { autoscalingMetricSpecs: [{ metricName: 'gpu/util', target: 50 }] }, ['deployed_model.dedicated_resources.autoscaling_metric_specs[0].metric_name']],
			['the same metric twice', { autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 50 }, { metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 60 }] }, ['deployed_model.dedicated_resources.autoscaling_metric_specs[1].metric_name']],
			['a utilisation target over 100', { autoscalingMetricSpecs: [{ metricName: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc', target: 150 }] }, ['deployed_model.dedicated_resources.autoscaling_metric_specs[0].target']],
			['a count metric without a target', { autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/request_count' }] }, ['deployed_model.dedicated_resources.autoscaling_metric_specs[0].target']],
			['a metric without a name', { autoscalingMetricSpecs: [{ target: 50 }] }, ['deployed_model.dedicated_resources.autoscaling_metric_specs[0].metric_name']],
			['min replicas 0 in v1', { minReplicaCount: 0 }, ['deployed_model.dedicated_resources.min_replica_count']],
		])('refuses %s', async (_what, resources, fields) => {
			expect(refusedFields(await startDeploy(deployBody(resources)))).toEqual(fields);
		});

		it('refuses an unknown reservation type and a target that is not an integer, by the contract', async () => {
			const badEnum = await startDeploy(deployBody({ machineSpec: { ...machine, reservationAffinity: { reservationAffinityType: 'SOME_RESERVATION' } } }));
			expect(refusedDescriptions(badEnum)[0]).toContain("Invalid value at 'deployed_model.dedicated_resources.machine_spec.reservation_affinity.reservation_affinity_type' (type.googleapis.com/google.cloud.aiplatform.v1.ReservationAffinity.Type)");
			const badTarget = await startDeploy(deployBody({ autoscalingMetricSpecs: [{ metricName: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 'high' }] }));
			expect(refusedDescriptions(badTarget)[0]).toContain('(TYPE_INT32)');
		});

		it('takes shared resources or dedicated resources, never both (a oneof), and only a pool that exists', async () => {
			const both = await startDeploy(deployBody({}, { sharedResources: `${parent.slice(4)}/deploymentResourcePools/pool-a` }));
			expect(refusedDescriptions(both)[0]).toMatch(/oneof field 'prediction_resources' is already set/);
			const missing = await startDeploy({ deployedModel: { model: modelName, sharedResources: `${parent.slice(4)}/deploymentResourcePools/nope` } });
			expect(missing.status).toBe(404);
			const foreign = await startDeploy({ deployedModel: { model: modelName, sharedResources: 'projects/other/locations/us-central1/deploymentResourcePools/p' } });
			expect(refusedFields(foreign)).toEqual(['deployed_model.shared_resources']);
			const neither = await startDeploy({ deployedModel: { model: modelName } });
			expect(refusedFields(neither)).toEqual(['deployed_model.dedicated_resources']);
		});
	});

	describe('deployment resource pools', () => {
		const poolBody = (id: string, resources: Record<string, unknown> = {}): Record<string, unknown> => ({
			deploymentResourcePoolId: id,
			deploymentResourcePool: { dedicatedResources: { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 }, minReplicaCount: 1, maxReplicaCount: 2, ...resources } },
		});

		it('creates (an operation), gets, lists, serves a deployed model and refuses deletion while in use', async () => {
			const started = await api('POST', `${parent}/deploymentResourcePools`, poolBody('pool-a'));
			expect(started.status).toBe(200);
			expect(started.json.name).toMatch(/\/deploymentResourcePools\/pool-a\/operations\/\d+$/);
			const { op } = await pollOperation(api, started.json.name);
			expect(op.response['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.DeploymentResourcePool');
			const poolName = op.response.name as string;
			expect(poolName).toBe(`projects/${emulator.projectNumber}/locations/${emulator.location}/deploymentResourcePools/pool-a`);
			expect((await api('GET', `/v1/${poolName}`)).json.dedicatedResources.maxReplicaCount).toBe(2);
			expect((await api('GET', `${parent}/deploymentResourcePools`)).json.deploymentResourcePools.map((p: { name: string }) => p.name)).toEqual([poolName]);
			expect((await api('POST', `${parent}/deploymentResourcePools`, poolBody('pool-a'))).status).toBe(409);

			const deployed = await api('POST', `/v1/${endpointName}:deployModel`, { deployedModel: { model: modelName, sharedResources: poolName } });
			const done = await pollOperation(api, deployed.json.name);
			expect(done.op.error).toBeUndefined();
			const deployedId = done.op.response.deployedModel.id as string;
			expect((await api('GET', `/v1/${endpointName}`)).json.deployedModels.find((d: { id: string }) => d.id === deployedId).sharedResources).toBe(poolName);
			const refused = await api('DELETE', `/v1/${poolName}`);
			expect(refused.status).toBe(400);
			expect(refused.json.error.status).toBe('FAILED_PRECONDITION');
			await pollOperation(api, (await api('POST', `/v1/${endpointName}:undeployModel`, { deployedModelId: deployedId })).json.name);
			const deleted = await api('DELETE', `/v1/${poolName}`);
			expect(deleted.json.done).toBe(true);
			expect((await api('GET', `/v1/${poolName}`)).status).toBe(404);
		});

		it(':queryDeployedModels names the deployed models on a pool, page by page, with the totals', async () => {
			const poolName = (await pollOperation(api, (await api('POST', `${parent}/deploymentResourcePools`, poolBody('pool-q'))).json.name)).op.response.name as string;
			const query = (params = '') => api('GET', `/v1/${poolName}:queryDeployedModels${params}`);
			expect((await query()).json).toEqual({});
			const otherEndpoint = (await createEndpoint(api, emulator, {}, 'ent-endpoint-2')).name as string;
			const ids: Array<[string, string]> = [];
			for (const target of [endpointName, endpointName, otherEndpoint]) {
				const { op } = await pollOperation(api, (await api('POST', `/v1/${target}:deployModel`, { deployedModel: { model: modelName, sharedResources: poolName } })).json.name);
				expect(op.error).toBeUndefined();
				ids.push([target, op.response.deployedModel.id]);
			}
			const toRef = ([target, id]: [string, string]) => ({ endpoint: target.replace(/^projects\/[^/]+\//, `projects/${emulator.projectNumber}/`), deployedModelId: id });
			const first = (await query('?pageSize=2')).json;
			expect(first).toMatchObject({ deployedModelRefs: ids.slice(0, 2).map(toRef), totalDeployedModelCount: 3, totalEndpointCount: 2 });
			const second = (await query(`?pageSize=2&pageToken=${first.nextPageToken}`)).json;
			expect(second).toEqual({ deployedModelRefs: ids.slice(2).map(toRef), totalDeployedModelCount: 3, totalEndpointCount: 2 });
			expect((await api('GET', `/v1/${poolName.replace(/pool-q$/, 'nope')}:queryDeployedModels`)).status).toBe(404);
			expect(refusedFields(await query('?pageSize=x'))[0]).toMatch(/page_size/);

			const refused = await api('DELETE', `/v1/${poolName}`);
			expect(refused.json.error.status).toBe('FAILED_PRECONDITION');
			for (const [, id] of ids) expect(refused.json.error.message).toContain(id);
			for (const [target, id] of ids) await pollOperation(api, (await api('POST', `/v1/${target}:undeployModel`, { deployedModelId: id })).json.name);
			expect((await query()).json).toEqual({});
			expect((await api('DELETE', `/v1/${poolName}`)).json.done).toBe(true);
		});

		it('refuses deleting a pool while a deploy onto it is still running', async () => {
			const poolName = (await pollOperation(api, (await api('POST', `${parent}/deploymentResourcePools`, poolBody('pool-busy'))).json.name)).op.response.name as string;
			const slow = (await uploadModel(api, emulator, { modelId: 'ent-slow', args: ['--health-delay-ms=1500'] })).modelName;
			const started = await api('POST', `/v1/${endpointName}:deployModel`, { deployedModel: { model: slow, sharedResources: poolName } });
			const refused = await api('DELETE', `/v1/${poolName}`);
			expect(refused.status).toBe(400);
			expect(refused.json.error.status).toBe('FAILED_PRECONDITION');
			const { op } = await pollOperation(api, started.json.name);
			expect(op.error).toBeUndefined();
			await pollOperation(api, (await api('POST', `/v1/${endpointName}:undeployModel`, { deployedModelId: op.response.deployedModel.id })).json.name);
			expect((await api('DELETE', `/v1/${poolName}`)).json.done).toBe(true);
		});

		it('updates a pool (PATCH, an operation): the mask\'s fields change and its deployed models run the new replica count', async () => {
			const poolName = (await pollOperation(api, (await api('POST', `${parent}/deploymentResourcePools`, poolBody('pool-u'))).json.name)).op.response.name as string;
			const { op: deployed } = await pollOperation(api, (await api('POST', `/v1/${endpointName}:deployModel`, { deployedModel: { model: modelName, sharedResources: poolName } })).json.name);
			const id = deployed.response.deployedModel.id as string;
			const processes = () => emulator.processes().filter((p) => p.deployedModelId === id);
			expect(processes()).toHaveLength(1);
			const patch = (mask: string, body: Record<string, unknown>) => api('PATCH', `/v1/${poolName}?updateMask=${mask}`, body);
			const resources = { machineSpec: { machineType: 'g2-standard-12', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 } };
			const started = await patch('dedicated_resources.min_replica_count,dedicatedResources.maxReplicaCount,disable_container_logging', { dedicatedResources: { ...resources, minReplicaCount: 2, maxReplicaCount: 3 }, disableContainerLogging: true });
			expect(started.status).toBe(200);
			expect(started.json.metadata['@type']).toBe('type.googleapis.com/google.cloud.aiplatform.v1.UpdateDeploymentResourcePoolOperationMetadata');
			const { op } = await pollOperation(api, started.json.name);
			expect(op.error).toBeUndefined();
			expect(op.response).toMatchObject({ '@type': 'type.googleapis.com/google.cloud.aiplatform.v1.DeploymentResourcePool', name: poolName, disableContainerLogging: true, dedicatedResources: { minReplicaCount: 2, maxReplicaCount: 3 } });
			expect((await api('GET', `/v1/${poolName}`)).json).toMatchObject({ disableContainerLogging: true, dedicatedResources: { ...resources, minReplicaCount: 2, maxReplicaCount: 3 } });
			expect(processes()).toHaveLength(2);

			// Only the mask's fields change: a machine type in the body is ignored without the path, refused with it.
			await pollOperation(api, (await patch('dedicated_resources.min_replica_count', { dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1 } })).json.name);
			expect((await api('GET', `/v1/${poolName}`)).json.dedicatedResources).toMatchObject({ ...resources, minReplicaCount: 1, maxReplicaCount: 3 });
			expect(processes()).toHaveLength(1);
			expect(refusedDescriptions(await patch('dedicated_resources.machine_spec', { dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' } } }))[0]).toMatch(/Unsupported update_mask path "dedicated_resources.machine_spec"/);
			expect(refusedFields(await patch('', { disableContainerLogging: false }))).toEqual(['update_mask']);
			expect(refusedFields(await patch('dedicated_resources.min_replica_count', { dedicatedResources: { minReplicaCount: 0 } }))).toEqual(['deployment_resource_pool.dedicated_resources.min_replica_count']);
			expect(refusedFields(await patch('dedicated_resources.max_replica_count', { dedicatedResources: { maxReplicaCount: -1 } }))).toEqual(['deployment_resource_pool.dedicated_resources.max_replica_count']);
			expect((await api('PATCH', `/v1/${poolName.replace(/pool-u$/, 'nope')}?updateMask=disable_container_logging`, {})).status).toBe(404);

			await pollOperation(api, (await api('POST', `/v1/${endpointName}:undeployModel`, { deployedModelId: id })).json.name);
			expect((await api('DELETE', `/v1/${poolName}`)).json.done).toBe(true);
		});

		it.each([
			['a bad id', poolBody('Pool_A'), ['deployment_resource_pool_id']],
			['no id', { deploymentResourcePool: (poolBody('x') as { deploymentResourcePool: unknown }).deploymentResourcePool }, ['deployment_resource_pool_id']],
			['no dedicated resources', { deploymentResourcePoolId: 'p2', deploymentResourcePool: {} }, ['deployment_resource_pool.dedicated_resources']],
			['min replicas 0', poolBody('p3', { minReplicaCount: 0 }), ['deployment_resource_pool.dedicated_resources.min_replica_count']],
			['an unknown autoscaling metric', poolBody('p4', { autoscalingMetricSpecs: [{ metricName: 'x', target: 1 }] }), ['deployment_resource_pool.dedicated_resources.autoscaling_metric_specs[0].metric_name']],
		])('refuses a pool with %s', async (_what, body, fields) => {
			const answer = await api('POST', `${parent}/deploymentResourcePools`, body);
			expect(refusedFields(answer)).toEqual(expect.arrayContaining(fields));
		});

		it('is dropped, with every other resource, by POST /emulator/reset?resources=true', async () => {
			await pollOperation(api, (await api('POST', `${parent}/deploymentResourcePools`, poolBody('pool-reset'))).json.name);
			expect(((await (await fetch(`${emulator.baseUrl}/emulator/stats`)).json()) as { deploymentResourcePools: number }).deploymentResourcePools).toBe(1);
			expect((await fetch(`${emulator.baseUrl}/emulator/reset?resources=true`, { method: 'POST' })).status).toBe(200);
			expect((await api('GET', `${parent}/deploymentResourcePools/pool-reset`)).status).toBe(404);
		});
	});
});
