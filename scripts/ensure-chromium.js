#!/usr/bin/env node
/*
 * Makes sure the headless browser of the editor screenshot test (test/editor) is there: Debian's
 * `chromium` package at /usr/bin/chromium. Installs it with apt-get when it is missing and we are
 * root on Debian (as in CI); otherwise says what to do. Exit code 0 when Chromium is usable.
 */
'use strict';

const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const CHROMIUM = '/usr/bin/chromium';

function log(line) {
	process.stdout.write(`[ensure-chromium] ${line}\n`);
}

function fail(line) {
	process.stderr.write(`[ensure-chromium] ${line}\n`);
	process.exit(1);
}

function isDebian() {
	try {
		return /^ID(_LIKE)?=.*debian/m.test(fs.readFileSync('/etc/os-release', 'utf8'));
	} catch {
		return false;
	}
}

function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a command with its output shown as it goes (apt-get prints its own progress). */
function run(command, args) {
	log(`$ ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	if (result.error) fail(`${command} could not be started: ${result.error.message}`);
	if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** `chromium --version`: { version } when it runs, else { problem } saying why not. */
function chromiumVersion() {
	const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
	if (result.status === 0) return { version: result.stdout.trim() };
	if (result.error) return { problem: result.error.message };
	const said = (result.stderr || result.stdout || '').trim().split('\n').filter(Boolean).slice(-3).join(' | ');
	return { problem: `${result.signal ? `killed by ${result.signal}` : `exit ${result.status}`}${said ? `: ${said}` : ''}` };
}

function main() {
	if (fs.existsSync(CHROMIUM)) {
		const { version, problem } = chromiumVersion();
		// Present but broken (missing libraries, wrong architecture): the editor test would fail later and less clearly.
		if (!version) fail(`${CHROMIUM} exists but \`${CHROMIUM} --version\` fails (${problem}): repair or reinstall it, e.g. apt-get install --reinstall chromium`);
		log(`found ${version}`);
		return;
	}
	if (!isDebian()) {
		fail(`${CHROMIUM} is missing and this is not Debian: install Chromium so that ${CHROMIUM} exists (the editor test launches that path).`);
	}
	if (!isRoot()) {
		fail(`${CHROMIUM} is missing: run as root, or install it yourself with: sudo apt-get update && sudo apt-get install -y chromium`);
	}
	log('Chromium is missing: installing Debian\'s chromium package (a few minutes on a cold machine)');
	run('apt-get', ['update']);
	run('apt-get', ['install', '-y', 'chromium']);
	const { version, problem } = chromiumVersion();
	if (!version) fail(`apt-get finished but ${CHROMIUM} --version does not run (${problem})`);
	log(`installed ${version}`);
}

main();
