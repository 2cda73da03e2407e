import uPlot from 'uplot';
import { describe, expect, test } from 'vitest';
import { sentimentChart, volumeChart } from '../src/lib/charts';
import {
  barShare,
  chartColours,
  durationWords,
  scoreText,
  sentimentPoints,
  sentimentSummary,
  volumeLayers,
  type ChartColours,
} from '../src/lib/dashboard';
import { dashboardData } from './backend';

function threeDays() {
  const d = dashboardData({ any_mentions: true });
  const labels = [
    { complaint: 2, negative: 1, neutral: 0, positive: 3, unscored: 0 },
    { complaint: 0, negative: 0, neutral: 0, positive: 0, unscored: 0 },
    { complaint: 1, negative: 0, neutral: 0, positive: 5, unscored: 1 },
  ];
  const buckets = labels.map((l, i) => ({
    ...d.buckets[i]!,
    labels: l,
    total: l.complaint + l.negative + l.neutral + l.positive + l.unscored,
    mean_sentiment: i === 1 ? null : i === 0 ? -0.3 : 0.4,
  }));
  return {
    ...d,
    buckets,
    total: 13,
    labels: { complaint: 3, negative: 1, neutral: 0, positive: 8, unscored: 1 },
    mean_sentiment: 0.1,
  };
}

const COLOURS: ChartColours = chartColours((name) => `#${name.length.toString(16).padStart(6, '0')}`);

describe('the figures as chart series', () => {
  test('the volume stacks each label on the ones below it, unhappy ones at the bottom, empty labels left out', () => {
    const { x, layers } = volumeLayers(threeDays());
    expect(x).toEqual([Date.UTC(2026, 1, 14) / 1000, Date.UTC(2026, 1, 15) / 1000, Date.UTC(2026, 1, 16) / 1000]);
    expect(layers.map((l) => l.key)).toEqual(['complaint', 'negative', 'positive', 'unscored']);
    expect(layers.map((l) => l.counts)).toEqual([
      [2, 0, 1],
      [1, 0, 0],
      [3, 0, 5],
      [0, 0, 1],
    ]);
    expect(layers.map((l) => l.tops)).toEqual([
      [2, 0, 1],
      [3, 0, 1],
      [6, 0, 6],
      [6, 0, 7],
    ]);
  });

  test('uPlot draws the tallest layer first, so each lower one paints over it, and the legend shows own counts', () => {
    const d = threeDays();
    const spec = volumeChart({ ...volumeLayers(d), bucket: 'day' }, COLOURS, 500, 200, uPlot);
    expect(spec.data).toEqual([volumeLayers(d).x, [6, 0, 7], [6, 0, 6], [3, 0, 1], [2, 0, 1]]);
    const series = spec.options.series.slice(1);
    expect(series.map((s) => s.label)).toEqual(['Not yet scored', 'Positive', 'Negative', 'Complaints']);
    expect(series.map((s) => s.fill)).toEqual([COLOURS.unscored, COLOURS.positive, COLOURS.negative, COLOURS.complaint]);
    const positive = series[1]!;
    const value = positive.value as (u: unknown, v: number, si: number, idx: number | null) => string;
    expect(value(null, 6, 2, 0)).toBe('3');
    expect(value(null, 6, 2, 2)).toBe('5');
    expect(value(null, 0, 2, null)).toBe('8');
    expect([spec.options.width, spec.options.height]).toEqual([500, 200]);
  });

  test('the time axis is labelled under the bars, as many as fit, counted back from today', () => {
    const d = dashboardData();
    const spec = volumeChart({ ...volumeLayers(d), bucket: 'day' }, COLOURS, 600, 200, uPlot);
    const splits = spec.options.axes?.[0]?.splits as unknown as (u: { width: number }) => number[];
    const x = d.buckets.map((b) => b.start_unix);
    const narrow = splits({ width: 600 });
    expect(narrow).toHaveLength(6);
    expect(narrow.every((t) => x.includes(t))).toBe(true);
    expect(narrow.at(-1)).toBe(x.at(-1));
    expect(splits({ width: 3000 })).toEqual(x);
  });

  test('days with nothing scored are gaps in the sentiment line, not zeros', () => {
    const d = threeDays();
    expect(sentimentPoints(d).y).toEqual([-0.3, null, 0.4]);
    const spec = sentimentChart({ ...sentimentPoints(d), bucket: 'week' }, COLOURS, 400, 150);
    expect(spec.data[1]).toEqual([-0.3, null, 0.4]);
    expect(spec.options.series[1]?.spanGaps).toBe(false);
    expect(spec.options.series[1]?.stroke).toBe(COLOURS.line);
    expect(spec.options.series[0]?.label).toBe('Week');
    expect(spec.options.scales?.y?.range).toEqual([-1, 1]);
  });

  test('colours come from the CSS variables, with grey when one is missing', () => {
    const colours = chartColours((name) => (name === '--chart-complaint' ? '  #b3412c ' : ''));
    expect(colours.complaint).toBe('#b3412c');
    expect(colours.positive).toBe('#888888');
  });
});

describe('the figures in words', () => {
  test('time to first contact reads as an owner would say it', () => {
    expect(durationWords(20)).toBe('under a minute');
    expect(durationWords(45 * 60)).toBe('45 min');
    expect(durationWords(3 * 3600 + 20 * 60)).toBe('3 h 20 min');
    expect(durationWords(5 * 3600)).toBe('5 h');
    expect(durationWords(26 * 3600)).toBe('1 day 2 h');
    expect(durationWords(3 * 86_400 + 40 * 60)).toBe('3 days 1 h');
    expect(durationWords(2 * 86_400)).toBe('2 days');
  });

  test('scores keep their sign and two decimals', () => {
    expect([scoreText(0.214), scoreText(-0.4), scoreText(0), scoreText(-0.001)]).toEqual(['+0.21', '−0.40', '0.00', '0.00']);
  });

  test('the sentiment summary names the trend between the first and last scored days', () => {
    expect(sentimentSummary(threeDays())).toBe(
      'Average sentiment in the last 30 days: positive (+0.10 on a scale from −1 to +1). From 14 Feb 2026 to 16 Feb 2026 it went from −0.30 to +0.40 (better).',
    );
    expect(sentimentSummary(dashboardData())).toBe('No scored mentions in the last 30 days yet.');
    const weeks = { ...threeDays(), bucket: 'week' as const, range: '1y' as const };
    expect(sentimentSummary(weeks)).toContain('From the week of 14 Feb 2026 to the week of 16 Feb 2026');
  });

  test('bars are drawn in proportion, never thinner than a sliver', () => {
    expect([barShare(50, 50), barShare(25, 50), barShare(0, 50), barShare(1, 1000), barShare(3, 0)]).toEqual([100, 50, 0, 2, 0]);
  });
});
