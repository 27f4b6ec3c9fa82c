/**
 * Checks on models', endpoints' and pools' own fields beyond their proto types: labels, customer-managed
 * encryption keys, Private Service Connect, request/response logging, the inference timeout. Each
 * adds violations naming the field; none changes the request.
 */
import type { FieldViolation } from './googleErrors';
import { asRecord } from './httpUtil';
import { parseDuration } from './ids';

/** Google Cloud label rules: at most 64; keys 1-63 of [a-z0-9_-] starting with a letter; values up to 63 of the same. */
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_LABELS = 64;
const KMS_KEY = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const NETWORK = /^projects\/[^/]+\/global\/networks\/[^/]+$/;
const PROJECT_ID = /^(?:[a-z][-a-z0-9]{4,28}[a-z0-9]|\d{6,20})$/;
const MAX_INFERENCE_TIMEOUT_MS = 3_600_000;

export function checkLabels(raw: unknown, at: string, violations: FieldViolation[]): void {
	const labels = asRecord(raw);
	if (!labels) return;
	const keys = Object.keys(labels);
	if (keys.length > MAX_LABELS) violations.push({ field: at, description: `At most ${MAX_LABELS} labels; got ${keys.length}.` });
	for (const key of keys) {
		if (!LABEL_KEY.test(key)) violations.push({ field: at, description: `Label key "${key}" is invalid: 1-63 lowercase letters, digits, "_" or "-", starting with a lowercase letter.` });
		if (!LABEL_VALUE.test(String(labels[key]))) violations.push({ field: at, description: `Label value of "${key}" is invalid: up to 63 lowercase letters, digits, "_" or "-".` });
	}
}

/** EncryptionSpec.kms_key_name: a Cloud KMS key in the resource's own region. */
export function checkEncryptionSpec(raw: unknown, at: string, location: string, violations: FieldViolation[]): void {
	const spec = asRecord(raw);
	if (!spec) return;
	const name = String(spec.kmsKeyName ?? '');
	const match = KMS_KEY.exec(name);
	if (!match) violations.push({ field: `${at}.kms_key_name`, description: `Must be projects/{project}/locations/{location}/keyRings/{key ring}/cryptoKeys/{key}; got "${name}".` });
	else if (match[1] !== location) violations.push({ field: `${at}.kms_key_name`, description: `The key must be in the resource's region ${location}, not ${match[1]}.` });
}

/** ClientConnectionConfig.inference_timeout: more than 0 s, at most an hour. Returns it in ms when valid. */
export function checkInferenceTimeout(raw: unknown, at: string, violations: FieldViolation[]): number | undefined {
	const connection = asRecord(raw);
	if (connection?.inferenceTimeout === undefined) return undefined;
	const ms = parseDuration(connection.inferenceTimeout);
	if (ms === undefined || ms <= 0 || ms > MAX_INFERENCE_TIMEOUT_MS) {
		violations.push({ field: `${at}.inference_timeout`, description: 'Inference timeout must be a duration greater than 0s and at most 3600s.' });
		return undefined;
	}
	return ms;
}

/** PredictRequestResponseLoggingConfig: a sampling rate from 0 to 1, and a BigQuery table when enabled. */
export function checkRequestResponseLogging(raw: unknown, at: string, violations: FieldViolation[]): void {
	const config = asRecord(raw);
	if (!config) return;
	const rate = config.samplingRate as number | undefined;
	if (rate !== undefined && !(rate >= 0 && rate <= 1)) violations.push({ field: `${at}.sampling_rate`, description: `Must be from 0 to 1; got ${String(rate)}.` });
	const uri = asRecord(config.bigqueryDestination)?.outputUri as string | undefined;
	if (uri !== undefined && uri !== '' && !/^bq:\/\/[A-Za-z0-9_-]+(?:[.:][A-Za-z0-9_-]+){0,2}$/.test(uri)) {
		violations.push({ field: `${at}.bigquery_destination.output_uri`, description: `Must be bq://project, bq://project.dataset or bq://project.dataset.table; got "${uri}".` });
	}
	if (config.enabled === true && (uri === undefined || uri === '')) {
		violations.push({ field: `${at}.bigquery_destination`, description: 'Required when logging is enabled: the BigQuery table (bq://...) the requests and responses go to.' });
	}
}

/**
 * PrivateServiceConnectConfig: allowlisted projects and automation configs (project and VPC network) each
 * a valid name; not together with VPC peering (`network`) or the older `enablePrivateServiceConnect`.
 */
export function checkPrivateServiceConnect(endpoint: Record<string, unknown>, violations: FieldViolation[]): void {
	const config = asRecord(endpoint.privateServiceConnectConfig);
	if (!config) return;
	const at = 'endpoint.private_service_connect_config';
	if (endpoint.network) violations.push({ field: 'endpoint.network', description: 'An endpoint uses either VPC peering (network) or Private Service Connect, not both.' });
	if (endpoint.enablePrivateServiceConnect === true) violations.push({ field: 'endpoint.enable_private_service_connect', description: 'Deprecated: use private_service_connect_config alone.' });
	const enabled = config.enablePrivateServiceConnect === true;
	const allowlist = (config.projectAllowlist as string[] | undefined) ?? [];
	const automations = (config.pscAutomationConfigs as Array<Record<string, unknown>> | undefined) ?? [];
	if (!enabled && (allowlist.length > 0 || automations.length > 0)) violations.push({ field: `${at}.enable_private_service_connect`, description: 'Must be true when project_allowlist or psc_automation_configs are given.' });
	allowlist.forEach((project, i) => {
		if (!PROJECT_ID.test(project)) violations.push({ field: `${at}.project_allowlist[${i}]`, description: `Must be a project id or number; got "${project}".` });
	});
	automations.forEach((automation, i) => {
		const here = `${at}.psc_automation_configs[${i}]`;
		const project = String(automation.projectId ?? '');
		if (!PROJECT_ID.test(project)) violations.push({ field: `${here}.project_id`, description: `Must be a project id or number; got "${project}".` });
		else if (allowlist.length > 0 && !allowlist.includes(project)) violations.push({ field: `${here}.project_id`, description: `Project ${project} is not in project_allowlist.` });
		const network = String(automation.network ?? '');
		if (!NETWORK.test(network)) violations.push({ field: `${here}.network`, description: `Must be projects/{project}/global/networks/{network}; got "${network}".` });
	});
}
