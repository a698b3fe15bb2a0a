/**
 * A tool some tests need (zsh, Chromium) that this machine may lack. Outside CI those tests are skipped and the run
 * says so; in CI (CI set, as .ci/run and CI services set it) they are never skipped: they run and fail with the
 * reason, so a green CI run is one in which every test ran.
 */
export interface ToolCheck {
  /** Why the tests are skipped here; `undefined` when they run. */
  readonly skipped: string | undefined;
  /** At the start of each test (or its suite's beforeAll): fails it, naming what is missing, when that is so. */
  require(): void;
}

/** `missing`: what is not there (`zsh is not installed`), or `undefined` when the tool is. */
export function missingTool(tests: string, missing: string | undefined): ToolCheck {
  const skipped = missing !== undefined && !process.env.CI ? missing : undefined;
  if (skipped) console.warn(`Skipped ${tests}: ${skipped}. CI runs them.`);
  return {
    skipped,
    require() {
      if (missing !== undefined) throw new Error(`CI never skips ${tests}, and ${missing}.`);
    },
  };
}
