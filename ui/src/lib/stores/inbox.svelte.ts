import { api, toAppError, PAGE_SIZE } from '../api';
import type { Mention } from '../bindings/Mention';
import type { MentionCursor } from '../bindings/MentionCursor';
import { checkSummary, type CheckSummary } from '../words';

// Past this, new mentions wait behind a "show them" button instead of moving the list.
const READING_FURTHER_DOWN_PX = 300;

/**
 * The Inbox: stored mentions newest first, loaded page by page with the
 * core's keyset cursor. Arrays are replaced, never deeply proxied, so
 * thousands of mentions stay cheap.
 */
export class InboxState {
  mentions = $state.raw<Mention[]>([]);
  next = $state.raw<MentionCursor | null>(null);
  total = $state(0);
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

  checking = $state(false);
  checkResult = $state.raw<CheckSummary | null>(null);
  checkError = $state<string | null>(null);

  // Each reload starts a new generation; answers for an older one are dropped.
  private generation = 0;

  get hasMore(): boolean {
    return this.next !== null;
  }

  get isEmpty(): boolean {
    return this.loaded && !this.error && this.total === 0 && this.mentions.length === 0;
  }

  /** Loads the newest page again, dropping what was loaded before. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    try {
      const page = await api.mentionsList(null, PAGE_SIZE);
      if (generation !== this.generation) return;
      this.mentions = page.mentions;
      this.next = page.next;
      this.total = page.total;
      this.error = null;
      this.waiting = 0;
      this.scrollTop = 0;
      this.loaded = true;
      this.reloads++;
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
      const page = await api.mentionsList(this.next, PAGE_SIZE);
      if (generation !== this.generation) return;
      const seen = new Set(this.mentions.map((m) => m.id));
      this.mentions = [...this.mentions, ...page.mentions.filter((m) => !seen.has(m.id))];
      this.next = page.next;
      this.total = page.total;
      this.error = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = toAppError(err).message;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /**
   * New mentions were stored. Near the top, reload and show them; further
   * down, slip them in above without moving what the owner is reading (the
   * list keeps its place when rows are added above it). If more arrived than
   * one page holds, offer them instead, so the list never has a gap.
   */
  mentionsAdded(count: number): void {
    if (this.scrollTop > READING_FURTHER_DOWN_PX && this.mentions.length > 0) {
      void this.prependNewest(count);
      return;
    }
    void this.reload();
  }

  private async prependNewest(count: number): Promise<void> {
    const generation = this.generation;
    try {
      const page = await api.mentionsList(null, PAGE_SIZE);
      if (generation !== this.generation) return;
      const seen = new Set(this.mentions.map((m) => m.id));
      const firstKnown = page.mentions.findIndex((m) => seen.has(m.id));
      if (firstKnown < 0) {
        // Every mention on the newest page is new: there may be more between them and the list.
        this.waiting += Math.max(count, 0);
        this.total = page.total;
        return;
      }
      const fresh = page.mentions.slice(0, firstKnown);
      // Mentions already shown may have been edited on the platform: show the new text in place.
      const latest = new Map(page.mentions.slice(firstKnown).map((m) => [m.id, m]));
      this.mentions = [...fresh, ...this.mentions.map((m) => latest.get(m.id) ?? m)];
      this.total = page.total;
    } catch {
      // Not worth an error banner: offer the new mentions, a reload will fetch them.
      if (generation === this.generation) this.waiting += Math.max(count, 0);
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
    } catch (err) {
      this.checkError = toAppError(err).message;
    } finally {
      this.checking = false;
    }
  }
}
