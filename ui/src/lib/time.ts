// Times as a shop owner reads them: "3 h ago", "in 10 min", with the full date on hover.

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * One formatter per set of options, made once: `toLocaleString` with options
 * builds a new `Intl.DateTimeFormat` on every call, and the Inbox formats two
 * dates a row. (A change of the system's language shows after a restart.)
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatWith(date: Date, options: Intl.DateTimeFormatOptions): string {
  const key = JSON.stringify(options);
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, options);
    formatters.set(key, format);
  }
  return format.format(date);
}

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then a date; "in 10 min" for the future. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return 'unknown time';
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const future = seconds < 0;
  const abs = Math.abs(seconds);

  if (abs < 45) return future ? 'in a moment' : 'just now';
  if (abs < HOUR) {
    const n = Math.max(1, Math.round(abs / MINUTE));
    return future ? `in ${n} min` : `${n} min ago`;
  }
  if (abs < DAY) {
    const n = Math.round(abs / HOUR);
    if (n < 24) return future ? `in ${n} h` : `${n} h ago`;
  }
  const days = Math.round(abs / DAY);
  if (days <= 1) return future ? 'tomorrow' : 'yesterday';
  if (days < 7) return future ? `in ${days} days` : `${days} days ago`;
  const sameYear = date.getFullYear() === now.getFullYear();
  return formatWith(date, {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** The full local date and time, for a title or tooltip. */
export function formatAbsolute(iso: string): string {
  const date = parse(iso);
  if (!date) return iso;
  return formatWith(date, { dateStyle: 'full', timeStyle: 'short' });
}

/** The owner's offset from UTC now, in minutes east (what the core's days are cut by). */
export function localOffsetMinutes(now: Date = new Date()): number {
  // 0 - x, not -x: UTC is 0, not -0.
  return 0 - now.getTimezoneOffset();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "30 Nov 2026" from "2026-11-30": a calendar day, so no time zone can shift it. */
export function formatDay(ymd: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd.trim());
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) return ymd;
  return `${Number(match[3])} ${month} ${match[1]}`;
}

/** "14:05": the local time of day, for waits that end today or soon. Adds the day when it is not today. */
export function formatClock(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return iso;
  const time = formatWith(date, { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === now.toDateString()) return time;
  return `${formatWith(date, { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`;
}
