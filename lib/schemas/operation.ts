/** google.longrunning.Operation as Vertex returns it. */
import { z } from 'zod/v4';

export const operationStatusSchema = z.looseObject({
	code: z.number().optional(),
	message: z.string().optional(),
	details: z.array(z.unknown()).optional(),
});

export const operationSchema = z.looseObject({
	/** Use verbatim for polling: it carries the project number, not the id. */
	name: z.string(),
	metadata: z.record(z.string(), z.unknown()).optional(),
	/** Absent while running (proto3 omits false). */
	done: z.boolean().optional(),
	error: operationStatusSchema.optional(),
	response: z.record(z.string(), z.unknown()).optional(),
});

export type Operation = z.output<typeof operationSchema>;

export const listOperationsResponseSchema = z.looseObject({
	operations: z.array(operationSchema).optional(),
	nextPageToken: z.string().optional(),
});

/** The deployment stage a deploy operation reports in its metadata, when it reports one. */
export function deploymentStageOf(operation: Operation): string | undefined {
	const stage = operation.metadata?.deploymentStage;
	return typeof stage === 'string' ? stage : undefined;
}
