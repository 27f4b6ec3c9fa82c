import { forgetSecrets, rememberSecret, withoutEchoedSecrets } from '../../lib/secrets';

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
