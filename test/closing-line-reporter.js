// Ends a jest run with one plain line, "Tests: N passed, N failed, N skipped", that any CI log reader can count.
// Written at process exit, so it comes after jest's own summary.
class ClosingLineReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		const line = `Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
		process.once('exit', () => process.stderr.write(line));
	}
}

module.exports = ClosingLineReporter;
