/**
 * The exit code for commander's own exits (an unknown command or option, a missing argument, help):
 * 0 for help asked for, else 2 like any command that could not run, never 1, which means a
 * discrepancy.
 */
export function usageExitCode(error: Error & { exitCode?: number }): number {
  return error.exitCode === 0 ? 0 : 2;
}
