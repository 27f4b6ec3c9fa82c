import { forgetSecrets, rememberSecret, withoutEchoedSecrets } from '../../lib/secrets';
import { toInvokeResponse } from '../../lib/invoke/response';

const TOKEN = 'ya29.a-token-the-client-sent-0123456789';

afterEach(() => forgetSecrets());

describe('withoutEchoedSecrets: an answer that echoes a token the package sent', () => {
	it('replaces every occurrence of the token in a text, keeping the rest', () => {
		rememberSecret(TOKEN);
		const shown = withoutEchoedSecrets(`you sent Bearer ${TOKEN}; again: ${TOKEN}`);
		expect(shown).not.toContain(TOKEN);
		expect(shown).toBe('you sent Bearer [redacted]; again: [redacted]');
	});

	it('gives a text without a remembered secret back as it is', () => {
		rememberSecret(TOKEN);
		expect(withoutEchoedSecrets('plain answer')).toBe('plain answer');
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
