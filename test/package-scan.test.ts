/**
 * n8n's community package scan (scripts/scan-package.js) on the packed package and the sources: everything it
 * finds is a listed exception (scripts/scan-exceptions.json), and every exception still matches something. The scan
 * packs the current build once (it builds first only when dist/ is older than the sources).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { judge, readExceptions, subjectOf } from '../scripts/scan-package';

const ROOT = join(__dirname, '..');

type Finding = Parameters<typeof judge>[0][number];

const finding = (overrides: Partial<Finding>): Finding => ({
	target: 'tarball',
	file: 'dist/lib/polling.js',
	line: 1,
	rule: '@n8n/community-nodes/no-restricted-globals',
	message: "Use of restricted global 'setTimeout' is not allowed.",
	severity: 'error',
	...overrides,
});

describe("n8n's community package scan", () => {
	it('finds nothing on the packed package or the sources that the exception list does not give a reason for', () => {
		const scan = spawnSync(process.execPath, [join(ROOT, 'scripts', 'scan-package.js')], { cwd: ROOT, encoding: 'utf8' });
		const output = `${scan.stdout}${scan.stderr}`;
		expect(output).toMatch(/tarball: \d+ findings/);
		expect(output).toMatch(/sources: \d+ findings/);
		expect(output).toContain('0 not listed; 0 exceptions that match nothing.');
		expect(scan.status).toBe(0);
	}, 300_000);

	it('lists each exception with a rule, a file and a reason, once', () => {
		const exceptions = readExceptions();
		expect(exceptions.length).toBeGreaterThan(0);
		const keys = exceptions.map((exception) => `${exception.rule} ${exception.file}`);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('fails on a finding no exception covers: another file, another rule, or another name than the ones listed', () => {
		const exceptions = [{ rule: '@n8n/community-nodes/no-restricted-globals', file: 'dist/lib/polling.js', subjects: ['setTimeout'], reason: 'why' }];
		expect(judge([finding({})], exceptions)).toEqual({ unexpected: [], stale: [], excepted: 1 });
		const elsewhere = finding({ file: 'dist/nodes/VertexAiInvoke/liveForwarding.js' });
		const otherName = finding({ message: "Use of restricted global 'process' is not allowed" });
		const otherRule = finding({ rule: '@n8n/community-nodes/no-restricted-imports' });
		const verdict = judge([finding({}), elsewhere, otherName, otherRule], exceptions);
		expect(verdict.unexpected).toEqual([elsewhere, otherName, otherRule]);
		expect(verdict.excepted).toBe(1);
	});

	it('fails on an exception that no longer matches anything, or on a listed name that is no longer found', () => {
		const exceptions = [
			{ rule: '@n8n/community-nodes/no-restricted-globals', file: 'dist/lib/polling.js', subjects: ['setTimeout', 'clearTimeout'], reason: 'why' },
			{ rule: '@n8n/community-nodes/valid-author', file: 'package.json', reason: 'why' },
		];
		expect(judge([finding({})], exceptions).stale).toEqual([
			"@n8n/community-nodes/no-restricted-globals 'clearTimeout' in dist/lib/polling.js",
			'@n8n/community-nodes/valid-author in package.json',
		]);
	});

	it('reads what a finding is about from the first quoted name of its message', () => {
		expect(subjectOf("Require of 'node:fs' is not allowed.")).toBe('node:fs');
		expect(subjectOf('The "author" field must include a non-empty email')).toBeUndefined();
	});
});
