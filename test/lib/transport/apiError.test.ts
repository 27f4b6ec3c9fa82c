/**
 * A model server's JSON error body behind invoke: its own message leads the error, not the JSON it came in; the
 * whole body stays in `details`; a secret it echoes is replaced in both.
 */
import { forgetSecrets, rememberSecret } from '../../../lib/secrets';
import { apiErrorFromResponse } from '../../../lib/transport/apiError';

const MESSAGE = 'Model m failed: CUDA out of memory';

describe("a model server's own error message", () => {
	it.each([
		['KServe v2 / Triton', 500, { error: MESSAGE }, `The server answered: ${MESSAGE}.`],
		['TGI, with its error type', 422, { error: MESSAGE, error_type: 'validation' }, `The server answered: ${MESSAGE} (validation).`],
		['older vLLM', 400, { object: 'error', message: MESSAGE, type: 'BadRequestError' }, `The server answered: ${MESSAGE} (BadRequestError).`],
		[
			"TorchServe's ErrorResponse",
			503,
			{ code: 503, type: 'InternalServerException', message: MESSAGE },
			`The server answered: ${MESSAGE} (InternalServerException). The service is temporarily unavailable: retry later.`,
		],
	])('%s: the message, not the JSON, with the body kept in details', (_server, status, body, shown) => {
		const text = JSON.stringify(body, null, 2);
		const error = apiErrorFromResponse(status, text, { action: 'POST invoke' });
		expect(error.message).toBe(`${shown} (HTTP ${status}, POST invoke)`);
		expect(error.httpStatus).toBe(status);
		expect(error.details).toBe(text);
	});

	it.each([
		['a body of another shape', { detail: 'job already running' }],
		['an empty error', { error: '' }],
		['a TorchServe-like body without a message', { code: 503, type: 'ServiceUnavailableException' }],
	])('%s is quoted as it came', (_case, body) => {
		const text = JSON.stringify(body);
		expect(apiErrorFromResponse(500, text).summary).toBe(`The server answered: ${text}.`);
	});

	it('replaces a secret the message echoes, in the message and in the body kept', () => {
		const token = 'ya29.echoed-by-the-model-server-0123456789';
		rememberSecret(token);
		try {
			const error = apiErrorFromResponse(500, JSON.stringify({ error: `rejected Bearer ${token}` }), {}, ['sk-other-secret-value']);
			expect(error.summary).toContain('The server answered: rejected Bearer [redacted]');
			expect(JSON.stringify([error.message, error.details])).not.toContain(token);
		} finally {
			forgetSecrets();
		}
	});

	it('replaces a secret that the JSON escapes in the body but the message reads plain', () => {
		const secret = 'key"with\\quotes-0123456789';
		const error = apiErrorFromResponse(500, JSON.stringify({ error: `bad key ${secret}` }), {}, [secret]);
		expect(error.summary).toBe('The server answered: bad key [redacted].');
	});
});
