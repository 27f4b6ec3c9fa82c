/**
 * Good and bad values for each of Vertex's id rules (lib/rules/ids.ts): what the core must accept and refuse,
 * and the corpus the nodes' editor checks are run over to show they agree with the core.
 */
import { VERTEX_LOCATIONS } from '../../../lib';

export interface Corpus {
	good: string[];
	bad: string[];
}

/** Values no rule may accept: they would change a URL's path, or are not text a name can hold. */
export const HOSTILE = ['', '.', '..', '../x', 'a/b', 'a%2fb', '%2e%2e', 'a?b', 'a#b', 'a\\b', 'a b', ' a', 'a\n', 'a\u0000b', 'a\u2024b'];

const long = (length: number, char = 'a') => char.repeat(length);

export const CORPUS = {
	CALLER_ID: {
		good: ['m', 'my-model-1', `a${long(61, 'b')}c`, '1', '123456789', 'a1'],
		bad: ['0', '0123', '1234567890', 'My-model', 'my-model-', '-m', 'm_1', long(64), 'm.1', '1a'],
	},
	RESOURCE_ID: {
		good: ['m', 'my-model-1', '123456789', '1234567890123456789', `a${long(62, 'b')}`],
		bad: ['0', '0123', 'a-', 'A', long(64), long(21, '1'), 'm_1', '1a', '-1'],
	},
	PROJECT: {
		good: ['my-project', 'test-project', '123456789012', 'example.com:my-project', 'a.b-c.example:my-project', `a${long(29, 'b')}`],
		bad: ['p', 'my-proj-', '1project', 'example..com:my-project', ':my-project', 'My-project', `a${long(30, 'b')}`, '0123', '-ab-cdef', 'example.com:'],
	},
	LOCATION: {
		good: [...VERTEX_LOCATIONS],
		bad: ['US-CENTRAL1', 'us--central1', 'us-central1-', long(200), '1us', '-us', 'us_central1'],
	},
	MODEL_VERSION: {
		good: ['1', '42', 'default', 'v2-beta', 'vA1', long(128)],
		bad: ['0', '0123', 'V2', 'v2-', '-v2', long(129), 'v_2', 'v'],
	},
	VERSION_ALIAS: {
		good: ['default', 'v2-beta', 'aB1', 'ab'],
		bad: ['1', 'v', 'V2', 'v2-', long(129), 'v_2'],
	},
	DEPLOYED_MODEL_ID: {
		good: ['0', '1', '0123', '7610156111225969199', long(20, '9')],
		bad: ['dm1', long(21, '1'), '-1', '1.5'],
	},
	DEPLOYED_MODEL_NUMBER: {
		good: ['1', '7610156111225969199'],
		bad: ['0', '0123', 'dm1', long(21, '1')],
	},
	NEW_TRAFFIC_SPLIT_KEY: {
		good: ['0', '1', '7610156111225969199'],
		bad: ['00', '0123', 'x', long(21, '1')],
	},
	SERVICE_ACCOUNT_EMAIL: {
		good: ['name@my-project.iam.gserviceaccount.com', 'deployer@p.iam.gserviceaccount.com', 'a@b.c'],
		bad: ['name', 'a b@c.d', 'a@b', '@b.c', 'a@@b.c', 'a@b .c'],
	},
	MACHINE_TYPE: {
		good: ['n1-standard-4', 'g2-standard-12', 'a3-highgpu-8g', 'ct5lp-hightpu-4t', 'e2-micro'],
		bad: ['n1', 'N1-standard-4', 'n1-standard-', '-n1-standard', 'n1--standard', 'n1_standard_4', long(5000, 'a') + '!'],
	},
	ENV_VAR_NAME: {
		good: ['A', '_', 'MODEL_PATH', 'port_2', `A${long(300, 'b')}`],
		bad: ['1A', 'A-B', 'A.B', 'A=B', long(5000, 'A') + '-'],
	},
	LABEL_KEY: {
		good: ['env', 'é-x', 'a_b', 'a1', `a${long(62)}`],
		bad: ['1a', 'Env', '_a', long(64), 'a.b'],
	},
	LABEL_VALUE: {
		good: ['', 'prod', '1', 'é', '-_', long(63)],
		bad: ['Prod', long(64), 'a.b'],
	},
	MODEL_NAME: {
		good: ['m', '123', 'projects/my-project/locations/us-central1/models/m', 'projects/123/locations/us-central1/models/1234567890123456789'],
		bad: ['m@2', 'projects/my-project/locations/us-central1/models/m@2', 'projects/my-project/locations/us-central1/endpoints/m', 'projects/p/locations/us-central1/models/m', 'models/m'],
	},
	MODEL_REF: {
		good: ['m', 'my-model@2', 'm@default', 'm@vA1', 'projects/my-project/locations/us-central1/models/m@default', 'projects/123/locations/us-central1/models/123'],
		bad: ['m@', 'm@V2', 'm@0', 'm@1@2', 'projects/p/locations/us-central1/models/m', 'projects/my-project/locations/us-central1/models/', 'projects/my-project/locations/us-central1/models/m/x'],
	},
	ENDPOINT_REF: {
		good: ['123', 'ep', 'projects/123/locations/us-central1/endpoints/ep', 'projects/example.com:my-project/locations/us-central1/endpoints/1234567890123456789'],
		bad: ['ep@2', 'projects/123/locations/us-central1/models/m', 'projects/123/locations/US/endpoints/ep', 'projects/123/locations/us-central1/endpoints/ep/x', 'endpoints/ep'],
	},
	OPERATION_NAME: {
		good: [
			'projects/123/locations/us-central1/endpoints/456/operations/789',
			'projects/my-project/locations/us-central1/operations/1',
			'projects/123/locations/us-central1/models/m@2/operations/1',
			'projects/123/locations/europe-west4/datasets/1/operations/2',
		],
		bad: [
			'projects/123/locations/us-central1/endpoints/456/operations/x',
			'projects/123/locations/us-central1/foo/456/operations/789',
			'projects/123/locations/us-central1/endpoints/456/operations/789?x',
			'projects/123/locations/us-central1/endpoints/456',
			'operations/789',
			'projects/123/locations/us-central1/endpoints/4/endpoints/5/endpoints/6/operations/7',
		],
	},
	POOL_ID: {
		good: ['p', 'my-pool', `a${long(61, 'b')}c`],
		bad: ['1pool', 'Pool', 'pool-', 'my_pool', long(64), 'a.b'],
	},
	DEPLOYMENT_RESOURCE_POOL: {
		good: ['my-pool', 'projects/my-project/locations/us-central1/deploymentResourcePools/my-pool', 'projects/123/locations/europe-west4/deploymentResourcePools/p'],
		bad: ['projects/p/locations/us-central1/deploymentResourcePools/x', 'projects/my-project/locations/us-central1/deploymentResourcePools/', 'deploymentResourcePools/p', 'projects/my-project/locations/us-central1/deploymentResourcePools/p/x'],
	},
	KMS_KEY_NAME: {
		good: ['projects/my-project/locations/us-central1/keyRings/ring/cryptoKeys/key', 'projects/123/locations/global/keyRings/my_ring-1/cryptoKeys/k'],
		bad: ['my-key', 'projects/my-project/locations/us-central1/keyRings/ring', 'projects/my-project/locations/us-central1/keyRings/ring/cryptoKeys/key/cryptoKeyVersions/1', 'projects/my-project/locations/us-central1/keyRings/r.g/cryptoKeys/k'],
	},
	RESERVATION_NAME: {
		good: ['projects/my-project/zones/us-central1-a/reservations/my-h100s', 'projects/123/zones/europe-west4-b/reservations/r'],
		bad: ['my-h100s', 'projects/my-project/zones/us-central1/reservations/r', 'projects/my-project/zones/us-central1-a/reservations/R', 'projects/my-project/zones/us-central1-a/reservations/r-'],
	},
	GPU_PARTITION_SIZE: {
		good: ['1g.10gb', '3g.40gb', '7g.80gb', '2g.20gb'],
		bad: ['half', '1g.10GB', '0g.10gb', '1g10gb', '1g.10gb.'],
	},
	TPU_TOPOLOGY: {
		good: ['2x2', '2x2x1', '4x4x4', '16x16'],
		bad: ['2by2', '2x2x2x2', '0x2', '2x', 'x2'],
	},
	MONITORING_METRIC_TYPE: {
		good: [
			'aiplatform.googleapis.com/prediction/online/cpu/utilization',
			'prometheus.googleapis.com/vertex_vllm_num_requests_waiting',
			'pubsub.googleapis.com/subscription/num_undelivered_messages',
		],
		bad: ['cpu', 'googleapis.com/x', 'x.googleapis.com/../m', 'x.googleapis.com/', 'x.example.com/m', 'X.googleapis.com/m'],
	},
	PUBSUB_SUBSCRIPTION_ID: {
		good: ['requests-sub', 'abc', 'a.b_c~d+e'],
		bad: ['1sub', 'ab', 'a b', 'goog%', long(256)],
	},
} satisfies Record<string, Corpus>;

export type RuleName = keyof typeof CORPUS;
