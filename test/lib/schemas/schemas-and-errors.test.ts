import {
	apiErrorFromResponse,
	createEndpointInputSchema,
	parseInput,
	uploadModelInputSchema,
	VertexApiError,
	VertexValidationError,
} from '../support/lib-internals';

function fieldOf(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		if (error instanceof VertexValidationError) return error.field;
		throw error;
	}
	throw new Error('no validation error');
}

const spec = (containerSpec: Record<string, unknown>) => ({ model: { displayName: 'm', containerSpec: { imageUri: 'img', ...containerSpec } } });

describe('request schemas', () => {
	it('normalises durations and int64 values to their JSON forms', () => {
		const parsed = parseInput(uploadModelInputSchema, spec({ deploymentTimeout: '1.5s', sharedMemorySizeMb: '2048' }));
		expect(parsed.model.containerSpec).toMatchObject({ deploymentTimeout: '1.5s', sharedMemorySizeMb: '2048' });
		const endpoint = parseInput(createEndpointInputSchema, { endpoint: { displayName: 'e', clientConnectionConfig: { inferenceTimeout: 3600 } } });
		expect(endpoint.endpoint.clientConnectionConfig?.inferenceTimeout).toBe('3600s');
		expect(endpoint.ifExists).toBe('fail');
		expect(endpoint.endpoint.dedicatedEndpointEnabled).toBe(true);
	});

	it('treats form blanks as unset', () => {
		const parsed = parseInput(uploadModelInputSchema, { ...spec({ predictRoute: '', invokeRoutePrefix: '/*' }), modelId: '', serviceAccount: '' });
		expect(parsed.modelId).toBeUndefined();
		expect(parsed.model.containerSpec.predictRoute).toBeUndefined();
	});

	it.each([
		[spec({ deploymentTimeout: '10m' }), 'model.containerSpec.deploymentTimeout'],
		[spec({ sharedMemorySizeMb: -1 }), 'model.containerSpec.sharedMemorySizeMb'],
		[spec({ ports: [{ containerPort: 70000 }] }), 'model.containerSpec.ports[0].containerPort'],
		[spec({ env: [{ name: '1BAD', value: 'x' }] }), 'model.containerSpec.env[0].name'],
		[spec({ healthRoute: 'health' }), 'model.containerSpec.healthRoute'],
		[spec({ healthRoute: '/he alth' }), 'model.containerSpec.healthRoute'],
		[spec({ imageUri: 'us-docker.pkg.dev/p/r/server latest' }), 'model.containerSpec.imageUri'],
		[{ model: { displayName: 'm', labels: { Team: 'x' }, containerSpec: { imageUri: 'img' } } }, 'model.labels.Team'],
		[{ model: { displayName: '', containerSpec: { imageUri: 'img' } } }, 'model.displayName'],
		[{ model: { displayName: 'm' } }, 'model.containerSpec'],
		[{ ...spec({}), modelId: 'a'.repeat(64) }, 'modelId'],
		[{ ...spec({}), modelId: '1234567890' }, 'modelId'],
	])('rejects %j at %s', (input, field) => {
		expect(fieldOf(() => parseInput(uploadModelInputSchema, input))).toBe(field);
	});

	it('accepts the id formats Vertex allows', () => {
		for (const modelId of ['a', 'my-model-1', `a${'b'.repeat(62)}`, '1', '123456789']) {
			expect(parseInput(uploadModelInputSchema, { ...spec({}), modelId }).modelId).toBe(modelId);
		}
	});
});

describe('API error messages', () => {
	it('401 points at the credential', () => {
		const error = apiErrorFromResponse(401, JSON.stringify({ error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' } }));
		expect(error).toBeInstanceOf(VertexApiError);
		expect(error.status).toBe('UNAUTHENTICATED');
		expect(error.message).toMatch(/credential was rejected/);
	});

	it('404 keeps what was not found and hints at project/location', () => {
		const error = apiErrorFromResponse(
			404,
			JSON.stringify({ error: { code: 404, status: 'NOT_FOUND', message: 'endpoint "projects/1/locations/us-central1/endpoints/x" not found' } }),
			{ action: 'GET endpoint' },
		);
		expect(error.message).toContain('endpoints/x" not found');
		expect(error.message).toMatch(/project, location and id/);
		// The reason first, then what to do (a sentence of its own), then the status and the request.
		expect(error.message).toBe(
			'endpoint "projects/1/locations/us-central1/endpoints/x" not found. Check the project, location and id: the resource does not exist there (resources are regional: it may live in another location). (HTTP 404 NOT_FOUND, GET endpoint)',
		);
		expect(error.summary.startsWith('endpoint "projects/1/locations/us-central1/endpoints/x" not found. Check')).toBe(true);
		expect(error.context).toBe('HTTP 404 NOT_FOUND, GET endpoint');
	});

	it("keeps resource advice off a model server's own 404 and 409 (no gRPC status)", () => {
		const openAiStyle = apiErrorFromResponse(404, JSON.stringify({ error: { message: 'The model `gpt-x` does not exist', type: 'invalid_request_error' } }));
		const plain = apiErrorFromResponse(404, 'Not Found');
		const conflict = apiErrorFromResponse(409, JSON.stringify({ detail: 'job already running' }));
		for (const error of [openAiStyle, plain, conflict]) {
			expect(error.message).not.toMatch(/project, location and id|already exists\./);
		}
		expect(openAiStyle.message).toContain('The model `gpt-x` does not exist');
		expect(plain.message).toContain('Not Found');
	});

	it('blanks secrets out of any body text it keeps', () => {
		const error = apiErrorFromResponse(500, 'upstream said: token ya29.secret-token-value is bad', {}, ['ya29.secret-token-value']);
		expect(error.message).not.toContain('ya29.secret-token-value');
		expect(error.details).toBe('upstream said: token [redacted] is bad');
	});
});
