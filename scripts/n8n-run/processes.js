/*
 * Process control for the real-n8n runs: every child started here is tracked so an interrupted caller (the demo
 * on Ctrl-C) can end them all, and stopped with SIGTERM, then SIGKILL if it lingers.
 */
'use strict';

const net = require('node:net');
const { spawn } = require('node:child_process');

const { nodeEnv } = require('../n8n-install');

/**
 * How a child process ended.
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null }} Exit
 */

/**
 * A child started by startProcess: its output so far and its exit to come.
 * @typedef {object} RunningProcess
 * @property {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable>} child
 * @property {() => string} logs
 * @property {Promise<Exit>} exited
 */

/** Every child process this module started and that is still running: what stopChildren() ends. */
/** @type {Set<import('node:child_process').ChildProcess>} */
const liveChildren = new Set();

/**
 * Spawns `command` with stdin closed and stdout/stderr piped, tracked for stopChildren(). Its logs are stdout and
 * stderr as they arrive, or stderr alone with `logStdout: false` (for a caller that reads stdout itself).
 * @param {string} command
 * @param {readonly string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 * @param {{ logStdout?: boolean }} [logging]
 * @returns {RunningProcess}
 */
function startProcess(command, args, options = {}, { logStdout = true } = {}) {
	const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	liveChildren.add(child);
	child.on('exit', () => liveChildren.delete(child));
	let output = '';
	/** @param {Buffer} data */
	const keep = (data) => (output += data);
	if (logStdout) child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	/** @type {Promise<Exit>} */
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	return { child, logs: () => output, exited };
}

/**
 * SIGTERM, then SIGKILL if the child is still running after graceMs; resolves once it has exited.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} graceMs
 * @returns {Promise<void>}
 */
function stopChild(child, graceMs) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

/**
 * Stops every child still running (n8n runs, n8n servers, emulators, Redis, PostgreSQL) and waits for them to exit.
 * @param {{ graceMs?: number }} [options]
 * @returns {Promise<void>}
 */
async function stopChildren({ graceMs = 10_000 } = {}) {
	await Promise.all([...liveChildren].map((child) => stopChild(child, graceMs)));
}

/**
 * Resolves once the process has logged a line matching `ready`; rejects if it cannot start, exits first, or
 * `timeoutMs` passes. `name` and `hint` make the errors say what failed and what to do.
 * @param {RunningProcess} running
 * @param {RegExp} ready
 * @param {{ name: string, timeoutMs: number, hint?: string }} options
 * @returns {Promise<void>}
 */
function waitForLog({ child, logs }, ready, { name, timeoutMs, hint = '' }) {
	return new Promise((resolve, reject) => {
		/** @type {NodeJS.Timeout | undefined} */
		let poll;
		/** @param {Error | undefined} error */
		const settle = (error) => {
			clearTimeout(deadline);
			clearTimeout(poll);
			child.off('error', onError);
			child.off('exit', onExit);
			if (error) reject(error);
			else resolve();
		};
		const deadline = setTimeout(() => settle(new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${lastLines(logs(), 20)}`)), timeoutMs);
		/** @param {Error} error */
		const onError = (error) => settle(new Error(`could not start ${name}${hint ? ` (${hint})` : ''}: ${error.message}`));
		/** @param {number | null} code */
		const onExit = (code) => settle(new Error(`${name} exited with ${code} before it was ready:\n${lastLines(logs(), 20)}`));
		child.on('error', onError);
		child.on('exit', onExit);
		const check = () => {
			if (ready.test(logs())) settle(undefined);
			else poll = setTimeout(check, 50);
		};
		check();
	});
}

/**
 * A free TCP port on 127.0.0.1 (asked from the kernel, then released for the caller's server to take).
 * @returns {Promise<number>}
 */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/**
 * The last `count` lines of a process's output, for error messages.
 * @param {string} text
 * @param {number} count
 */
function lastLines(text, count) {
	return text.trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * Runs a command (not tracked: tar, npm, initdb) to completion; resolves to its output, rejects with its last
 * lines when it fails.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, uid?: number, gid?: number }} [options] env defaults to nodeEnv()
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
function runCommand(command, args, { env = nodeEnv(), ...options } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { ...options, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (data) => (stdout += data));
		child.stderr.on('data', (data) => (stderr += data));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${lastLines(stderr || stdout, 20)}`));
		});
	});
}

module.exports = { freePort, lastLines, runCommand, startProcess, stopChild, stopChildren, waitForLog };
