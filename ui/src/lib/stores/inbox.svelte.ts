import { api, toAppError, PAGE_SIZE } from '../api';
import type { InboxCounts } from '../bindings/InboxCounts';
import type { InboxQuery } from '../bindings/InboxQuery';
import type { Label } from '../bindings/Label';
import type { Mention } from '../bindings/Mention';
import type { MentionCursor } from '../bindings/MentionCursor';
import type { MentionDetail } from '../bindings/MentionDetail';
import type { MentionStatus } from '../bindings/MentionStatus';
import type { Platform } from '../bindings/Platform';
import { checkSummary, LABEL_WORDS, mentionCount, statusChangeWords, statusFailedWords, type CheckSummary } from '../words';
import { InboxFilters, queryKey } from './inboxFilters.svelte';
import { markStep } from '../steps';

/** At most this many loaded rows are refreshed when mentions change elsewhere (the core's largest page). */
const MAX_REFRESH = 500;

// Past this, new mentions that cannot be slipped in wait behind a "show them" button.
const READING_FURTHER_DOWN_PX = 300;
// Typing in the search box sends the query after this pause.
export const SEARCH_DELAY_MS = 250;

/**
 * The Inbox: the mentions matching the owner's filters, loaded page by page
 * with the core's keyset cursor, and the owner's triage on them (selection,
 * the active row, status changes, the open mention). Arrays and sets are
 * replaced, never deeply proxied, so 100,000 loaded mentions stay cheap.
 */
export class InboxState {
  readonly filters = new InboxFilters();

  mentions = $state.raw<Mention[]>([]);
  next = $state.raw<MentionCursor | null>(null);
  total = $state(0);
  totalCapped = $state(false);
  /** The first page has arrived at least once. */
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Mentions that arrived while the owner was reading further down. */
  waiting = $state(0);
  /** Where the owner was reading (px), kept while other screens are open. Not reactive on purpose. */
  scrollTop = 0;
  /** Counts completed reloads, so the list can go back to the top after one. */
  reloads = $state(0);

  /** For the sidebar badge and the header. */
  counts = $state.raw<InboxCounts | null>(null);

  /** Ids of the selected mentions. */
  selected = $state.raw<ReadonlySet<number>>(new Set());
  /** The row the keys act on. */
  activeId = $state<number | null>(null);
  /** A status change that did not work, in plain words. */
  actionError = $state<string | null>(null);
  /** For the screen reader's live region. */
  announcement = $state('');

  /** The open mention, if any. */
  openId = $state<number | null>(null);
  detail = $state.raw<MentionDetail | null>(null);
  detailLoading = $state(false);
  detailError = $state<string | null>(null);
  labelSaving = $state(false);
  labelError = $state<string | null>(null);

  checking = $state(false);
  checkResult = $state.raw<CheckSummary | null>(null);
  checkError = $state<string | null>(null);

  // Each reload starts a new generation; answers for an older one are dropped.
  private generation = 0;
  private detailGeneration = 0;
  /** The query the loaded list answers; pages and refreshes use it, not the half-typed one. */
  private listQuery = $state.raw<InboxQuery>(this.filters.query);
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  /** Mentions already marked seen (or being marked) in this session. */
  private seenSent = new Set<number>();
  /** The mentions of each status change on its way to the core. */
  private inflight = new Set<ReadonlySet<number>>();
  /** Counts changes made here (a status, a label, a seen mark), so a refresh that crossed one is not applied. */
  private localEdits = 0;

  get hasMore(): boolean {
    return this.next !== null;
  }

  /** Nothing stored at all (as opposed to nothing matching the filters). */
  get isEmpty(): boolean {
    return this.loaded && !this.error && this.total === 0 && this.mentions.length === 0 && !this.filtered;
  }

