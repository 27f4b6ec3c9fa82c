/**
 * A node says the core's errors in its own words from the errors' data (the fields they name, the setting they
 * suggest), never by rewriting their text.
 */
import type { INode } from 'n8n-workflow';

import { fieldRef, messageParts, settingRef, VertexApiError, VertexValidationError } from '../../lib';
import { toNodeError, type FieldWords } from '../../nodes/shared/errors';

const node = { name: 'Vertex AI', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;

const words: FieldWords = {
	label: (field) => ({ modelId: 'Model ID', ifExists: 'If the Model ID Exists', 'model.containerSpec.healthRoute': 'Health Route' })[field],
	optionName: (field, value) => (field === 'ifExists' && value === 'use' ? 'Use the Existing Model' : undefined),
};

describe('toNodeError', () => {
	it('names the fields a validation error mentions by their labels, and its suggested setting by label and option', () => {
		const error = new VertexValidationError(
			messageParts`${fieldRef('model.containerSpec.healthRoute', 'healthRoute')} must start with "/"; or ${settingRef('ifExists', 'use')}.`,
			'model.containerSpec.healthRoute',
		);
		const nodeError = toNodeError(node, error, 0, words);
		expect(nodeError.message).toBe('"Health Route" must start with "/"; or (set "If the Model ID Exists" to "Use the Existing Model").');
		expect(nodeError.description).toBe('Check the parameter "Health Route". Nothing was sent.');
	});

	it("keeps the core's words for a field the node does not know", () => {
		const error = new VertexValidationError(messageParts`${fieldRef('pageSize')} must be a whole number.`, 'pageSize');
		expect(toNodeError(node, error, 0, words).message).toBe('pageSize must be a whole number.');
	});

	it('never rewrites plain text: a word that happens to be a field name stays as written', () => {
		const error = new VertexValidationError('The server says modelId is odd.', 'modelId');
		expect(toNodeError(node, error, 0, words).message).toBe('The server says modelId is odd.');
	});

	it('says an API error in the same words, and keeps its reason as data', () => {
		const error = new VertexApiError(
			messageParts`Model "m" already exists. Choose another ${fieldRef('modelId')}, or reuse the existing one ${settingRef('ifExists', 'use')}.`,
			409,
			'ALREADY_EXISTS',
			[],
			[{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RESOURCE_EXISTS' }],
		);
		const nodeError = toNodeError(node, error, 0, words);
		expect(nodeError.message).toBe(
			'Model "m" already exists. Choose another "Model ID", or reuse the existing one (set "If the Model ID Exists" to "Use the Existing Model").',
		);
		expect((nodeError as unknown as { errorResponse?: { reason?: unknown } }).errorResponse?.reason).toBe('RESOURCE_EXISTS');
	});
});
