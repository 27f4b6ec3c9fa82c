/** A version named apart from its model (modelAtVersion): the model names no version, the version is one. */
import { MODEL_VERSION, modelAtVersion, VertexValidationError } from '../../lib';

function refusal(run: () => unknown): VertexValidationError {
	try {
		run();
	} catch (error) {
		if (error instanceof VertexValidationError) return error;
		throw error;
	}
	throw new Error('no refusal');
}

describe('modelAtVersion', () => {
	it('joins a model and a version id or alias', () => {
		expect(modelAtVersion('my-model', '2')).toBe('my-model@2');
		expect(modelAtVersion(' projects/1/locations/us-central1/models/m ', ' prod ')).toBe('projects/1/locations/us-central1/models/m@prod');
	});

	it('refuses a model that names a version itself, naming the model and pointing at the version', () => {
		const error = refusal(() => modelAtVersion('my-model@1', '2'));
		expect(error.field).toBe('model');
		expect(error.message).toBe('model must name the model without a version (got "my-model@1"): put the version in version.');
	});

	it.each(['', '  ', 'Not A Version', '2@3'])('refuses the version %p, naming it', (version) => {
		const error = refusal(() => modelAtVersion('my-model', version));
		expect(error.field).toBe('version');
		if (version.trim()) expect(error.rule).toBe(MODEL_VERSION.rule);
	});
});
