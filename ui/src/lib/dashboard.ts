// The Dashboard's figures as charts and words. Pure functions: the core
// counts, this file only arranges and phrases (and is tested on its own).
import type { Dashboard } from './bindings/Dashboard';
import type { DashboardBucket } from './bindings/DashboardBucket';
import type { DashboardRange } from './bindings/DashboardRange';
import type { LabelCounts } from './bindings/LabelCounts';
import { plural } from './words';

/** `words` follow a count or a noun: "12 mentions in the last 30 days", "252 mentions so far". */
export const RANGES: { value: DashboardRange; label: string; words: string }[] = [
  { value: '30d', label: '30 days', words: 'in the last 30 days' },
  { value: '90d', label: '90 days', words: 'in the last 90 days' },
  { value: '1y', label: '12 months', words: 'in the last 12 months' },
  { value: 'all', label: 'All time', words: 'so far' },
];

export function rangeWords(range: DashboardRange): string {
  return RANGES.find((r) => r.value === range)?.words ?? 'in this period';
}

export type LabelKey = keyof LabelCounts;

/** Bottom of the stack first: the unhappy ones sit on the axis, where they are easiest to compare. */
export const STACK_ORDER: LabelKey[] = ['complaint', 'negative', 'neutral', 'positive', 'unscored'];

export const LABEL_NAMES: Record<LabelKey, string> = {
  complaint: 'Complaints',
  negative: 'Negative',
  neutral: 'Neutral',
  positive: 'Positive',
  unscored: 'Not yet scored',
};

/** One layer of the stacked volume chart. */
export type VolumeLayer = {
  key: LabelKey;
  name: string;
  /** This label's count in each bucket (what the legend and table show). */
  counts: number[];
  /** The top of this layer: its count plus every layer below it (what is drawn). */
  tops: number[];
};

/**
 * The stacked volume chart: x is each bucket's local midnight (seconds),
 * layers bottom-first. A label with no mentions in the range gets no layer.
 */
export function volumeLayers(d: Dashboard): { x: number[]; layers: VolumeLayer[] } {
  const x = d.buckets.map((b) => b.start_unix);
  const running = d.buckets.map(() => 0);
  const layers: VolumeLayer[] = [];
  for (const key of STACK_ORDER) {
    if (d.labels[key] === 0) continue;
    const counts = d.buckets.map((b) => b.labels[key]);
    const tops = counts.map((c, i) => {
      const top = (running[i] ?? 0) + c;
      running[i] = top;
      return top;
    });
    layers.push({ key, name: LABEL_NAMES[key], counts, tops });
  }
  return { x, layers };
}

/** The mean-sentiment line: null where nothing in the bucket is scored (a gap, not a zero). */
export function sentimentPoints(d: Dashboard): { x: number[]; y: (number | null)[] } {
  return { x: d.buckets.map((b) => b.start_unix), y: d.buckets.map((b) => b.mean_sentiment) };
}

/** "3 h 20 min", "45 min", "2 days 4 h", "under a minute". */
export function durationWords(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return 'under a minute';
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  if (s < 24 * 3600) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const hours = Math.round(s / 3600);
  const days = Math.floor(hours / 24);
  const h = hours % 24;
  const dayWords = plural(days, 'day');
  return h === 0 ? dayWords : `${dayWords} ${h} h`;
}

/** "Very negative" … "Very positive", for a mean VADER compound score. */
export function sentimentWords(mean: number | null): string {
  if (mean === null) return 'Not scored yet';
  if (mean <= -0.5) return 'Very negative';
  if (mean <= -0.05) return 'Negative';
  if (mean < 0.05) return 'Neutral';
  if (mean < 0.5) return 'Positive';
  return 'Very positive';
}

/** "+0.12", "−0.40": a score with its sign, as the chart's axis shows it. */
export function scoreText(value: number): string {
  const fixed = Math.abs(value).toFixed(2);
  if (fixed === '0.00') return '0.00';
  return `${value < 0 ? '−' : '+'}${fixed}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "3 Mar 2026" from the bucket's `YYYY-MM-DD`; "week of 2 Mar 2026" for weeks. */
export function bucketName(d: Pick<Dashboard, 'bucket'>, b: Pick<DashboardBucket, 'start'>): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(b.start);
  const day = m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? ''} ${m[1]}` : b.start;
  return d.bucket === 'week' ? `week of ${day}` : day;
}

