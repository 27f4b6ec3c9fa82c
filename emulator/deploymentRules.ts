/**
 * The checks Vertex makes on a deployment's resources beyond what the protos' types say: replica
 * counts, reservations, GPU partitions, autoscaling metrics, scale to zero. Shared by deploy, mutate
 * and deployment resource pools. Where each rule comes from is said next to it (the field comments
 * of google/cloud/aiplatform/{v1,v1beta1}/machine_resources.proto and reservation_affinity.proto, and
 * the metric names python-aiplatform's `Endpoint.deploy` sends).
 */
import type { ApiVersion } from './context';
import type { FieldViolation } from './googleErrors';
import { asRecord } from './httpUtil';
import { parseDuration } from './ids';

/** How a metric's target reads: a utilisation percentage (1..100), or a count (at least 1). */
type TargetKind = 'percent' | 'count';

/**
 * The autoscaling metrics Vertex takes. The first three are listed in AutoscalingMetricSpec.metric_name;
 * the Prometheus (DCGM, vLLM) and Pub/Sub names are those python-aiplatform's deploy() sends for its
 * autoscaling_target_* arguments (google/cloud/aiplatform/models.py).
 */
export const AUTOSCALING_METRICS: Record<string, TargetKind> = {
	'aiplatform.googleapis.com/prediction/online/cpu/utilization': 'percent',
	'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle': 'percent',
	'aiplatform.googleapis.com/prediction/online/request_count': 'count',
	'prometheus.googleapis.com/vertex_dcgm_fi_dev_gpu_util': 'percent',
	'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc': 'percent',
	'prometheus.googleapis.com/vertex_vllm_num_requests_waiting': 'count',
	'pubsub.googleapis.com/subscription/num_undelivered_messages': 'count',
};
export const PUBSUB_BACKLOG_METRIC = 'pubsub.googleapis.com/subscription/num_undelivered_messages';
/** The labels of Cloud Monitoring's `pubsub_subscription` monitored resource. */
const PUBSUB_SUBSCRIPTION_LABELS = new Set(['project_id', 'subscription_id']);

/** ScaleToZeroSpec's periods: "[MinValue=300] (5 minutes) [MaxValue=28800] (8 hours)" (v1beta1). */
export const SCALE_TO_ZERO_MIN_SECONDS = 300;
export const SCALE_TO_ZERO_MAX_SECONDS = 28_800;
/** The key ReservationAffinity's comment names for a SPECIFIC_RESERVATION by name. */
export const RESERVATION_NAME_KEY = 'compute.googleapis.com/reservation-name';
const RESERVATION_NAME = /^projects\/[^/]+\/zones\/[^/]+\/reservations\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** NVIDIA multi-instance GPU profiles (`1g.10gb`...), which MachineSpec.gpu_partition_size takes. */
const GPU_PARTITION = /^[1-7]g\.\d{1,3}gb$/;
/** GKE's TPU topologies: two or three dimensions (`2x2`, `2x2x1`). */
const TPU_TOPOLOGY = /^[1-9]\d{0,2}x[1-9]\d{0,2}(x[1-9]\d{0,2})?$/;

/**
 * The replica fields MutateDeployedModelRequest.deployed_model may change ("Only the following fields can be
 * mutated"): min/max/required replica counts and autoscaling_metric_specs, by their proto and JSON names.
 */
export const MUTABLE_REPLICA_FIELDS = {
	'dedicated_resources.min_replica_count': 'dedicatedResources.minReplicaCount',
	'dedicatedResources.minReplicaCount': 'dedicatedResources.minReplicaCount',
	'dedicated_resources.max_replica_count': 'dedicatedResources.maxReplicaCount',
	'dedicatedResources.maxReplicaCount': 'dedicatedResources.maxReplicaCount',
	'dedicated_resources.required_replica_count': 'dedicatedResources.requiredReplicaCount',
	'dedicatedResources.requiredReplicaCount': 'dedicatedResources.requiredReplicaCount',
	'dedicated_resources.autoscaling_metric_specs': 'dedicatedResources.autoscalingMetricSpecs',
	'dedicatedResources.autoscalingMetricSpecs': 'dedicatedResources.autoscalingMetricSpecs',
} as const;

export interface ReplicaPlan {
	min: number;
	max: number;
	/** The replicas a deploy or mutate waits for (required_replica_count, else min_replica_count). */
	required: number;
	/** Set for a v1beta1 deployment with min_replica_count 0. */
	scaleToZero?: { idleMs: number; minScaleupMs: number };
}

