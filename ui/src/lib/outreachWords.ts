// Plain words for the outreach log. Presentation only: the core decides what
// is refused or flagged; this file phrases it and turns dates into form values.
import type { Channel } from './bindings/Channel';
import type { OutreachRevision } from './bindings/OutreachRevision';
import type { OutreachStatus } from './bindings/OutreachStatus';
import type { OutreachWarning } from './bindings/OutreachWarning';
import { formatDay } from './time';
import { listWords } from './words';

export const CHANNELS: Channel[] = ['public_reply', 'direct_message', 'email', 'phone', 'in_person'];

export const CHANNEL_WORDS: Record<Channel, string> = {
  public_reply: 'Public reply',
  direct_message: 'Direct message',
  email: 'Email',
  phone: 'Phone call',
  in_person: 'In person',
};

export const OUTREACH_STATUSES: OutreachStatus[] = ['planned', 'sent', 'replied', 'resolved', 'no_response', 'declined'];

export const OUTREACH_STATUS_WORDS: Record<OutreachStatus, string> = {
  planned: 'Planned',
  sent: 'Sent',
  replied: 'They replied',
  resolved: 'Resolved',
  no_response: 'No response',
  declined: 'They declined',
};

/** Direct messages and email count as electronic mail: service only, never promotion. */
export function isPrivateChannel(channel: Channel): boolean {
  return channel === 'direct_message' || channel === 'email';
}

/** The warning as the owner reads it, before choosing "Log it anyway". */
export function warningWords(warning: OutreachWarning, channel: Channel, promotionalWords: string[]): string {
  if (warning === 'notice_missing') {
    return 'This is the first time you contact this person and the notice is not included. People should be told where you saw their post, what you keep and how to ask you to stop.';
  }
  const words = promotionalWords.length > 0 ? ` (${listWords(promotionalWords.map((w) => `“${w}”`))})` : '';
  const where = channel === 'email' ? 'an email' : channel === 'direct_message' ? 'a direct message' : 'this message';
  return `In ${where} this reads as promotion${words}. A message here should help with their problem, not sell: marketing rules treat direct messages and email as marketing mail.`;
}

/** Where a problem from the core belongs in the form, so it can be shown beside that field. */
export function problemField(problem: string): 'message' | 'follow_up' | 'other' {
  if (/follow[\s-]?up/i.test(problem)) return 'follow_up';
  if (/message/i.test(problem)) return 'message';
  return 'other';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `YYYY-MM-DD` of a date in the owner's own time zone. */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A follow-up day from the date box as the core stores it: 9 in the morning
 * of that day, local time, in RFC 3339. An empty box is no follow-up.
 */
export function followUpFromDay(day: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 9, 0, 0);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The date box's value for a stored follow-up (empty when there is none). */
export function dayFromIso(iso: string | null | undefined): string {
  if (!iso) return '';
  // A calendar day already: no time zone may shift it.
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso.trim())) return iso.trim();
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : localDay(date);
}

/** "12 Mar 2026" for a stored date and time. */
export function formatDate(iso: string | null | undefined): string {
  const day = dayFromIso(iso);
  return day ? formatDay(day) : '';
}

const FIELD_WORDS: Record<string, string> = {
  status: 'Status',
  channel: 'How',
  message: 'Message',
  follow_up_at: 'Follow-up',
  outcome: 'Outcome',
  notes: 'Notes',
  notice_given: 'Notice given',
};

function valueWords(field: string, value: string | null): string {
  if (value === null || value === '') return 'nothing';
  if (field === 'status' && value in OUTREACH_STATUS_WORDS) return OUTREACH_STATUS_WORDS[value as OutreachStatus];
  if (field === 'channel' && value in CHANNEL_WORDS) return CHANNEL_WORDS[value as Channel];
  if (field === 'follow_up_at') return formatDate(value) || value;
  if (field === 'notice_given') return value === 'true' ? 'yes' : value === 'false' ? 'no' : value;
  return `“${value}”`;
}

/** One line of an outreach record's history: "Status: Sent → They replied". */
export function revisionWords(r: OutreachRevision): { field: string; from: string; to: string } {
  return {
    field: FIELD_WORDS[r.field] ?? r.field,
    from: valueWords(r.field, r.old_value),
    to: valueWords(r.field, r.new_value),
  };
}

/** "Someone" when a handle is blank. */
export function personWords(handle: string | null | undefined): string {
  return handle?.trim() || 'Someone';
}
