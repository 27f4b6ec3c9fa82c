'use strict';
/**
 * The raw contender: what a hand-written program would do with undici alone. One access token minted by hand (a
 * service-account JWT signed with node:crypto and exchanged at the emulator's token URL), then plain
 * `undici.request` calls on a keep-alive Agent of its own, with no checks, no retries and no error mapping.
 */
const { createSign } = require('node:crypto');
const { readFileSync } = require('node:fs');

const { Agent, request } = require('undici');

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Exchanges a self-made service-account assertion for an access token (one token request). */
async function mintAccessToken(facts) {
	const key = JSON.parse(readFileSync(facts.serviceAccountKeyFile, 'utf8'));
	const now = Math.floor(Date.now() / 1000);
	const unsigned = `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url({ iss: key.client_email, scope: CLOUD_PLATFORM, aud: facts.tokenUrl, iat: now, exp: now + 3600 })}`;
	const signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key, 'base64url');
	const response = await fetch(facts.tokenUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${unsigned}.${signature}` }),
	});
	if (!response.ok) throw new Error(`the token URL answered ${response.status}`);
	return (await response.json()).access_token;
}

/** The invoke URL of a route of a bench endpoint (the default one unless named), as the core client builds it for a custom API base. */
function invokeUrl(world, route, endpoint = world.endpoint) {
	const { baseUrl, projectId, location } = world.facts;
	return `${baseUrl}/v1/projects/${projectId}/locations/${location}/endpoints/${endpoint}/invoke${route}`;
}

/** A raw client with its own Agent (at most `connections` sockets, as many as the calls in flight). */
async function rawClient(world, { connections }) {
	const token = await mintAccessToken(world.facts);
	const agent = new Agent({ connections, keepAliveTimeout: 30_000 });
	return {
		/** POSTs a JSON body and returns the response (statusCode, headers, body) as undici gives it. */
		post: (url, json) =>
			request(url, {
				dispatcher: agent,
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify(json),
			}),
		/** POSTs text as it is and reads the answer as text: the least work a program can do per call. */
		postText: async (url, text) => {
			const response = await request(url, {
				dispatcher: agent,
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: text,
			});
			return { statusCode: response.statusCode, text: await response.body.text() };
		},
		token,
		close: () => agent.close(),
	};
}

module.exports = { invokeUrl, mintAccessToken, rawClient };