/** The default of both ScaleToZeroSpec periods when not given: the documented minimum (an emulator choice, see README). */
const DEFAULT_SCALE_TO_ZERO_SECONDS = SCALE_TO_ZERO_MIN_SECONDS;

/**
 * Checks a DedicatedResources (canonical JSON, types already checked against the contract) at `at`
 * (`deployed_model.dedicated_resources`...). Returns what it asks for, or undefined after adding violations.
 */
export function checkDedicatedResources(resources: Record<string, unknown>, at: string, version: ApiVersion, violations: FieldViolation[]): ReplicaPlan | undefined {
	const before = violations.length;
	const machine = asRecord(resources.machineSpec) ?? {};
	if (!machine.machineType) violations.push({ field: `${at}.machine_spec.machine_type`, description: 'Required field is not set.' });
	checkMachineSpec(machine, `${at}.machine_spec`, violations);

	const min = (resources.minReplicaCount as number | undefined) ?? 0;
	const scaleToZeroSpec = asRecord(resources.scaleToZeroSpec);
	// v1beta1 takes 0 for scale to zero (the v1 field comment: "must be greater than or equal to 1").
	if (min < 0 || (min === 0 && version === 'v1')) violations.push({ field: `${at}.min_replica_count`, description: version === 'v1' ? 'Must be at least 1.' : 'Must be at least 0 (0 scales to zero).' });
	const maxGiven = resources.maxReplicaCount as number | undefined;
	const max = maxGiven === undefined || maxGiven === 0 ? Math.max(min, 1) : maxGiven;
	if (maxGiven !== undefined && maxGiven !== 0 && maxGiven < Math.max(min, 1)) violations.push({ field: `${at}.max_replica_count`, description: `Must be at least ${Math.max(min, 1)} (min_replica_count, and at least 1).` });
	if (min === 0 && version === 'v1beta1' && (maxGiven === undefined || maxGiven === 0)) violations.push({ field: `${at}.max_replica_count`, description: 'Required when min_replica_count is 0 (scale to zero): at least 1.' });
	const requiredGiven = resources.requiredReplicaCount as number | undefined;
	if (requiredGiven !== undefined && requiredGiven !== 0 && (requiredGiven < 0 || requiredGiven > max)) {
		violations.push({ field: `${at}.required_replica_count`, description: `Must be between 1 and max_replica_count (${max}).` });
	}
	if (scaleToZeroSpec && min !== 0) violations.push({ field: `${at}.scale_to_zero_spec`, description: 'Only allowed with min_replica_count 0.' });
	const periods = min === 0 ? checkScaleToZero(scaleToZeroSpec ?? {}, `${at}.scale_to_zero_spec`, violations) : undefined;
	checkAutoscalingMetrics(resources.autoscalingMetricSpecs, `${at}.autoscaling_metric_specs`, violations);
	if (violations.length > before) return undefined;
	const required = requiredGiven !== undefined && requiredGiven > 0 ? requiredGiven : Math.max(min, 1);
	return { min, max, required, ...(periods ? { scaleToZero: periods } : {}) };
}

function checkMachineSpec(machine: Record<string, unknown>, at: string, violations: FieldViolation[]): void {
	const partition = machine.gpuPartitionSize as string | undefined;
	if (partition !== undefined && partition !== '') {
		if (!GPU_PARTITION.test(partition)) violations.push({ field: `${at}.gpu_partition_size`, description: `Must be an NVIDIA multi-instance GPU profile such as "1g.10gb"; got "${partition}".` });
		if (!machine.acceleratorType) violations.push({ field: `${at}.gpu_partition_size`, description: 'Needs an accelerator_type.' });
		// "If set, the accelerator_count should be set to 1."
		if (machine.acceleratorCount !== 1) violations.push({ field: `${at}.accelerator_count`, description: 'Must be 1 when gpu_partition_size is set.' });
	}
	const topology = machine.tpuTopology as string | undefined;
	if (topology !== undefined && topology !== '' && !TPU_TOPOLOGY.test(topology)) {
		violations.push({ field: `${at}.tpu_topology`, description: `Must be a TPU topology such as "2x2" or "2x2x1"; got "${topology}".` });
	}
	const affinity = asRecord(machine.reservationAffinity);
	if (affinity) checkReservationAffinity(affinity, `${at}.reservation_affinity`, violations);
}

