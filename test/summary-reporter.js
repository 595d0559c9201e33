/**
 * Prints one plain closing line, `Tests: N passed, N failed` (with `, N skipped` when
 * any were), after Jest's own summary, so that CI reads the outcome in any tool.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `Tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // Jest prints its own summary after every reporter has run; this line must come last.
    process.once('exit', () => process.stderr.write(`\n${line}\n`));
  }
}
module.exports = SummaryReporter;
