// Plain words for the Privacy screen. Presentation and form checks only: the core decides.
import type { AuditEntry } from './bindings/AuditEntry';
import type { ErasureReport } from './bindings/ErasureReport';
import type { PurgeMode } from './bindings/PurgeMode';
import type { RequestKind } from './bindings/RequestKind';
import { formatDay } from './time';
import { humanize, listWords, plural } from './words';

/** The longest retention period the form accepts: ten years. */
export const MAX_DAYS = 3650;

/** A number of days as typed: a whole number from 1 to 3650, or what to fix. */
export function checkDays(text: string): { days: number } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: 'Enter a number of days, for example 90.' };
  if (!/^\d+$/.test(t)) return { error: 'Use a whole number of days, without words or decimals, for example 90.' };
  const days = Number(t);
  if (days < 1) return { error: 'Keep things for at least 1 day.' };
  if (days > MAX_DAYS) return { error: `At most ${MAX_DAYS} days (ten years).` };
  return { days };
}

/** "90 days (about 3 months)", "730 days (about 2 years)". */
export function daysWords(days: number): string {
  const base = plural(days, 'day');
  if (days >= 365 && days % 365 < 31) return `${base} (about ${plural(Math.round(days / 365), 'year')})`;
  if (days >= 60) return `${base} (about ${plural(Math.round(days / 30.4), 'month')})`;
  return base;
}

/** The placeholders the notice template understands, and what each becomes. */
export const NOTICE_PLACEHOLDERS: { key: string; means: string }[] = [
  { key: '{platform}', means: 'where you saw their post, such as Mastodon' },
  { key: '{business}', means: 'your business name, from Settings' },
  { key: '{days}', means: 'how many days you keep mentions, from the period above' },
  { key: '{contact}', means: 'your contact details, from Settings, so they can ask you to stop' },
];

/** Placeholders in a template that Hearken will not fill in ("{name}"), each once. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set(NOTICE_PLACEHOLDERS.map((p) => p.key));
  const found = template.match(/\{[^{}\s]*\}/g) ?? [];
  return [...new Set(found.filter((p) => !known.has(p)))];
}

/** A calendar day or a moment from the core, as a date: "30 Nov 2026" (this computer's day for a moment). */
export function formatDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return formatDay(value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return formatDay(todayYmd(date));
}

/** A moment from the core with its local time: "30 Nov 2026, 14:05". */
export function formatMoment(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${formatDay(todayYmd(date))}, ${date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

/** Today on this computer's calendar, `YYYY-MM-DD` (what a date field holds). */
export function todayYmd(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export const KIND_WORDS: Record<RequestKind, { tag: string; what: string }> = {
  access: { tag: 'Access', what: 'See their data' },
  erasure: { tag: 'Erasure', what: 'Erase their data' },
};

/** "12 mentions and 2 outreach records", "nothing". */
export function heldWords(mentions: number, outreach: number): string {
  const parts = [
    mentions > 0 ? plural(mentions, 'mention') : '',
    outreach > 0 ? plural(outreach, 'outreach record') : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'nothing' : listWords(parts);
}

/** What a purge did, in a sentence. */
export function purgeDoneWords(mode: PurgeMode, mentions: number, outreach: number): string {
  if (mentions === 0 && outreach === 0) return 'Nothing needed purging.';
  return `${mode === 'anonymise' ? 'Anonymised' : 'Deleted'} ${heldWords(mentions, outreach)}.`;
}

/** What an erasure removed, in a sentence. */
export function erasureWords(report: ErasureReport): string {
  const parts = [
    report.mentions > 0 ? plural(report.mentions, 'mention') : '',
    report.outreach > 0 ? plural(report.outreach, 'outreach record') : '',
    report.corrections > 0 ? plural(report.corrections, 'label correction') : '',
  ].filter(Boolean);
  const removed =
    parts.length === 0
      ? 'Hearken held nothing else about them, so there was nothing to erase.'
      : `Erased ${listWords(parts)}, and their words from the search index.`;
  const kept = report.do_not_contact_kept
    ? ' Their do-not-contact entry is kept as a protected fingerprint, so they are never contacted again.'
    : '';
  return removed + kept;
}

const ACTION_WORDS: Record<string, string> = {
  outreach_logged: 'Outreach recorded',
  outreach_changed: 'Outreach changed',
  export: 'Outreach exported',
  access_export: 'Access request: data exported',
  erasure: 'Erasure request: data erased',
  purge: 'Purge (retention)',
  dnc_added: 'Added to do-not-contact',
  dnc_removed: 'Removed from do-not-contact',
  setting_changed: 'Privacy settings changed',
  request_added: 'Request recorded',
};

/** An audit action in words; unknown ones are made readable, not hidden. */
export function auditActionWords(entry: AuditEntry): string {
  return ACTION_WORDS[entry.action] ?? humanize(entry.action);
}
