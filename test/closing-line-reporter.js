// Ends a jest run with one plain line, "Tests: N passed, N failed, N skipped", that any CI log reader can count.
class ClosingLineReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		process.stderr.write(
			`Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
		);
	}
}

module.exports = ClosingLineReporter;
