// The one place that loads uPlot and makes a chart. uPlot is loaded on
// first use (only the Dashboard needs it), so a chart library that fails
// to load can cost a chart, never the whole window.
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type Plotting = typeof uPlot;

export type Plot = {
  setSize(size: { width: number; height: number }): void;
  destroy(): void;
};

let loading: Promise<Plotting> | null = null;

/**
 * uPlot formats numbers with `navigator.language` as it loads; under a
 * "C" or "POSIX" locale (a bare Linux session) that tag is not valid and
 * Intl throws. Such a session gets the browser's own default instead.
 */
function guardLocale(): void {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    const fallback = new Intl.NumberFormat().resolvedOptions().locale;
    Object.defineProperty(navigator, 'language', { configurable: true, get: () => fallback });
  }
}

export function loadPlotting(): Promise<Plotting> {
  loading ??= (async () => {
    guardLocale();
    return (await import('uplot')).default;
  })();
  // A failed load may succeed next time (for example after an update).
  loading.catch(() => (loading = null));
  return loading;
}

export function createPlot(U: Plotting, options: uPlot.Options, data: uPlot.AlignedData, target: HTMLElement): Plot {
  return new U(options, data, target);
}