/** "3 Mar 2026", or "the week of 2 Mar 2026": a bucket as the middle of a sentence names it. */
function bucketPhrase(d: Pick<Dashboard, 'bucket'>, b: Pick<DashboardBucket, 'start'>): string {
  return d.bucket === 'week' ? `the ${bucketName(d, b)}` : bucketName(d, b);
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (100 * part) / whole;
  return p > 0 && p < 1 ? 'under 1%' : `${Math.round(p)}%`;
}

/** One or two sentences a screen reader reads instead of the volume chart. */
export function volumeSummary(d: Dashboard): string {
  const when = rangeWords(d.range);
  if (d.total === 0) return `No mentions ${when}.`;
  let busiest = d.buckets[0];
  for (const b of d.buckets) if (busiest === undefined || b.total > busiest.total) busiest = b;
  const parts = [
    `${plural(d.total, 'mention')} ${when}`,
    `${plural(d.labels.complaint, 'complaint')} (${percent(d.labels.complaint, d.total)})`,
    `${d.labels.negative} negative`,
    `${d.labels.neutral} neutral`,
    `${d.labels.positive} positive`,
  ];
  if (d.labels.unscored > 0) parts.push(`${d.labels.unscored} not yet scored`);
  const peak = busiest ? ` The busiest ${d.bucket} was ${bucketPhrase(d, busiest)}, with ${plural(busiest.total, 'mention')}.` : '';
  return `${parts[0]}: ${parts.slice(1).join(', ')}.${peak}`;
}

/** What the sentiment chart shows, in words. */
export function sentimentSummary(d: Dashboard): string {
  const scored = d.buckets.filter((b) => b.mean_sentiment !== null);
  if (d.mean_sentiment === null || scored.length === 0) {
    return `No scored mentions ${rangeWords(d.range)} yet.`;
  }
  const first = scored[0];
  const last = scored[scored.length - 1];
  let trend = '';
  if (first && last && first !== last && first.mean_sentiment !== null && last.mean_sentiment !== null) {
    const change = last.mean_sentiment - first.mean_sentiment;
    const direction = Math.abs(change) < 0.05 ? 'about the same' : change > 0 ? 'better' : 'worse';
    trend = ` From ${bucketPhrase(d, first)} to ${bucketPhrase(d, last)} it went from ${scoreText(first.mean_sentiment)} to ${scoreText(last.mean_sentiment)} (${direction}).`;
  }
  return `Average sentiment ${rangeWords(d.range)}: ${sentimentWords(d.mean_sentiment).toLowerCase()} (${scoreText(d.mean_sentiment)} on a scale from −1 to +1).${trend}`;
}

/** The chart colours, read from CSS custom properties (charts.css) so they follow the theme. */
export type ChartColours = Record<LabelKey, string> & {
  line: string;
  axis: string;
  grid: string;
  zero: string;
};

const COLOUR_VARS: Record<keyof ChartColours, string> = {
  complaint: '--chart-complaint',
  negative: '--chart-negative',
  neutral: '--chart-neutral',
  positive: '--chart-positive',
  unscored: '--chart-unscored',
  line: '--chart-line',
  axis: '--chart-axis',
  grid: '--chart-grid',
  zero: '--chart-zero',
};

/** Reads every chart colour through `read` (a CSS variable's value); a missing one falls back to grey. */
export function chartColours(read: (variable: string) => string): ChartColours {
  const out = {} as ChartColours;
  for (const [key, variable] of Object.entries(COLOUR_VARS) as [keyof ChartColours, string][]) {
    out[key] = read(variable).trim() || '#888888';
  }
  return out;
}

/** The share a bar takes of the widest one, 0–100, never a sliver too thin to see. */
export function barShare(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.max(2, Math.round((100 * value) / max));
}
