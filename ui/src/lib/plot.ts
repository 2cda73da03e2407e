// The one place that makes a uPlot chart: tests replace this module (jsdom
// has no canvas), everything that decides what a chart shows lives in charts.ts.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type Plot = {
  setSize(size: { width: number; height: number }): void;
  destroy(): void;
};

export function createPlot(options: uPlot.Options, data: uPlot.AlignedData, target: HTMLElement): Plot {
  return new uPlot(options, data, target);
}
