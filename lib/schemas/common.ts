/** Building blocks shared by the request schemas: ids, durations, int64, labels, enums. */
import { z } from 'zod/v4';

import { API_VERSIONS } from '../apiVersion';
import { CALLER_ID, KMS_KEY_NAME, LABEL_KEY, LABEL_VALUE, SERVICE_ACCOUNT_EMAIL } from '../rules/ids';
import { quoteForMessage } from '../secrets';

import { textMatching, withRule } from './validate';


/** The longest display name Vertex takes. */
export const DISPLAY_NAME_MAX_LENGTH = 128;

/** Vertex's display names: required, up to DISPLAY_NAME_MAX_LENGTH characters. */
export const displayNameSchema = z
	.string()
	.trim()
	.min(1, { error: 'displayName is required.' })
	.max(DISPLAY_NAME_MAX_LENGTH, { error: `displayName can be at most ${DISPLAY_NAME_MAX_LENGTH} characters.` });

export function callerIdSchema(kind: 'modelId' | 'endpointId') {
	return textMatching(CALLER_ID, (value) => `${kind} ${quoteForMessage(value)} is not valid: use ${CALLER_ID.rule}.`);
}

export const ACCELERATOR_TYPES = [
	'NVIDIA_TESLA_K80',
	'NVIDIA_TESLA_P100',
	'NVIDIA_TESLA_V100',
	'NVIDIA_TESLA_P4',
	'NVIDIA_TESLA_T4',
	'NVIDIA_TESLA_A100',
	'NVIDIA_A100_80GB',
	'NVIDIA_L4',
	'NVIDIA_H100_80GB',
	'NVIDIA_H100_MEGA_80GB',
	'NVIDIA_H200_141GB',
	'NVIDIA_B200',
	'NVIDIA_GB200',
	'NVIDIA_RTX_PRO_6000',
	'TPU_V2',
	'TPU_V3',
	'TPU_V4_POD',
	'TPU_V5_LITEPOD',
] as const;
export type AcceleratorType = (typeof ACCELERATOR_TYPES)[number];

/** google.rpc.Code names by number (UNAUTHENTICATED is 16, out of declaration order). */
export const GRPC_CODE_NAMES: Readonly<Record<number, string>> = {
	0: 'OK',
	1: 'CANCELLED',
	2: 'UNKNOWN',
	3: 'INVALID_ARGUMENT',
	4: 'DEADLINE_EXCEEDED',
	5: 'NOT_FOUND',
	6: 'ALREADY_EXISTS',
	7: 'PERMISSION_DENIED',
	8: 'RESOURCE_EXHAUSTED',
	9: 'FAILED_PRECONDITION',
	10: 'ABORTED',
	11: 'OUT_OF_RANGE',
	12: 'UNIMPLEMENTED',
	13: 'INTERNAL',
	14: 'UNAVAILABLE',
	15: 'DATA_LOSS',
	16: 'UNAUTHENTICATED',
};

const DURATION_PATTERN = /^(\d+)(\.\d{1,9})?s$/;

/** Seconds in a protobuf Duration string ("600s", "1.5s"); undefined when malformed. */
export function durationSeconds(value: string): number | undefined {
	const match = DURATION_PATTERN.exec(value.trim());
	return match ? Number(match[1] + (match[2] ?? '')) : undefined;
}

/**
 * A Duration given as "Ns" or a number of seconds, sent as "Ns", within [min, max] seconds.
 * `name` appears in the message.
 */
export function durationSchema(name: string, minSeconds: number, maxSeconds: number) {
	const allowed = `a duration like "600s" (or a number of seconds) between ${minSeconds} and ${maxSeconds} seconds`;
	const rule = `${name} must be ${allowed}`;
	return z
		.union([z.string(), z.number()], { error: `${rule}.` })
		.transform((value, ctx) => {
			const seconds = typeof value === 'number' ? value : durationSeconds(value);
			if (seconds === undefined || !Number.isFinite(seconds) || seconds < minSeconds || seconds > maxSeconds) {
				ctx.addIssue({ code: 'custom', message: `${rule}; got ${quoteForMessage(value)}.`, ...withRule(allowed) });
				return z.NEVER;
			}
			return `${seconds}s`;
		});
}

/** An int64 field: a non-negative integer (number or digit string), sent as a JSON string. */
export function int64Schema(name: string) {
	const rule = `${name} must be a whole number`;
	return z.union([z.string(), z.number()], { error: `${rule}.` }).transform((value, ctx) => {
		const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : value.trim();
		if (!/^\d+$/.test(text)) {
			ctx.addIssue({ code: 'custom', message: `${rule}; got ${quoteForMessage(value)}.`, ...withRule('a whole number') });
			return z.NEVER;
		}
		return text;
	});
}

/** Optional free text where "" means "not set" (proto3 treats both alike; forms send ""). */
export const optionalText = z
	.string()
	.optional()
	.transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/** An optional field where "" (what forms send for "nothing") means "not set". */
export function blankAsUnset<S extends z.ZodType>(schema: S) {
	// preprocess types its input as unknown; the cast restores the real input type for callers.
	const blankToUndefined = z.preprocess(
		(value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
		schema.optional(),
	) as unknown as z.ZodType<z.output<S> | undefined, z.input<S> | ''>;
	return blankToUndefined.optional();
}

/** Google Cloud labels: keys start with a lowercase letter; keys and values up to 63 of [a-z0-9_-] (international letters allowed). */
export const labelsSchema = z
	.record(z.string(), z.string({ error: 'Label values must be strings.' }))
	.superRefine((labels, ctx) => {
		for (const [key, value] of Object.entries(labels)) {
			if (!LABEL_KEY.pattern.test(key)) {
				ctx.addIssue({
					code: 'custom',
					path: [key],
					message: `Label key ${quoteForMessage(key)} is not valid: use ${LABEL_KEY.rule}.`,
					...withRule(LABEL_KEY.rule),
				});
			}
			if (!LABEL_VALUE.pattern.test(value)) {
				ctx.addIssue({
					code: 'custom',
					path: [key],
					message: `Label value ${quoteForMessage(value)} of ${quoteForMessage(key)} is not valid: use ${LABEL_VALUE.rule}.`,
					...withRule(LABEL_VALUE.rule),
				});
			}
		}
	});

export const serviceAccountEmailSchema = textMatching(SERVICE_ACCOUNT_EMAIL, () => `serviceAccount must be ${SERVICE_ACCOUNT_EMAIL.rule}.`);

/** Customer-managed encryption (CMEK): the Cloud KMS key Vertex AI encrypts the resource with. */
export const encryptionSpecSchema = z.strictObject({
	kmsKeyName: z.string().trim().pipe(textMatching(KMS_KEY_NAME, (input) => `kmsKeyName ${quoteForMessage(input)} is not a Cloud KMS key name: use ${KMS_KEY_NAME.rule}.`)),
});

/** The control-plane API version of a request: v1 unless the caller chooses v1beta1 (Preview). */
export const apiVersionSchema = z.enum(API_VERSIONS, { error: `apiVersion must be one of ${API_VERSIONS.join(', ')}.` }).default('v1');
/** A JSON object of further request fields, checked against the request's proto message (see additionalFields.ts). */
export const additionalFieldsSchema = z.record(z.string(), z.unknown(), { error: 'additionalFields must be a JSON object.' }).optional();
