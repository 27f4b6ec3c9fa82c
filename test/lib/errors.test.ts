/**
 * Errors carry structure: a validation error names its field, the fields its message mentions, the rule and the
 * setting the core suggests, as data; an API error its ErrorInfo reason, details and suggested setting. All of it
 * scrubbed of secrets, like the message.
 */
import {
	apiErrorFromResponse,
	createOrUseExisting,
	deployModelInputSchema,
	fieldRef,
	messageParts,
	parseInput,
	rememberSecret,
	renderMessage,
	settingRef,
	VertexApiError,
	VertexClient,
	VertexValidationError,
	whatWasSent,
} from './support/lib-internals';

function caught(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	throw new Error('expected a throw');
}

describe('VertexValidationError', () => {
	it('keeps the (message, field) form: the message is its one part', () => {
		const error = new VertexValidationError('The timeout must be positive.', 'timeoutMs');
		expect(error.message).toBe('The timeout must be positive.');
		expect(error.parts).toEqual(['The timeout must be positive.']);
		expect(error.field).toBe('timeoutMs');
		expect(error.rule).toBeUndefined();
		expect(error.suggestion).toBeUndefined();
	});

	it('says nothing was sent unless it was refused after reads, and then that nothing was changed', () => {
		const before = new VertexValidationError('The timeout must be positive.', 'timeoutMs');
		expect(before.readsSent).toBe(false);
		expect(whatWasSent(before)).toBe('Nothing was sent.');
		const after = new VertexValidationError('Model m is still deployed.', 'model', { readsSent: true });
		expect(after.readsSent).toBe(true);
		expect(whatWasSent(after)).toBe('Only reads were sent; nothing was changed.');
	});

	it('names the fields of its message as data, and says them in the core words in the message', () => {
		const error = new VertexValidationError(
			messageParts`${fieldRef('deployedModel.machineSpec.acceleratorCount', 'acceleratorCount')} is set: set ${fieldRef('acceleratorType')} too ${settingRef('ifDeployed', 'use')}.`,
			'deployedModel.machineSpec.acceleratorCount',
			{ rule: 'a whole number >= 1' },
		);
		expect(error.message).toBe("acceleratorCount is set: set acceleratorType too (ifDeployed: 'use').");
		expect(error.parts).toContainEqual({ field: 'acceleratorType' });
		expect(error.suggestion).toEqual({ field: 'ifDeployed', value: 'use' });
		expect(error.rule).toBe('a whole number >= 1');
		expect(renderMessage(error.parts, { field: (mention) => `<${mention.field}>`, setting: (s) => `[${s.field}=${s.value}]` })).toBe(
			'<deployedModel.machineSpec.acceleratorCount> is set: set <acceleratorType> too [ifDeployed=use].',
		);
	});

	it('scrubs secrets from every part, the field, the rule and the suggested value', () => {
		const secret = 'ya29.a0AfH6SMBx-secret-token-value';
		rememberSecret('remembered-secret-value-123');
		const error = new VertexValidationError(
			messageParts`${fieldRef(`headers.${secret}`)} got ${secret} ${settingRef('x', 'remembered-secret-value-123')}`,
			`headers.${secret}`,
			{ rule: `not ${secret}` },
		);
		const everything = JSON.stringify([error.message, error.parts, error.field, error.rule, error.suggestion]);
		expect(everything).not.toContain('secret-token-value');
		expect(everything).not.toContain('remembered-secret-value-123');
	});

	it('a throw site of the core names its field and rule as data (project id)', () => {
		const error = caught(
			() => new VertexClient({ credential: { kind: 'accessToken', accessToken: 'ya29.abcdefgh' }, projectId: 'Bad Project', location: 'us-central1' }),
		) as VertexValidationError;
		expect(error).toBeInstanceOf(VertexValidationError);
		expect(error.message).toMatch(/^projectId "Bad Project" is not a Google Cloud project id/);
		expect(error.parts[0]).toEqual({ field: 'projectId' });
		expect(error.rule).toMatch(/project id .*or project number/);
	});

	it("a schema's message names the field by its path, and keeps the schema's word for it in the text", () => {
		const error = caught(() =>
			parseInput(deployModelInputSchema, {
				endpoint: 'e',
				model: 'm',
				deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4', acceleratorCount: 1.5 } } },
			}),
		) as VertexValidationError;
		expect(error.field).toBe('deployedModel.dedicatedResources.machineSpec.acceleratorCount');
		expect(error.message).toMatch(/^acceleratorCount must be/);
		expect(error.parts[0]).toEqual({ field: 'deployedModel.dedicatedResources.machineSpec.acceleratorCount', as: 'acceleratorCount' });
	});
});

describe('schema messages that name other fields', () => {
	it('name them as data by their full paths, keeping the keys in the text', () => {
		const error = caught(() =>
			parseInput(deployModelInputSchema, {
				endpoint: 'e',
				model: 'm',
				deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 3, maxReplicaCount: 2 } },
			}),
		) as VertexValidationError;
		expect(error.message).toBe('maxReplicaCount (2) must be >= minReplicaCount (3).');
		expect(error.parts).toContainEqual({ field: 'deployedModel.dedicatedResources.minReplicaCount', as: 'minReplicaCount' });
		expect(error.field).toBe('deployedModel.dedicatedResources.maxReplicaCount');
	});

	it('at the top level too', () => {
		const error = caught(() =>
			parseInput(deployModelInputSchema, {
				endpoint: 'e',
				model: 'm',
				deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } },
				trafficPercentage: 50,
				trafficSplit: { '0': 100 },
			}),
		) as VertexValidationError;
		expect(error.message).toMatch(/^Give either trafficPercentage or trafficSplit, not both\./);
		expect(error.parts).toContainEqual({ field: 'trafficPercentage', as: 'trafficPercentage' });
	});
});

describe('VertexApiError', () => {
	it("carries the ErrorInfo reason and the details as data", () => {
		const body = JSON.stringify({
			error: {
				code: 403,
				status: 'PERMISSION_DENIED',
				message: 'Vertex AI API has not been used in project 123 before or it is disabled.',
				details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com' }],
			},
		});
		const error = apiErrorFromResponse(403, body);
		expect(error.reason).toBe('SERVICE_DISABLED');
		expect(error.details).toEqual([expect.objectContaining({ reason: 'SERVICE_DISABLED' })]);
		expect(apiErrorFromResponse(404, 'not here').reason).toBeUndefined();
	});

	it('a taken id suggests reusing it, as a setting, and names the id field', async () => {
		const taken = new VertexApiError('exists', 409, 'ALREADY_EXISTS');
		const error = (await createOrUseExisting(
			() => Promise.reject(taken),
			() => Promise.resolve({}),
			{ kind: 'Model', id: 'base', idField: 'modelId', parent: 'projects/p/locations/l', ifExists: 'fail' },
		).catch((failure: unknown) => failure)) as VertexApiError;
		expect(error.summary).toBe(`Model "base" already exists. Choose another modelId, or reuse the existing one (ifExists: 'use').`);
		expect(error.suggestion).toEqual({ field: 'ifExists', value: 'use' });
		expect(error.summaryParts).toContainEqual({ field: 'modelId' });
	});
});