/** NO_ and ANY_RESERVATION take no key or values; SPECIFIC_RESERVATION "must be identified via the key and values fields". */
function checkReservationAffinity(affinity: Record<string, unknown>, at: string, violations: FieldViolation[]): void {
	const type = affinity.reservationAffinityType as string | undefined;
	const key = affinity.key as string | undefined;
	const values = (affinity.values as string[] | undefined) ?? [];
	if (type === 'SPECIFIC_RESERVATION') {
		if (!key) violations.push({ field: `${at}.key`, description: `Required for SPECIFIC_RESERVATION: use "${RESERVATION_NAME_KEY}".` });
		else if (key !== RESERVATION_NAME_KEY) violations.push({ field: `${at}.key`, description: `Must be "${RESERVATION_NAME_KEY}"; got "${key}".` });
		if (values.length === 0) violations.push({ field: `${at}.values`, description: 'Required for SPECIFIC_RESERVATION: the full resource name of the reservation.' });
		values.forEach((value, i) => {
			if (!RESERVATION_NAME.test(value)) violations.push({ field: `${at}.values[${i}]`, description: `Must be a reservation's full resource name, projects/{project}/zones/{zone}/reservations/{name}; got "${value}".` });
		});
	} else if (type !== undefined && (key || values.length > 0)) {
		violations.push({ field: at, description: `key and values are only allowed with SPECIFIC_RESERVATION, not ${type}.` });
	}
}

function checkAutoscalingMetrics(raw: unknown, at: string, violations: FieldViolation[]): void {
	const specs = (raw as Array<Record<string, unknown>> | undefined) ?? [];
	const seen = new Set<string>();
	specs.forEach((spec, i) => {
		const here = `${at}[${i}]`;
		const name = spec.metricName as string;
		const kind = AUTOSCALING_METRICS[name];
		if (!kind) {
			violations.push({ field: `${here}.metric_name`, description: `Unsupported metric "${name}". Supported: ${Object.keys(AUTOSCALING_METRICS).join(', ')}.` });
			return;
		}
		// AutoscalingMetricSpec: "At most one entry is allowed per metric."
		if (seen.has(name)) violations.push({ field: `${here}.metric_name`, description: `At most one entry is allowed per metric; "${name}" is given twice.` });
		seen.add(name);
		const target = spec.target as number | undefined;
		if (target !== undefined && target !== 0) {
			if (kind === 'percent' && (target < 1 || target > 100)) violations.push({ field: `${here}.target`, description: `Must be a percentage from 1 to 100 for ${name}.` });
			if (kind === 'count' && target < 1) violations.push({ field: `${here}.target`, description: `Must be at least 1 for ${name}.` });
		} else if (kind === 'count') {
			// The default of 60 is a utilisation percentage; a count metric needs its own target.
			violations.push({ field: `${here}.target`, description: `Required for ${name}.` });
		}
		const labels = asRecord(spec.monitoredResourceLabels) ?? {};
		if (name === PUBSUB_BACKLOG_METRIC) {
			if ('monitoredResourceLabels' in spec || Object.keys(labels).length > 0) {
				if (!labels.subscription_id) violations.push({ field: `${here}.monitored_resource_labels`, description: 'Must name the subscription: subscription_id (and optionally project_id).' });
				for (const label of Object.keys(labels)) {
					if (!PUBSUB_SUBSCRIPTION_LABELS.has(label)) violations.push({ field: `${here}.monitored_resource_labels`, description: `Unknown label "${label}" of pubsub_subscription: use subscription_id, project_id.` });
				}
			}
		} else if (Object.keys(labels).length > 0) {
			violations.push({ field: `${here}.monitored_resource_labels`, description: `Only for ${PUBSUB_BACKLOG_METRIC}.` });
		}
	});
}

function checkScaleToZero(spec: Record<string, unknown>, at: string, violations: FieldViolation[]): { idleMs: number; minScaleupMs: number } {
	const period = (field: 'idleScaledownPeriod' | 'minScaleupPeriod', protoName: string): number => {
		const raw = spec[field];
		if (raw === undefined) return DEFAULT_SCALE_TO_ZERO_SECONDS * 1000;
		const ms = parseDuration(raw) ?? -1;
		if (ms < SCALE_TO_ZERO_MIN_SECONDS * 1000 || ms > SCALE_TO_ZERO_MAX_SECONDS * 1000) {
			violations.push({ field: `${at}.${protoName}`, description: `Must be from ${SCALE_TO_ZERO_MIN_SECONDS}s (5 minutes) to ${SCALE_TO_ZERO_MAX_SECONDS}s (8 hours); got ${String(raw)}.` });
		}
		return ms;
	};
	return { idleMs: period('idleScaledownPeriod', 'idle_scaledown_period'), minScaleupMs: period('minScaleupPeriod', 'min_scaleup_period') };
}
