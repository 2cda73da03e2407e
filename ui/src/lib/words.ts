// Plain words for what the core reports. Presentation only: the core decides, this file phrases.
import type { CredentialState } from './bindings/CredentialState';
import type { Goal } from './bindings/Goal';
import type { Label } from './bindings/Label';
import type { MentionStatus } from './bindings/MentionStatus';
import type { ReasonKind } from './bindings/ReasonKind';
import type { PollReport } from './bindings/PollReport';
import type { StepStatus } from './bindings/StepStatus';
import type { Strength } from './bindings/Strength';

export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export const CREDENTIAL_WORDS: Record<CredentialState, string> = {
  not_needed: 'No key needed',
  configured: "Key saved in your computer's keyring",
  missing: 'Key missing',
  rejected: 'Needs new credentials',
};

/** One sentence on one poll, e.g. "3 new mentions, 1 edited (12 items looked at)." */
export function pollReportWords(report: PollReport): string {
  if (report.offline) {
    return 'This computer seems to be offline, so nothing was checked. Hearken will try again by itself.';
  }
  if (!report.ok) return report.error ?? 'The check did not work. Please try again later.';
  const but = report.partial ? ` But: ${report.partial}` : '';
  if (report.not_modified) return `Nothing new since the last check.${but}`;
  const edited = report.edited > 0 ? `${report.edited} edited` : '';
  const looked = report.fetched === 0 ? '' : ` (${plural(report.fetched, 'item')} looked at)`;
  if (report.new_mentions === 0) {
    return (edited ? `No new mentions, ${edited}${looked}.` : `Nothing new${looked}.`) + but;
  }
  return `${plural(report.new_mentions, 'new mention')}${edited ? `, ${edited}` : ''}${looked}.${but}`;
}

export type CheckSummary = { headline: string; problems: { label: string; error: string }[] };

/** Sums up "Check now" across all sources. */
export function checkSummary(reports: PollReport[]): CheckSummary {
  if (reports.length === 0) {
    return { headline: 'There are no connected sources to check yet. Add a source to start listening.', problems: [] };
  }
  const newMentions = reports.reduce((sum, r) => sum + (r.ok ? r.new_mentions : 0), 0);
  const failed = reports.filter((r) => !r.ok);
  const partly = reports.filter((r) => r.ok && r.partial);
  const checked = plural(reports.length, 'source');
  const found = newMentions === 0 ? 'nothing new' : plural(newMentions, 'new mention');
  let headline = `Checked ${checked}: ${found}.`;
  if (failed.length > 0) headline += ` ${plural(failed.length, 'source')} could not be checked.`;
  if (partly.length > 0) headline += ` ${plural(partly.length, 'source')} could only partly be checked.`;
  return {
    headline,
    problems: [
      ...failed.map((r) => ({
        label: r.label,
        error: r.error ?? 'The check did not work. Please try again later.',
      })),
      ...partly.map((r) => ({ label: r.label, error: r.partial! })),
    ],
  };
}

/** "Needs reply" from "needs_reply": labels from the core, readable. */
export function humanize(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The three things a customer can want from the guide, as the goal cards put them. */
export const GOAL_WORDS: Record<Goal, { title: string; text: string }> = {
  lockdown: { title: 'Lock everything down', text: 'Every step for the apps they use.' },
  findability: {
    title: 'Stop strangers finding me',
    text: 'Make it harder for people and businesses to look them up.',
  },
  posts: { title: 'Control who sees my posts and reviews', text: 'Choose who can see what they share.' },
};

export const GOALS: Goal[] = ['lockdown', 'findability', 'posts'];

export const STRENGTH_WORDS: Record<Strength, string> = { basic: 'Basic', strong: 'Stronger' };

export const STEP_STATUS_WORDS: Record<StepStatus, string> = {
  done: 'Done',
  skipped: 'Skipped for now',
  not_applicable: 'Doesn’t apply',
};

/** What the guides say in `where_web` when the website has the same menus as the app. */
export const SAME_AS_APP = 'Same as the app';

const COUNT = new Intl.NumberFormat('en-US');

/** "1,234" or "10,000+" when the core stopped counting. */
export function formatCount(n: number, capped = false): string {
  return `${COUNT.format(n)}${capped ? '+' : ''}`;
}

/** "1 mention", "1,234 mentions", "10,000+ mentions". */
export function mentionCount(n: number, capped = false): string {
  return `${formatCount(n, capped)} ${n === 1 && !capped ? 'mention' : 'mentions'}`;
}

export const LABELS: Label[] = ['complaint', 'negative', 'neutral', 'positive'];

export const LABEL_WORDS: Record<Label, string> = {
  complaint: 'Complaint',
  negative: 'Negative',
  neutral: 'Neutral',
  positive: 'Positive',
};

/** Complaints and negative mentions are the ones that need the owner. */
export function isUnhappy(label: Label | null | undefined): boolean {
  return label === 'complaint' || label === 'negative';
}

export const STATUSES: MentionStatus[] = ['new', 'needs_reply', 'contacted', 'resolved', 'ignored'];

export const STATUS_WORDS: Record<MentionStatus, string> = {
  new: 'New',
  needs_reply: 'Needs reply',
  contacted: 'Contacted',
  resolved: 'Done',
  ignored: 'Ignored',
};

/** "3 mentions as done", "1 mention back as new". */
function statusChangePhrase(count: number, status: MentionStatus): string {
  const what = count === 1 ? '1 mention' : `${formatCount(count)} mentions`;
  return `${what} ${status === 'new' ? 'back as new' : `as ${STATUS_WORDS[status].toLowerCase()}`}`;
}

/** How an action on N mentions reads: "Marked 3 mentions as done." */
export function statusChangeWords(count: number, status: MentionStatus): string {
  return `Marked ${statusChangePhrase(count, status)}.`;
}

/** The same action, refused: what happened, why (the core's words), and where things stand. */
export function statusFailedWords(count: number, status: MentionStatus, why: string): string {
  const back = count === 1 ? 'It is back as it was.' : 'They are back as they were.';
  return `Could not mark ${statusChangePhrase(count, status)}. ${why} ${back}`;
}

export const REASON_KIND_WORDS: Record<ReasonKind, string> = {
  cue: 'Complaint cue',
  words: 'Words',
  sentiment: 'Tone',
};

/** How much one reason weighed, next to the strongest one: "strong", "some", "slight". */
export function reasonStrength(weight: number, strongest: number): string {
  const share = strongest > 0 ? Math.abs(weight) / strongest : 0;
  if (share >= 0.66) return 'strong';
  if (share >= 0.33) return 'some';
  return 'slight';
}

/** VADER's compound score in words, with its usual ±0.05 neutral band. */
export function sentimentWords(compound: number | null | undefined): string {
  if (compound === null || compound === undefined || Number.isNaN(compound)) return 'Not scored';
  if (compound <= -0.5) return 'Very negative';
  if (compound <= -0.05) return 'Negative';
  if (compound < 0.05) return 'Neutral';
  if (compound < 0.5) return 'Positive';
  return 'Very positive';
}

/** "87%" from 0.87; never "100%" or "0%" unless it really is. */
export function percent(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return 'Not scored';
  const value = Math.min(1, Math.max(0, p)) * 100;
  let rounded = Math.round(value);
  if (rounded === 100 && value < 100) rounded = 99;
  if (rounded === 0 && value > 0) return 'under 1%';
  return `${rounded}%`;
}