  /** The loaded list is narrowed by filters. */
  get filtered(): boolean {
    const q = this.listQuery;
    return (
      q.search !== '' ||
      q.platforms.length > 0 ||
      q.labels.length > 0 ||
      q.statuses.length > 0 ||
      q.watch_id !== null ||
      q.from !== null ||
      q.to !== null
    );
  }

  /** Nothing matches the filters. */
  get noMatches(): boolean {
    return this.loaded && !this.error && this.filtered && this.mentions.length === 0;
  }

  get sort(): InboxQuery['sort'] {
    return this.listQuery.sort;
  }

  indexOf(id: number | null): number {
    return id === null ? -1 : this.mentions.findIndex((m) => m.id === id);
  }

  mention(id: number | null): Mention | undefined {
    return id === null ? undefined : this.mentions.find((m) => m.id === id);
  }

  // ---- Loading -------------------------------------------------------------

  /** Loads the first page of the current filters again, dropping what was loaded. */
  async reload(options: { announce?: boolean } = {}): Promise<void> {
    const generation = ++this.generation;
    const query = this.filters.query;
    this.listQuery = query;
    this.loading = true;
    try {
      const page = await api.mentionsQuery(query, null, PAGE_SIZE);
      markStep('page');
      if (generation !== this.generation) return;
      this.mentions = page.mentions;
      this.next = page.next;
      this.total = page.total;
      this.totalCapped = page.total_capped;
      this.error = null;
      this.waiting = 0;
      this.scrollTop = 0;
      this.loaded = true;
      this.keepOnlyLoaded();
      this.reloads++;
      if (options.announce) this.announce(`${mentionCount(page.total, page.total_capped)} ${this.filtered ? 'match' : 'in all'}.`);
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = toAppError(err).message;
      this.loaded = true;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** Appends the next page, if there is one and nothing is loading. */
  async loadMore(): Promise<void> {
    if (this.loading || this.next === null) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const page = await api.mentionsQuery(this.listQuery, this.next, PAGE_SIZE);
      if (generation !== this.generation) return;
      const known = new Set(this.mentions.map((m) => m.id));
      this.mentions = [...this.mentions, ...page.mentions.filter((m) => !known.has(m.id))];
      this.next = page.next;
      this.total = page.total;
      this.totalCapped = page.total_capped;
      this.error = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = toAppError(err).message;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** A filter changed: show its first page, unless the list already shows that query. */
  filtersChanged(): void {
    this.cancelSearchTimer();
    this.filters.search = this.filters.searchText;
    if (this.loaded && queryKey(this.filters.query) === queryKey(this.listQuery)) return;
    void this.reload({ announce: true });
  }

  /** The search box changed: search after a pause in typing. */
  searchTyped(text: string): void {
    this.filters.searchText = text;
    this.cancelSearchTimer();
    this.searchTimer = setTimeout(() => {
      this.searchTimer = null;
      this.filtersChanged();
    }, SEARCH_DELAY_MS);
  }

  clearFilters(): void {
    this.filters.clear();
    this.filtersChanged();
  }

  private cancelSearchTimer(): void {
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = null;
  }

  /**
   * New mentions were stored. Fetch the first page of the same filters and
   * put it in front of what is loaded, where it joins up: the owner keeps
   * their place, selection and active row, and the list has no gap. When the
   * first page does not join what is loaded (more arrived than a page holds),
   * reload near the top, or offer them behind a button further down.
   */
  mentionsAdded(count: number): void {
    void this.refreshCounts();
    if (!this.loaded || this.mentions.length === 0) {
      void this.reload();
      return;
    }
    void this.mergeFirstPage(count);
  }

  private async mergeFirstPage(count: number): Promise<void> {
    const generation = this.generation;
    try {
      const page = await api.mentionsQuery(this.listQuery, null, PAGE_SIZE);
      if (generation !== this.generation) return;
      let merged: Mention[] | null = null;
      if (page.next === null) {
        // The first page is the whole answer.
        merged = page.mentions;
        this.next = null;
      } else {
        const last = page.mentions[page.mentions.length - 1];
        const joins = last === undefined ? -1 : this.mentions.findIndex((m) => m.id === last.id);
        if (joins >= 0) merged = [...page.mentions, ...this.mentions.slice(joins + 1)];
      }
      if (merged === null) {
        if (this.scrollTop > READING_FURTHER_DOWN_PX) {
          this.waiting += Math.max(count, 0);
          this.total = page.total;
          this.totalCapped = page.total_capped;
        } else {
          await this.reload();
        }
        return;
      }
      this.mentions = merged;
      this.total = page.total;
      this.totalCapped = page.total_capped;
      this.keepOnlyLoaded();
    } catch {
      // Not worth an error banner: offer the new mentions, a reload will fetch them.
      if (generation === this.generation) this.waiting += Math.max(count, 0);
    }
  }

  /** Drops selected ids that are no longer in the list, so bulk actions touch only what is shown. */
  private keepOnlyLoaded(): void {
    if (this.selected.size > 0) {
      const loaded = new Set(this.mentions.map((m) => m.id));
      const kept = [...this.selected].filter((id) => loaded.has(id));
      if (kept.length !== this.selected.size) this.selected = new Set(kept);
    }
    if (this.activeId !== null && this.indexOf(this.activeId) < 0) this.activeId = null;
  }

  /**
   * Mentions changed outside this list (scored again by a newer model, the
   * CLI, another window): shows the loaded rows as they are now, in place,
   * without moving the list, its order or the selection. It reads the list's
   * first rows again, as many as are loaded, so a row that has moved out of
   * them (a new label outside the filter, lower in "most unhappy first")
   * keeps what it shows until the next reload. A refresh that crossed a
   * change made here is dropped; that change's own event brings the next one.
   */
  async refreshLoaded(): Promise<void> {
    if (!this.loaded || this.mentions.length === 0) return;
    const generation = this.generation;
    const edits = this.localEdits;
    try {
      const page = await api.mentionsQuery(this.listQuery, null, Math.min(this.mentions.length, MAX_REFRESH));
      if (generation !== this.generation || edits !== this.localEdits) return;
      const fresh = new Map(page.mentions.map((m) => [m.id, m]));
      let changed = false;
      const mentions = this.mentions.map((m) => {
        const now = fresh.get(m.id);
        if (now === undefined || JSON.stringify(now) === JSON.stringify(m)) return m;
        changed = true;
        return now;
      });
      if (changed) this.mentions = mentions;
      const open = this.detail && fresh.get(this.detail.mention.id);
      if (this.detail && open) {
        // The detail pane's own highlights stay.
        const mention = { ...open, highlights: this.detail.mention.highlights };
        if (JSON.stringify(mention) !== JSON.stringify(this.detail.mention)) this.detail = { ...this.detail, mention };
      }
    } catch {
      // The rows keep what they show; the next change or reload catches up.
    }
  }

  async refreshCounts(): Promise<void> {
    try {
      this.counts = await api.inboxCounts();
    } catch {
      // The badge keeps its last figure; the next change will refresh it.
    }
  }

  /** "Check now": polls every source, then shows what arrived. */
  async checkAll(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    this.checkError = null;
    this.checkResult = null;
    try {
      const reports = await api.pollAll();
      this.checkResult = checkSummary(reports);
      await this.reload();
      void this.refreshCounts();
    } catch (err) {
      this.checkError = toAppError(err).message;
    } finally {
      this.checking = false;
    }
  }

  // ---- Selection and the active row -----------------------------------------

  announce(words: string): void {
    // A repeated message is still read out: make it differ by an invisible space.
    this.announcement = this.announcement === words ? `${words}\u00a0` : words;
  }

  setActive(id: number | null): void {
    this.activeId = id;
  }

  /** Moves the active row by `by`; answers the new index, or -1 with nothing loaded. */
  move(by: number): number {
    if (this.mentions.length === 0) return -1;
    const current = this.indexOf(this.activeId);
    const index = current < 0 ? 0 : Math.max(0, Math.min(this.mentions.length - 1, current + by));
    this.activeId = this.mentions[index]!.id;
    if (index >= this.mentions.length - 3) void this.loadMore();
    return index;
  }

  toggleSelected(id: number): void {
    const next = new Set(this.selected);
    const on = !next.has(id);
    if (on) next.add(id);
    else next.delete(id);
    this.selected = next;
    this.announce(`${on ? 'Selected' : 'Unselected'}. ${this.selectionWords()}`);
  }

  get allLoadedSelected(): boolean {
    return this.mentions.length > 0 && this.selected.size === this.mentions.length;
  }

  /** Selects every loaded mention, or clears the selection when all are already selected. */
  toggleSelectAll(): void {
    if (this.allLoadedSelected) {
      this.clearSelection();
      return;
    }
    this.selected = new Set(this.mentions.map((m) => m.id));
    this.announce(`Selected all ${this.selected.size} loaded mentions.`);
  }

  clearSelection(): void {
    if (this.selected.size === 0) return;
    this.selected = new Set();
    this.announce('Selection cleared.');
  }

  private selectionWords(): string {
    const n = this.selected.size;
    return n === 0 ? 'Nothing selected.' : n === 1 ? '1 mention selected.' : `${n} mentions selected.`;
  }

  /** What the keys act on: the selection if there is one, else the active row. */
  targets(): number[] {
    if (this.selected.size > 0) return [...this.selected];
    return this.activeId === null ? [] : [this.activeId];
  }

  // ---- Actions ---------------------------------------------------------------

  /** Changes each mention in place (list and open mention) without touching the others. */
  private patch(ids: ReadonlySet<number>, change: (m: Mention) => Mention): void {
    this.localEdits++;
    let changed = false;
    const mentions = this.mentions.map((m) => {
      if (!ids.has(m.id)) return m;
      const after = change(m);
      if (after !== m) changed = true;
      return after;
    });
    if (changed) this.mentions = mentions;
    if (this.detail && ids.has(this.detail.mention.id)) {
      const after = change(this.detail.mention);
      if (after !== this.detail.mention) this.detail = { ...this.detail, mention: after };
    }
  }

  /**
   * Sets the status at once on screen, then asks the core; if the core
   * refuses, puts back what each mention had (unless something else has
   * changed it since) and says so.
   */
  async setStatus(ids: number[], status: MentionStatus): Promise<boolean> {
    if (ids.length === 0) return false;
    const targets = new Set(ids);
    const before = new Map<number, MentionStatus>();
    for (const m of this.mentions) if (targets.has(m.id)) before.set(m.id, m.status);
    if (this.detail && targets.has(this.detail.mention.id) && !before.has(this.detail.mention.id)) {
      before.set(this.detail.mention.id, this.detail.mention.status);
    }
    this.actionError = null;
    this.inflight.add(targets);
    this.patch(targets, (m) => (m.status === status ? m : { ...m, status }));
    try {
      await api.mentionsSetStatus(ids, status);
      this.announce(statusChangeWords(ids.length, status));
      return true;
    } catch (err) {
      this.patch(targets, (m) => {
        const was = before.get(m.id);
        return was !== undefined && m.status === status ? { ...m, status: was } : m;
      });
      this.actionError = statusFailedWords(ids.length, status, toAppError(err).message);
      return false;
    } finally {
      this.inflight.delete(targets);
    }
  }

  /** Applies a status to the selection, or else the active row. */
  async statusKey(status: MentionStatus): Promise<void> {
    const ids = this.targets();
    if (ids.length === 0) {
      this.announce('Choose a mention first: press j or k to move to one.');
      return;
    }
    await this.setStatus(ids, status);
  }

  /** Marks a mention seen, once: opening it again asks nothing more. */
  async markSeen(id: number): Promise<void> {
    const m = this.mention(id) ?? (this.detail?.mention.id === id ? this.detail.mention : undefined);
    if (this.seenSent.has(id) || m?.seen) return;
    this.seenSent.add(id);
    const one = new Set([id]);
    this.patch(one, (x) => (x.seen ? x : { ...x, seen: true }));
    try {
      await api.mentionsMarkSeen([id]);
    } catch {
      // Quietly unread again: the next opening tries once more.
      this.seenSent.delete(id);
      this.patch(one, (x) => (x.seen ? { ...x, seen: false } : x));
    }
  }

  // ---- The open mention ------------------------------------------------------

  /** Opens a mention's detail, marks it seen, and makes it the active row. */
  async open(id: number): Promise<void> {
    const generation = ++this.detailGeneration;
    this.activeId = this.indexOf(id) >= 0 ? id : this.activeId;
    if (this.openId !== id) {
      this.labelError = null;
      if (this.detail?.mention.id !== id) this.detail = null;
    }
    this.openId = id;
    this.detailError = null;
    this.detailLoading = true;
    void this.markSeen(id);
    try {
      const detail = await api.mentionDetail(id);
      if (generation !== this.detailGeneration) return;
      this.detail = this.withListState(detail);
    } catch (err) {
      if (generation !== this.detailGeneration) return;
      this.detailError = toAppError(err).message;
    } finally {
      if (generation === this.detailGeneration) this.detailLoading = false;
    }
  }

  close(): void {
    this.detailGeneration++;
    this.openId = null;
    this.detail = null;
    this.detailLoading = false;
    this.detailError = null;
    this.labelError = null;
  }

  /** The owner's label. Shown once the core has kept it (with its history). */
  async correctLabel(id: number, label: Label): Promise<boolean> {
    if (this.labelSaving) return false;
    this.labelSaving = true;
    this.labelError = null;
    try {
      const detail = await api.mentionCorrectLabel(id, label);
      const row = this.mention(id);
      const mention = row ? { ...detail.mention, highlights: row.highlights } : detail.mention;
      this.patch(new Set([id]), () => mention);
      if (this.openId === id) this.detail = { ...detail, mention };
      this.announce(`Label changed to ${LABEL_WORDS[label]}.`);
      return true;
    } catch (err) {
      this.labelError = `The label was not changed. ${toAppError(err).message}`;
      return false;
    } finally {
      this.labelSaving = false;
    }
  }

  /** The owner marked a person do-not-contact: their loaded mentions carry the badge at once. */
  markedDoNotContact(platform: Platform, handle: string): void {
    // The core keeps handles without the leading "@"; mentions carry them as posted.
    const bare = (h: string) => h.trim().replace(/^@/, '').toLowerCase();
    const key = bare(handle);
    const ids = new Set(
      [...this.mentions, ...(this.detail ? [this.detail.mention] : [])]
        .filter((m) => m.platform === platform && m.author_handle !== null && bare(m.author_handle) === key)
        .map((m) => m.id),
    );
    if (ids.size > 0) this.patch(ids, (m) => (m.do_not_contact ? m : { ...m, do_not_contact: true }));
  }

  /**
   * The list carries the search highlights, and its status is newer than the
   * core's answer while a change is on its way; otherwise the core's answer
   * is the newer one, and the list row takes it too.
   */
  private withListState(detail: MentionDetail): MentionDetail {
    const row = this.mention(detail.mention.id);
    if (!row) return detail;
    const id = row.id;
    const pending = [...this.inflight].some((ids) => ids.has(id));
    const status = pending ? row.status : detail.mention.status;
    const mention: Mention = {
      ...detail.mention,
      status,
      seen: row.seen || detail.mention.seen,
      highlights: row.highlights,
    };
    this.patch(new Set([id]), (m) => (m.status === status && m.label === mention.label ? m : { ...m, status, label: mention.label, corrected: mention.corrected }));
    return { ...detail, mention };
  }
}
