/*
 * n8n's REST API as the editor calls it: the owner's session, then calls with its cookie.
 */
'use strict';

/**
 * @typedef {object} Owner
 * @property {string} email
 * @property {string} firstName
 * @property {string} lastName
 * @property {string} password
 */

/**
 * An execution as the editor lists it.
 * @typedef {{ id: string, status: string, mode: string, startedAt?: string, stoppedAt?: string, waitTill?: string | null, [key: string]: unknown }} ExecutionSummary
 */

/** @type {Owner} */
const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Selftest-Passw0rd' };

/**
 * The `n8n-auth` cookie from a response, as a Cookie header value.
 * @param {Response} response
 */
function authCookie(response) {
	const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
	const auth = cookies.map((cookie) => cookie.split(';')[0]).find((pair) => pair.startsWith('n8n-auth='));
	if (!auth) throw new Error(`no n8n-auth cookie in the response (status ${response.status})`);
	return auth;
}

/**
 * Sets up the owner account (first call on a fresh instance) and logs in; resolves to the Cookie header for REST
 * calls that need a session (/types/nodes.json, /rest/...).
 * @param {string} baseUrl
 * @param {Owner} [owner]
 * @returns {Promise<string>}
 */
async function ownerSession(baseUrl, owner = OWNER) {
	const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	// 400 when the owner exists already: log in instead.
	if (!setup.ok && setup.status !== 400) throw new Error(`owner setup failed: ${setup.status} ${await setup.text()}`);
	const login = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
	return authCookie(login);
}

/**
 * A REST call with the session cookie; resolves to the parsed JSON body (n8n wraps most in `data`).
 * @param {string} baseUrl
 * @param {string} cookie
 * @param {string} route
 * @param {{ method?: string, body?: unknown }} [options]
 * @returns {Promise<any>}
 */
async function restRequest(baseUrl, cookie, route, { method = 'GET', body } = {}) {
	const response = await fetch(`${baseUrl}${route}`, {
		method,
		headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
	return text ? JSON.parse(text) : undefined;
}

/**
 * The editor's "Test" button: POST /rest/credentials/test. An empty id tests unsaved data (the owner may); a stored
 * credential's id tests its data merged with what is sent.
 * @param {string} baseUrl
 * @param {string} cookie
 * @param {{ id?: string, name?: string, type: string, data: Record<string, unknown> }} credential
 * @returns {Promise<{ status: 'OK' | 'Error', message: string }>}
 */
async function testCredential(baseUrl, cookie, { id = '', name = 'Credential under test', type, data }) {
	const body = await restRequest(baseUrl, cookie, '/rest/credentials/test', { method: 'POST', body: { credentials: { id, name, type, data } } });
	return body.data;
}

/**
 * Executions of a workflow as the editor lists them (GET /rest/executions with a session), newest first. Pages of
 * 100 (n8n 2.41 refuses more) through `lastId` until all are read.
 * @param {string} baseUrl
 * @param {string} cookie
 * @param {{ workflowId?: string, pageSize?: number }} [options]
 * @returns {Promise<ExecutionSummary[]>}
 */
async function listExecutions(baseUrl, cookie, { workflowId, pageSize = 100 } = {}) {
	const filter = encodeURIComponent(JSON.stringify(workflowId ? { workflowId } : {}));
	/** @type {ExecutionSummary[]} */
	const all = [];
	for (let lastId; ; ) {
		const page = `/rest/executions?filter=${filter}&limit=${pageSize}${lastId === undefined ? '' : `&lastId=${lastId}`}`;
		/** @type {{ results: ExecutionSummary[] }} */
		const { results } = (await restRequest(baseUrl, cookie, page)).data;
		all.push(...results);
		if (results.length < pageSize) return all;
		lastId = Math.min(...results.map((execution) => Number(execution.id)));
	}
}

/**
 * Waits until `predicate(executions)` holds for the workflow's executions; resolves to them.
 * @param {string} baseUrl
 * @param {string} cookie
 * @param {{ workflowId: string, predicate(executions: ExecutionSummary[]): boolean, timeoutMs?: number, intervalMs?: number }} options
 * @returns {Promise<ExecutionSummary[]>}
 */
async function waitForExecutions(baseUrl, cookie, { workflowId, predicate, timeoutMs = 120_000, intervalMs = 500 }) {
	const deadline = Date.now() + timeoutMs;
	/** @type {ExecutionSummary[]} */
	let last = [];
	while (Date.now() < deadline) {
		last = await listExecutions(baseUrl, cookie, { workflowId });
		if (predicate(last)) return last;
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`executions of ${workflowId} did not reach the expected state within ${timeoutMs / 1000} s: ${JSON.stringify(last.map(({ id, status }) => ({ id, status })))}`);
}

module.exports = { listExecutions, ownerSession, restRequest, testCredential, waitForExecutions };
