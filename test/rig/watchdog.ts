/**
 * Preloaded into the uvu child by run-tests (`node --import …/watchdog.js`): when the runner
 * goes away (its IPC channel closes), the tests stop too instead of running on against a rig
 * that is being torn down or reaped.
 */
if (process.send && process.channel) {
  process.on('disconnect', () => {
    process.stderr.write('\n[run-tests] the test runner went away: stopping the tests\n');
    process.exit(1);
  });
  // Do not let the channel keep uvu alive once the tests are done.
  process.channel.unref();
}
export {};
