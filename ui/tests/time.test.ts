import { describe, expect, test } from 'vitest';
import { formatAbsolute, formatClock, formatDay, formatRelative } from '../src/lib/time';

const now = new Date('2025-06-15T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

describe('relative times', () => {
  test.each([
    [10, 'just now'],
    [90, '2 min ago'],
    [59 * 60, '59 min ago'],
    [3 * 3600, '3 h ago'],
    [23 * 3600, '23 h ago'],
    [30 * 3600, 'yesterday'],
    [4 * 86400, '4 days ago'],
    [-10 * 60, 'in 10 min'],
    [-2 * 3600, 'in 2 h'],
  ])('%i seconds ago reads "%s"', (seconds, expected) => {
    expect(formatRelative(ago(seconds), now)).toBe(expected);
  });

  test('older than a week shows the date, with the year only when it differs', () => {
    expect(formatRelative('2025-05-01T09:00:00Z', now)).toMatch(/1/);
    expect(formatRelative('2025-05-01T09:00:00Z', now)).not.toMatch(/2025/);
    expect(formatRelative('2023-05-01T09:00:00Z', now)).toMatch(/2023/);
  });

  test('a timestamp that cannot be read says so instead of "NaN"', () => {
    expect(formatRelative('not a time', now)).toBe('unknown time');
    expect(formatAbsolute('not a time')).toBe('not a time');
  });

  test('the absolute time names the year', () => {
    expect(formatAbsolute('2025-06-15T12:00:00Z')).toMatch(/2025/);
  });

  test('formatters made once read the same as toLocaleString, call after call', () => {
    const iso = '2023-05-01T09:00:00Z';
    const d = new Date(iso);
    for (let i = 0; i < 2; i++) {
      expect(formatRelative(iso, now)).toBe(
        d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' }),
      );
      expect(formatRelative('2025-05-01T09:00:00Z', now)).toBe(
        new Date('2025-05-01T09:00:00Z').toLocaleDateString(undefined, { day: 'numeric', month: 'short' }),
      );
      expect(formatAbsolute(iso)).toBe(d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' }));
      const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
      expect(formatClock(iso, d)).toBe(time);
      expect(formatClock(iso, now)).toBe(
        `${d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`,
      );
    }
  });
});

describe('calendar days', () => {
  test('a YYYY-MM-DD day reads as "30 Nov 2026", whatever the time zone', () => {
    expect(formatDay('2026-11-30')).toBe('30 Nov 2026');
    expect(formatDay('2027-01-05')).toBe('5 Jan 2027');
  });

  test('anything else is shown as it came', () => {
    expect(formatDay('soon')).toBe('soon');
    expect(formatDay('2026-13-01')).toBe('2026-13-01');
  });
});
