import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { VertexApiError, VertexOperationError, VertexStreamError, VertexValidationError } from '../../lib';

/**
 * Turns anything the core throws into the n8n error a user can act on: bad input names the parameter,
 * API failures carry Google's status and message, never a stack of transport internals.
 * `parameterOf` maps a core field path (e.g. `containerSpec.healthRoute`) to the parameter's display name.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	parameterOf: (field: string) => string | undefined = () => undefined,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;

	if (error instanceof VertexValidationError) {
		const parameter = parameterOf(error.field);
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: parameter
				? `Check the parameter "${parameter}".`
				: `Check the value given for "${error.field}".`,
		});
	}

	if (error instanceof VertexApiError) {
		const violations = error.fieldViolations.map((v) => `${v.field}: ${v.description}`).join('; ');
		const response: JsonObject = {
			httpStatus: error.httpStatus,
			status: error.status ?? null,
			message: error.message,
		};
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(error.httpStatus),
			message: error.message,
			description: [error.status, violations].filter(Boolean).join(' - ') || undefined,
		});
	}

	if (error instanceof VertexStreamError && error.reason === 'too-large' && error.limit) {
		const parameter = parameterOf(error.limit);
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: parameter
				? `Raise the option "${parameter}" if the answer is meant to be this large.`
				: 'The answer is larger than this package reads at once.',
		});
	}

	if (error instanceof VertexOperationError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `Operation: ${error.operationName}`,
		});
	}

	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
