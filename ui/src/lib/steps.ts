// Start-up steps for the start-up benchmark (benches/startup): when, in ms
// since the page began loading, the window first reached each one. The core
// prints them with HEARKEN_BENCH=1 once the Inbox is painted.

export const startSteps: Record<string, number> = {};

/** Notes the first time `step` is reached; later calls keep the first time. */
export function markStep(step: string): void {
  startSteps[step] ??= Math.round(performance.now());
}

/** The steps as `name=ms` pairs in the order reached, e.g. "script=90 asked=120". */
export function describeSteps(steps: Record<string, number> = startSteps): string {
  return Object.entries(steps)
    .sort(([, a], [, b]) => a - b)
    .map(([step, ms]) => `${step}=${ms}`)
    .join(' ');
}
