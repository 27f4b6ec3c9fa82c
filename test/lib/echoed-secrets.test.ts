import { forgetSecrets, rememberSecret, withoutEchoedSecrets } from '../../lib/secrets';
import { toInvokeResponse } from '../../lib/invoke/response';

const TOKEN = 'ya29.a-token-the-client-sent-0123456789';

afterEach(() => forgetSecrets());

describe('withoutEchoedSecrets: an answer that echoes a token the package sent', () => {
	it('replaces the token in text and in parsed JSON, at any depth', () => {
		rememberSecret(TOKEN);
		expect(withoutEchoedSecrets(`you sent Bearer ${TOKEN}`)).not.toContain(TOKEN);
		const body = withoutEchoedSecrets({ echo: { headers: { authorization: `Bearer ${TOKEN}` } }, text: 'hi' });
		expect(JSON.stringify(body)).not.toContain(TOKEN);
		expect(body.text).toBe('hi');
	});

	it('gives an answer without a remembered secret back as it is (the same object)', () => {
		rememberSecret(TOKEN);
		const body = { text: 'hello', ids: [1, 2] };
		expect(withoutEchoedSecrets(body)).toBe(body);
		expect(withoutEchoedSecrets('plain answer')).toBe('plain answer');
		expect(withoutEchoedSecrets(null)).toBeNull();
	});
});

describe("an invoke response's text and JSON: every reader gets an echoed token replaced", () => {
	const answer = (text: string) =>
		toInvokeResponse({
			status: 200,
			headers: { 'content-type': 'application/json' },
			body: (async function* () {
				yield Buffer.from(text);
			})(),
		});

	it('replaces the token in the JSON an answer parses to (as the chat model and embeddings read it) and in its text', async () => {
		rememberSecret(TOKEN);
		const echoed = JSON.stringify({ choices: [{ message: { content: `you sent Bearer ${TOKEN}` } }], debug: { authorization: `Bearer ${TOKEN}` } });
		const parsed = await answer(echoed).json();
		expect(JSON.stringify(parsed)).not.toContain(TOKEN);
		expect(JSON.stringify(parsed)).toContain('[redacted]');
		expect(await answer(echoed).text()).not.toContain(TOKEN);
	});

	it('parses an answer without a remembered secret as it is', async () => {
		rememberSecret(TOKEN);
		expect(await answer('{"text":"hello","n":[1,2]}').json()).toEqual({ text: 'hello', n: [1, 2] });
		expect(await answer('plain').text()).toBe('plain');
	});
});
