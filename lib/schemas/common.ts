/** Building blocks shared by the request schemas: ids, durations, int64, labels, enums. */
import { z } from 'zod/v4';

import { quoteForMessage } from '../secrets';

/** Caller-chosen model / endpoint ids: letter first, up to 63 of [a-z0-9-], ending in a letter or digit; or 1-9 digits, no leading zero. */
export const CALLER_ID_PATTERN = /^(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|[1-9][0-9]{0,8})$/;
/** Any existing model / endpoint id: a caller-chosen one, or a server-made number (19 digits). */
export const RESOURCE_ID_PATTERN = /^(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|[1-9][0-9]{0,19})$/;

/*
 * Vertex's id grammar for the segments of a resource name, as regular expression sources (no anchors), so the
 * name patterns (lib/resources/names.ts) are built from one set. None of them can match ".", "..", "%", "?", "#",
 * "/", "\\", whitespace or anything a URL parser would rewrite.
 */
/** A project id: 6-30 of a-z, 0-9 and "-", a letter first, no trailing hyphen. */
export const PROJECT_ID_SOURCE = '[a-z][a-z0-9-]{4,28}[a-z0-9]';
/** A project number. */
export const PROJECT_NUMBER_SOURCE = '[1-9][0-9]{0,19}';
/** A legacy domain-scoped project, "example.com:my-project": DNS labels joined by single dots. */
export const DOMAIN_PROJECT_SOURCE = `[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*:${PROJECT_ID_SOURCE}`;
export const PROJECT_SOURCE = `(?:${PROJECT_ID_SOURCE}|${PROJECT_NUMBER_SOURCE}|${DOMAIN_PROJECT_SOURCE})`;
/** A location: us-central1, europe-west4, northamerica-northeast1, global, us, eu... */
export const LOCATION_SOURCE = '[a-z][a-z0-9]{0,29}(?:-[a-z0-9]{1,29}){0,4}';
/** A model or endpoint id (RESOURCE_ID_PATTERN). */
export const RESOURCE_ID_SOURCE = RESOURCE_ID_PATTERN.source.slice(1, -1);
/** A model version: its version id (a number) or one of its aliases. */
export const MODEL_VERSION_SOURCE = '(?:[1-9][0-9]{0,19}|[a-z][a-zA-Z0-9-]{0,126}[a-z0-9])';
/** Vertex operation ids are numbers. */
export const OPERATION_ID_SOURCE = '[0-9]{1,20}';
/** Deployed model ids are numbers (caller-chosen ones up to 10 digits, server-made ones 19). */
export const DEPLOYED_MODEL_ID_SOURCE = '[0-9]{1,20}';

export const PROJECT_PATTERN = new RegExp(`^${PROJECT_SOURCE}$`);
export const LOCATION_PATTERN = new RegExp(`^${LOCATION_SOURCE}$`);
export const MODEL_VERSION_PATTERN = new RegExp(`^${MODEL_VERSION_SOURCE}$`);
export const DEPLOYED_MODEL_ID_PATTERN = new RegExp(`^${DEPLOYED_MODEL_ID_SOURCE}$`);
const CALLER_ID_RULE =
	'a letter first then up to 62 of a-z, 0-9 and "-", ending in a letter or digit (e.g. "my-model-1"); or 1 to 9 digits without a leading zero';

/** Vertex's display names: required, up to 128 characters. */
export const displayNameSchema = z
	.string()
	.trim()
	.min(1, { error: 'displayName is required.' })
	.max(128, { error: 'displayName can be at most 128 characters.' });

export function callerIdSchema(kind: 'modelId' | 'endpointId') {
	return z.string().regex(CALLER_ID_PATTERN, { error: (issue) => `${kind} ${quoteForMessage(issue.input)} is not valid: use ${CALLER_ID_RULE}.` });
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
	const rule = `${name} must be a duration like "600s" (or a number of seconds) between ${minSeconds} and ${maxSeconds} seconds`;
	return z
		.union([z.string(), z.number()], { error: `${rule}.` })
		.transform((value, ctx) => {
			const seconds = typeof value === 'number' ? value : durationSeconds(value);
			if (seconds === undefined || !Number.isFinite(seconds) || seconds < minSeconds || seconds > maxSeconds) {
				ctx.addIssue({ code: 'custom', message: `${rule}; got ${quoteForMessage(value)}.` });
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
			ctx.addIssue({ code: 'custom', message: `${rule}; got ${quoteForMessage(value)}.` });
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
			if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(key)) {
				ctx.addIssue({
					code: 'custom',
					path: [key],
					message: `Label key ${quoteForMessage(key)} is not valid: start with a lowercase letter, then up to 62 lowercase letters, digits, "_" or "-".`,
				});
			}
			if (!/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(value)) {
				ctx.addIssue({
					code: 'custom',
					path: [key],
					message: `Label value ${quoteForMessage(value)} of ${quoteForMessage(key)} is not valid: up to 63 lowercase letters, digits, "_" or "-".`,
				});
			}
		}
	});

/** An email address as a service account has one (name@project.iam.gserviceaccount.com); shape only. */
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export const serviceAccountEmailSchema = z
	.string()
	.regex(EMAIL_PATTERN, { error: 'serviceAccount must be a service account email like name@project.iam.gserviceaccount.com.' });
