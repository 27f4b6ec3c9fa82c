#!/usr/bin/env node
/*
 * Makes sure the headless browser of the editor screenshot test (test/editor) is there: Debian's
 * `chromium` package at /usr/bin/chromium. Installs it with apt-get when it is missing and we are
 * root on Debian (as in CI); otherwise says what to do. Exit code 0 when Chromium is usable.
 */
'use strict';

const fs = require('node:fs');

const { aptInstall, reporter, versionOf } = require('./apt');

const CHROMIUM = '/usr/bin/chromium';
const report = reporter('ensure-chromium');
const { log, fail } = report;

function main() {
	if (fs.existsSync(CHROMIUM)) {
		const { version, problem } = versionOf(CHROMIUM);
		// Present but broken (missing libraries, wrong architecture): the editor test would fail later and less clearly.
		if (!version) fail(`${CHROMIUM} exists but \`${CHROMIUM} --version\` fails (${problem}): repair or reinstall it, e.g. apt-get install --reinstall chromium`);
		log(`found ${version}`);
		return;
	}
	aptInstall(
		report,
		{
			packages: ['chromium'],
			missing: `${CHROMIUM} is missing`,
			elsewhere: `install Chromium so that ${CHROMIUM} exists (the editor test launches that path).`,
			installing: "Chromium is missing: installing Debian's chromium package (a few minutes on a cold machine)",
		},
	);
	const { version, problem } = versionOf(CHROMIUM);
	if (!version) fail(`apt-get finished but ${CHROMIUM} --version does not run (${problem})`);
	log(`installed ${version}`);
}

main();
