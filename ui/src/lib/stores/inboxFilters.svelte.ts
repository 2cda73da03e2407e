import type { InboxQuery } from '../bindings/InboxQuery';
import type { InboxSort } from '../bindings/InboxSort';
import type { Label } from '../bindings/Label';
import type { MentionStatus } from '../bindings/MentionStatus';
import type { Platform } from '../bindings/Platform';
import { formatDay, localOffsetMinutes } from '../time';
import { LABEL_WORDS, STATUS_WORDS } from '../words';

/** The label menu: one label, or complaints and negative mentions together. */
export type LabelChoice = '' | Label | 'unhappy';
/** The status menu: one status, or everything still to deal with (new or needs reply). */
export type StatusChoice = '' | MentionStatus | 'open';

export type FilterKey = 'search' | 'platform' | 'label' | 'status' | 'watch' | 'dates';

/** One filter that narrows the list, in words, for the empty state. */
export type ActiveFilter = { key: FilterKey; words: string };

export const LABEL_CHOICE_WORDS: Record<Exclude<LabelChoice, ''>, string> = {
  unhappy: 'Complaints and negative',
  ...LABEL_WORDS,
};

export const STATUS_CHOICE_WORDS: Record<Exclude<StatusChoice, ''>, string> = {
  open: 'Still to do (new or needs reply)',
  ...STATUS_WORDS,
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What the owner chose to see. Kept in the Workspace, so the choice survives
 * moving to another screen and back. `searchText` is what is typed; `search`
 * is what was last sent (the Inbox waits for a pause in typing).
 */
export class InboxFilters {
  searchText = $state('');
  search = $state('');
  platform = $state<Platform | ''>('');
  label = $state<LabelChoice>('');
  status = $state<StatusChoice>('');
  watchId = $state<number | null>(null);
  /** `YYYY-MM-DD` or empty, as the date fields give them. */
  from = $state('');
  to = $state('');
  sort = $state<InboxSort>('newest');

  /** The query as the core takes it. */
  get query(): InboxQuery {
    const day = (value: string) => (DAY.test(value) ? value : null);
    return {
      search: this.search.trim(),
      platforms: this.platform ? [this.platform] : [],
      labels: this.label === 'unhappy' ? ['complaint', 'negative'] : this.label ? [this.label] : [],
      statuses: this.status === 'open' ? ['new', 'needs_reply'] : this.status ? [this.status] : [],
      watch_id: this.watchId,
      from: day(this.from),
      to: day(this.to),
      sort: this.sort,
      // The owner's days, as the Dashboard cuts them.
      utc_offset_minutes: localOffsetMinutes(),
    };
  }

  /** The dates cannot both hold: "from" is after "to". */
  get datesReversed(): boolean {
    return DAY.test(this.from) && DAY.test(this.to) && this.from > this.to;
  }

  /** Anything narrows the list (the order does not). */
  get narrowing(): boolean {
    return this.describe(() => '', () => '').length > 0;
  }

  /** The filters in force, in words ("Platform: Mastodon"). */
  describe(platformName: (p: Platform) => string, watchName: (id: number) => string): ActiveFilter[] {
    const out: ActiveFilter[] = [];
    const q = this.query;
    if (q.search) out.push({ key: 'search', words: `Search: “${q.search}”` });
    if (this.platform) out.push({ key: 'platform', words: `Platform: ${platformName(this.platform)}` });
    if (this.label) out.push({ key: 'label', words: `Label: ${LABEL_CHOICE_WORDS[this.label]}` });
    if (this.status) out.push({ key: 'status', words: `Status: ${STATUS_CHOICE_WORDS[this.status]}` });
    if (this.watchId !== null) out.push({ key: 'watch', words: `Watch: ${watchName(this.watchId)}` });
    if (q.from || q.to) {
      const words =
        q.from && q.to
          ? `${formatDay(q.from)} to ${formatDay(q.to)}`
          : q.from
            ? `From ${formatDay(q.from)}`
            : `Up to ${formatDay(q.to ?? '')}`;
      out.push({ key: 'dates', words: `Dates: ${words}` });
    }
    return out;
  }

  /** Drops one filter. */
  remove(key: FilterKey): void {
    if (key === 'search') this.searchText = this.search = '';
    else if (key === 'platform') this.platform = '';
    else if (key === 'label') this.label = '';
    else if (key === 'status') this.status = '';
    else if (key === 'watch') this.watchId = null;
    else this.from = this.to = '';
  }

  /** Drops every filter; keeps the order. */
  clear(): void {
    for (const key of ['search', 'platform', 'label', 'status', 'watch', 'dates'] as const) this.remove(key);
  }
}

/** A query's identity, to tell whether the list already shows it. */
export function queryKey(query: InboxQuery): string {
  return JSON.stringify(query);
}
