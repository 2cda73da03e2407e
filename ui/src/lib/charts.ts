// What the Dashboard's charts draw: uPlot options built from the figures and
// the theme's colours. Building options draws nothing (see plot.ts).
import type uPlot from 'uplot';
import type { BucketSize } from './bindings/BucketSize';
import { scoreText, type ChartColours, type VolumeLayer } from './dashboard';
import type { Plotting } from './plot';

export type ChartSpec = { options: uPlot.Options; data: uPlot.AlignedData };

const DAY = 86_400;

function bucketSecs(bucket: BucketSize): number {
  return bucket === 'week' ? 7 * DAY : DAY;
}

/** Axis dates in the owner's own words ("3 Mar"), with the year when the chart spans most of one. */
function dateTicks(x: number[]): (u: uPlot, splits: number[]) => string[] {
  const first = x[0] ?? 0;
  const last = x[x.length - 1] ?? first;
  const format: Intl.DateTimeFormatOptions =
    last - first > 300 * DAY ? { day: 'numeric', month: 'short', year: '2-digit' } : { day: 'numeric', month: 'short' };
  return (_u, splits) => splits.map((s) => new Date(s * 1000).toLocaleDateString(undefined, format));
}

/** Ticks under the bars themselves (every so many, as the width allows), counted back from the latest. */
function bucketTicks(x: number[]): (u: uPlot) => number[] {
  return (u) => {
    const room = Math.max(2, Math.floor((u.width || 600) / 90));
    const step = Math.max(1, Math.ceil(x.length / room));
    const ticks: number[] = [];
    for (let i = x.length - 1; i >= 0; i -= step) ticks.unshift(x[i] ?? 0);
    return ticks;
  };
}

function bucketLabel(bucket: BucketSize): (u: uPlot, v: number | null) => string {
  return (_u, v) => {
    if (v === null) return '–';
    const day = new Date(v * 1000).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
    return bucket === 'week' ? `week of ${day}` : day;
  };
}

function axes(colours: ChartColours, x: number[], y: Partial<uPlot.Axis>): uPlot.Axis[] {
  const common = {
    stroke: colours.axis,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1, size: 4 },
  };
  return [
    { ...common, values: dateTicks(x), splits: bucketTicks(x), grid: { show: false } },
    { ...common, size: 48, ...y },
  ];
}

/** Keeps the bars whole at both ends of the time axis. */
function paddedTime(bucket: BucketSize): uPlot.Scale {
  const half = bucketSecs(bucket) / 2;
  return { time: true, range: (_u, min, max) => [min - half, max + half] };
}

const NO_ZOOM: uPlot.Cursor = { drag: { setScale: false, x: false, y: false }, points: { show: false } };

/**
 * Stacked bars of mentions per bucket by label. uPlot does not stack, so
 * each layer is drawn as the top of the stack up to it, tallest first, and
 * the layers below paint over it; the legend shows each label's own count.
 */
export function volumeChart(
  input: { x: number[]; layers: VolumeLayer[]; bucket: BucketSize },
  colours: ChartColours,
  width: number,
  height: number,
  U: Plotting,
): ChartSpec {
  const drawOrder = [...input.layers].reverse();
  const bars = U.paths.bars?.({ size: [0.85, 56], gap: 1 });
  const series: uPlot.Series[] = [
    { label: input.bucket === 'week' ? 'Week' : 'Day', value: bucketLabel(input.bucket) },
    ...drawOrder.map(
      (layer): uPlot.Series => ({
        label: layer.name,
        stroke: colours[layer.key],
        fill: colours[layer.key],
        width: 0,
        paths: bars,
        points: { show: false },
        value: (_u, _v, _si, idx) =>
          idx === null || idx === undefined
            ? String(layer.counts.reduce((a, b) => a + b, 0))
            : String(layer.counts[idx] ?? 0),
      }),
    ),
  ];
  return {
    options: {
      width,
      height,
      series,
      cursor: NO_ZOOM,
      legend: { show: true, live: true },
      scales: {
        x: paddedTime(input.bucket),
        y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil((max || 0) * 1.08))] },
      },
      axes: axes(colours, input.x, {
        incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000],
        values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? v.toLocaleString() : '')),
      }),
    },
    data: [input.x, ...drawOrder.map((l) => l.tops)],
  };
}

/** The mean sentiment per bucket, −1 to +1, with gaps where nothing was scored. */
export function sentimentChart(
  input: { x: number[]; y: (number | null)[]; bucket: BucketSize },
  colours: ChartColours,
  width: number,
  height: number,
): ChartSpec {
  return {
    options: {
      width,
      height,
      cursor: NO_ZOOM,
      legend: { show: true, live: true },
      series: [
        { label: input.bucket === 'week' ? 'Week' : 'Day', value: bucketLabel(input.bucket) },
        {
          label: 'Average sentiment',
          stroke: colours.line,
          width: 2,
          spanGaps: false,
          points: { show: true, size: 5, fill: colours.line, stroke: colours.line },
          value: (_u, v) => (v === null || v === undefined ? '–' : scoreText(v)),
        },
      ],
      scales: { x: paddedTime(input.bucket), y: { range: [-1, 1] } },
      axes: axes(colours, input.x, {
        splits: () => [-1, -0.5, 0, 0.5, 1],
        values: (_u, splits) => splits.map((v) => scoreText(v)),
        grid: { stroke: colours.grid, width: 1 },
      }),
      hooks: {
        // The neutral line, a little stronger than the grid.
        drawAxes: [
          (u) => {
            const y = u.valToPos(0, 'y', true);
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = colours.zero;
            ctx.lineWidth = 1 * (window.devicePixelRatio || 1);
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    },
    data: [input.x, input.y],
  };
}
