/*
 * What the set-up scripts that fetch a test's system packages (ensure-chromium.js, ensure-redis.js) share:
 * their tagged log lines, a program's `--version`, and installing Debian packages with apt-get when we are
 * root on Debian (as in CI), or else saying what to do.
 */
'use strict';

const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

/** `log` and `fail` lines tagged `[tag]`; `fail` ends the script with exit code 1. */
function reporter(tag) {
	return {
		log(line) {
			process.stdout.write(`[${tag}] ${line}\n`);
		},
		fail(line) {
			process.stderr.write(`[${tag}] ${line}\n`);
			process.exit(1);
		},
	};
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

/** `<bin> --version`: { version } when it runs, else { problem } saying why not (the last lines it printed). */
function versionOf(bin) {
	const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
	if (result.status === 0) return { version: result.stdout.trim() };
	if (result.error) return { problem: result.error.message };
	const said = (result.stderr || result.stdout || '').trim().split('\n').filter(Boolean).slice(-3).join(' | ');
	return { problem: `${result.signal ? `killed by ${result.signal}` : `exit ${result.status}`}${said ? `: ${said}` : ''}` };
}

/** Runs a command with its output shown as it goes (apt-get prints its own progress); a failure ends the script. */
function run(report, command, args) {
	report.log(`$ ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	if (result.error) report.fail(`${command} could not be started: ${result.error.message}`);
	if (result.status !== 0) report.fail(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/**
 * Installs Debian's `packages` (apt-get update, then install -y with `options`), saying `installing` first. Off
 * Debian, or when not root, it ends the script instead: `missing` says what is missing, `elsewhere` what to do
 * off Debian; not root, it gives the sudo command.
 */
function aptInstall(report, { packages, options = [], missing, elsewhere, installing }) {
	if (!isDebian()) report.fail(`${missing} and this is not Debian: ${elsewhere}`);
	if (!isRoot()) report.fail(`${missing}: run as root, or install with: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`);
	report.log(installing);
	run(report, 'apt-get', ['update']);
	run(report, 'apt-get', ['install', '-y', ...options, ...packages]);
}

module.exports = { aptInstall, reporter, versionOf };
