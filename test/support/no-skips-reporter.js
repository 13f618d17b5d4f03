// A jest reporter that fails the run in CI (any non-empty CI variable) when a
// test was skipped or left as a todo: in CI every test must run, and a skip
// must never report green. On a laptop, skips (a missing tool) stay allowed.
class NoSkipsReporter {
  constructor() {
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    if (process.env.CI && skipped > 0) {
      this.error = new Error(`${skipped} test(s) skipped or todo under CI: in CI every test must run`);
      process.stderr.write(`\n${this.error.message}\n`);
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = NoSkipsReporter;
