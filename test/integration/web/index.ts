/**
 * The extension-host test runner of the web run (the web-worker extension host loads it as
 * `extensionTestsPath`): mocha's browser build with the suites bundled in: the web host's own checks,
 * the cold start, and the whole editor suite of the desktop run (diagnostics, fixes, hints, hovers, the
 * preview, notebooks, the workspace scan and imports), Monte Carlo in the preview's own worker, the walkthrough's localised page, and the runaway file (its seam, the worker's
 * busy-wait, runs in the Web Worker as in a `worker_threads` one). The observability suite reads the
 * log files through Node's `fs`: it runs on desktop only.
 */

/** The part of mocha's browser build used here. */
interface BrowserMocha {
  setup(options: Record<string, unknown>): void;
  run(done: (failures: number) => void): void;
}

/** Mocha's browser build, run as a script (test/integration/build.mjs): it sets the `mocha` global. */
function loadMocha(): BrowserMocha {
  require('mocha/mocha.js');
  return (globalThis as unknown as { mocha: BrowserMocha }).mocha;
}

export function run(): Promise<void> {
  const mocha = loadMocha();
  mocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: false });
  // Loaded after setup: mocha's `describe`/`it` globals exist from here on.
  require('./host.test');
  require('../coldStart.test');
  require('../editor.test');
  require('../previewMonteCarlo.test');
  require('../walkthroughL10n.test');
  require('../runaway.test');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration tests failed in the web host`)) : resolve()));
  });
}
