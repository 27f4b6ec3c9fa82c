/*
 * n8n processes that serve (`n8n start`, `n8n worker`): spawned on free ports of 127.0.0.1 and handed back once
 * their /healthz/readiness answers.
 */
'use strict';

const { spawnN8n } = require('./instance');
const { freePort, lastLines, stopChild } = require('./processes');

/**
 * A served n8n process: the caller's own fields are added to it (startReadyN8nProcess).
 * @typedef {object} N8nProcess
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} [readyAfterMs]
 * @property {() => string} logs
 * @property {(options?: { graceMs?: number }) => Promise<import('./processes').Exit>} stop SIGTERM, then SIGKILL after graceMs
 */

/** @typedef {N8nProcess & { baseUrl: string, port: number }} N8nServer */

/**
 * Polls `baseUrl`/healthz/readiness until it answers 2xx; throws with the process's last log lines if it exits
 * first or `timeoutMs` passes.
 * @param {string} baseUrl
 * @param {{ child: import('node:child_process').ChildProcess, timeoutMs?: number, logs: () => string }} options
 */
async function waitForReady(baseUrl, { child, timeoutMs = 120_000, logs }) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`n8n exited with ${child.exitCode} before it was ready:\n${lastLines(logs(), 30)}`);
		try {
			const response = await fetch(`${baseUrl}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`n8n was not ready within ${timeoutMs / 1000} s:\n${lastLines(logs(), 30)}`);
}

/**
 * Spawns the installed n8n (`args`: its command and flags) in the instance's user folder with `env` on top of the
 * instance's, and resolves once `readyUrl`/healthz/readiness answers; one that does not get ready is stopped and
 * the error thrown. The handle gets the caller's own `fields(handle)`; its stop() uses `graceMs` unless told.
 * @template {object} Fields
 * @param {readonly string[]} args
 * @param {import('./instance').N8nInstance} instance
 * @param {Record<string, string>} env
 * @param {{ readyUrl: string, timeoutMs?: number, graceMs: number, fields: (handle: N8nProcess) => Fields }} options
 * @returns {Promise<N8nProcess & Fields>}
 */
async function startReadyN8nProcess(args, instance, env, { readyUrl, timeoutMs, graceMs, fields }) {
	const startedAt = Date.now();
	const { child, logs, exited } = await spawnN8n(instance, args, env);
	/** @type {N8nProcess} */
	const served = {
		child,
		logs,
		readyAfterMs: undefined,
		async stop({ graceMs: grace = graceMs } = {}) {
			await stopChild(child, grace);
			return await exited;
		},
	};
	const handle = Object.assign(served, fields(served));
	try {
		await waitForReady(readyUrl, { child, timeoutMs, logs });
	} catch (error) {
		await handle.stop();
		throw error;
	}
	handle.readyAfterMs = Date.now() - startedAt;
	return handle;
}

/**
 * `n8n start` bound to 127.0.0.1 on free ports; resolves once /healthz/readiness answers.
 * @param {import('./instance').N8nInstance} instance
 * @param {{ env?: Record<string, string>, timeoutMs?: number }} [options]
 * @returns {Promise<N8nServer>}
 */
async function startN8n(instance, { env = {}, timeoutMs } = {}) {
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const serverEnv = {
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		// The session cookie must travel over plain http on 127.0.0.1.
		N8N_SECURE_COOKIE: 'false',
		// This module fetches a catalogue from the internet at start (unreachable here: it only logs errors).
		N8N_DISABLED_MODULES: 'mcp-registry',
		...env,
	};
	return await startReadyN8nProcess(['start'], instance, serverEnv, {
		readyUrl: baseUrl,
		timeoutMs,
		graceMs: 20_000,
		fields: () => ({ baseUrl, port }),
	});
}

module.exports = { startN8n, startReadyN8nProcess };
