import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import {
	coreWords,
	renderMessage,
	VertexApiError,
	VertexOperationError,
	VertexStreamError,
	VertexTransportError,
	VertexValidationError,
	whatWasSent,
	type MessagePart,
} from '../../lib';

/**
 * How a node names the core's fields: an error names the field `modelId` or suggests setting `ifExists` to `use`
 * (as data, see MessagePart), the editor shows "Model ID" and "If the Model ID Exists: Use the Existing Model".
 * Built by the parameter reader from the node's description (`read.fieldWords(CORE_FIELDS)`).
 */
export interface FieldWords {
	/** The label of the parameter that sets a core field (a field path such as `containerSpec.healthRoute`). */
	label(field: string): string | undefined;
	/** `"Label"`, or `"Label" in "Options"` for a collection's option. */
	where?(field: string): string | undefined;
	/** The name the editor shows for a value of an options parameter (`use` → "Use the Existing Model"). */
	optionName?(field: string, value: string): string | undefined;
}

/** FieldWords, or only the labels (as a function from core field to label). */
export type ParameterNames = FieldWords | ((field: string) => string | undefined);

function wordsOf(names: ParameterNames | undefined): FieldWords {
	if (names === undefined) return { label: () => undefined };
	return typeof names === 'function' ? { label: names } : names;
}

/**
 * The core's message in the editor's words, from its parts (see MessagePart): a field the node knows (`modelId`) is
 * its label in quotes (`"Model ID"`), a suggested setting (`ifExists` to `use`) is
 * `(set "If the Model ID Exists" to "Use the Existing Model")`. Fields the node does not know keep the core's words.
 */
export function inUserWords(message: readonly MessagePart[], names?: ParameterNames): string {
	const words = wordsOf(names);
	return renderMessage(message, {
		field: (mention) => {
			const label = words.label(mention.field);
			return label ? `"${label}"` : coreWords.field(mention);
		},
		setting: (setting) => {
			const label = words.label(setting.field);
			if (!label) return coreWords.setting(setting);
			return `(set "${label}" to "${words.optionName?.(setting.field, setting.value) ?? setting.value}")`;
		},
	});
}

/** A wait that stopped but whose operation goes on: how to pick it up again, naming the node's parameter. */
function resumeAdvice(error: VertexOperationError, words: FieldWords): string {
	if (error.reason === 'failed' || !error.operationName.includes('/operations/')) return '';
	const where = words.where?.('resumeOperation');
	return where ? ` To pick it up in a later run, put its name in ${where}.` : '';
}

/**
 * Turns anything the core throws into the n8n error a user can act on: the message leads with the reason and what
 * to do, in the editor's words (labels, not the core's field names); the details (HTTP status, method and URL, the
 * operation's name) go to the description. Bad input names the parameter, never a stack of transport internals.
 * `parameterOf` maps a core field path (e.g. `containerSpec.healthRoute`) to the parameter's label.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	parameterOf?: ParameterNames,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const words = wordsOf(parameterOf);

	if (error instanceof VertexValidationError) {
		const parameter = words.label(error.field);
		return new NodeOperationError(node, inUserWords(error.parts, words), {
			itemIndex,
			description: `${parameter ? `Check the parameter "${parameter}".` : `Check the value given for "${error.field}".`} ${whatWasSent(error)}`,
		});
	}

	if (error instanceof VertexApiError) {
		const violations = error.fieldViolations.map((v) => `${v.field}: ${v.description}`).join('; ');
		const response: JsonObject = {
			httpStatus: error.httpStatus,
			status: error.status ?? null,
			reason: error.reason ?? null,
			message: error.message,
		};
		const details = [error.context ?? error.status, violations && `Invalid fields: ${violations}`].filter(Boolean);
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(error.httpStatus),
			message: inUserWords(error.summaryParts, words),
			description: details.length ? `${details.join('. ')}.` : undefined,
		});
	}

	if (error instanceof VertexStreamError && error.reason === 'too-large' && error.limit) {
		const parameter = words.label(error.limit);
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: parameter
				? `Raise the option "${parameter}" if the answer is meant to be this large.`
				: 'The answer is larger than this package reads at once.',
		});
	}

	if (error instanceof VertexOperationError) {
		const context = error.context ?? `operation ${error.operationName}`;
		return new NodeOperationError(node, error.summary, {
			itemIndex,
			description: `${context.charAt(0).toUpperCase()}${context.slice(1)}.${resumeAdvice(error, words)}`,
		});
	}

	if (error instanceof VertexTransportError) {
		return new NodeOperationError(node, error.summary, {
			itemIndex,
			description: error.context ? `${error.context}.` : undefined,
		});
	}

	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
