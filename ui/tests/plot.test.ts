import { afterEach, describe, expect, test } from 'vitest';
import { createPlot, loadPlotting } from '../src/lib/plot';

afterEach(() => {
  // Back to jsdom's own navigator.language (on the prototype).
  delete (navigator as unknown as Record<string, unknown>).language;
});

describe('loading the chart library', () => {
  test('a "C" locale (a bare Linux session) does not stop charts from loading and drawing', async () => {
    // uPlot reads navigator.language as it loads; Intl refuses "C".
    Object.defineProperty(navigator, 'language', { configurable: true, get: () => 'C' });
    expect(() => new Intl.NumberFormat(navigator.language)).toThrow(RangeError);
    const U = await loadPlotting();
    expect(navigator.language).not.toBe('C');
    const el = document.createElement('div');
    document.body.append(el);
    const plot = createPlot(U, { width: 300, height: 120, series: [{}, { label: 'Mentions' }] }, [[1, 2], [3, 4]], el);
    expect(el.querySelector('.uplot canvas')).toBeTruthy();
    plot.destroy();
    expect(el.querySelector('.uplot')).toBeNull();
    el.remove();
  });
});
