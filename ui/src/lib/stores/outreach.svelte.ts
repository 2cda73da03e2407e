import { outreachApi, toAppError, type AppError } from '../api';
import type { Channel } from '../bindings/Channel';
import type { ExportFormat } from '../bindings/ExportFormat';
import type { NewTemplate } from '../bindings/NewTemplate';
import type { Outreach } from '../bindings/Outreach';
import type { OutreachChange } from '../bindings/OutreachChange';
import type { OutreachQuery } from '../bindings/OutreachQuery';
import type { OutreachRevision } from '../bindings/OutreachRevision';
import type { OutreachStatus } from '../bindings/OutreachStatus';
import type { OutreachTemplate } from '../bindings/OutreachTemplate';

export const OUTREACH_PAGE_SIZE = 100;

/**
 * The Outreach screen: every outreach record, newest first, narrowed by
 * status, channel and due follow-ups; the open record and its history;
 * exports; and the message templates.
 */
export class OutreachState {
  items = $state.raw<Outreach[]>([]);
  total = $state(0);
  /** Follow-ups due now, whatever the filters. */
  due = $state(0);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  status = $state<OutreachStatus | ''>('');
  channel = $state<Channel | ''>('');
  dueOnly = $state(false);

  selectedId = $state<number | null>(null);
  history = $state.raw<OutreachRevision[] | null>(null);
  historyError = $state<string | null>(null);

  exporting = $state<ExportFormat | null>(null);
  exportResult = $state<{ ok: boolean; text: string } | null>(null);

  templates = $state.raw<OutreachTemplate[]>([]);
  templatesLoaded = $state(false);
  templatesError = $state<string | null>(null);

  private generation = 0;
  private historyGeneration = 0;

  get filtered(): boolean {
    return this.status !== '' || this.channel !== '' || this.dueOnly;
  }

  /** Nothing recorded at all (as opposed to nothing matching the filters). */
  get isEmpty(): boolean {
    return this.loaded && !this.error && !this.filtered && this.total === 0 && this.items.length === 0;
  }

  get selected(): Outreach | undefined {
    return this.selectedId === null ? undefined : this.items.find((o) => o.id === this.selectedId);
  }

  get hasMore(): boolean {
    return this.items.length < this.total;
  }

  private query(offset: number): OutreachQuery {
    return {
      statuses: this.status === '' ? [] : [this.status],
      channels: this.channel === '' ? [] : [this.channel],
      due_only: this.dueOnly,
      person: null,
      limit: OUTREACH_PAGE_SIZE,
      offset,
    };
  }

  /** The first page of the current filters; the open record stays open while it is listed. */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    try {
      const list = await outreachApi.query(this.query(0));
      if (generation !== this.generation) return;
      this.items = list.items;
      this.total = list.total;
      this.due = list.due;
      this.error = null;
      if (this.selectedId !== null && !list.items.some((o) => o.id === this.selectedId)) this.select(null);
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = `The outreach log could not be loaded. ${toAppError(err).message}`;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const list = await outreachApi.query(this.query(this.items.length));
      if (generation !== this.generation) return;
      const known = new Set(this.items.map((o) => o.id));
      this.items = [...this.items, ...list.items.filter((o) => !known.has(o.id))];
      this.total = list.total;
      this.due = list.due;
    } catch (err) {
      if (generation === this.generation) this.error = `More outreach could not be loaded. ${toAppError(err).message}`;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  setFilters(change: { status?: OutreachStatus | ''; channel?: Channel | ''; dueOnly?: boolean }): void {
    if (change.status !== undefined) this.status = change.status;
    if (change.channel !== undefined) this.channel = change.channel;
    if (change.dueOnly !== undefined) this.dueOnly = change.dueOnly;
    void this.refresh();
  }

  clearFilters(): void {
    this.setFilters({ status: '', channel: '', dueOnly: false });
  }

  /** Opens a record and fetches its history of changes. */
  select(id: number | null): void {
    this.selectedId = id;
    this.history = null;
    this.historyError = null;
    if (id !== null) void this.loadHistory(id);
  }

  async loadHistory(id: number): Promise<void> {
    const generation = ++this.historyGeneration;
    try {
      const history = await outreachApi.history(id);
      if (generation === this.historyGeneration && this.selectedId === id) {
        this.history = history;
        this.historyError = null;
      }
    } catch (err) {
      if (generation === this.historyGeneration) this.historyError = `The history could not be loaded. ${toAppError(err).message}`;
    }
  }

  /** Sends the changed fields; answers the saved record, or the core's refusal. */
  async update(id: number, change: OutreachChange): Promise<Outreach | AppError> {
    try {
      const saved = await outreachApi.update(id, change);
      this.items = this.items.map((o) => (o.id === id ? saved : o));
      if (this.selectedId === id) void this.loadHistory(id);
      return saved;
    } catch (err) {
      return toAppError(err);
    }
  }

  async exportAs(format: ExportFormat): Promise<void> {
    if (this.exporting) return;
    this.exporting = format;
    this.exportResult = null;
    try {
      const path = await outreachApi.export(format);
      this.exportResult = { ok: true, text: `Saved the outreach log as ${format === 'csv' ? 'a spreadsheet (CSV)' : 'JSON'}: ${path}` };
    } catch (err) {
      this.exportResult = { ok: false, text: `The outreach log was not exported. ${toAppError(err).message}` };
    } finally {
      this.exporting = null;
    }
  }

  /** A follow-up reminder from the core: how many are due now. */
  followUpsDue(count: number): void {
    this.due = count;
  }

  // ---- Templates -------------------------------------------------------------

  async loadTemplates(): Promise<void> {
    try {
      this.templates = await outreachApi.templates();
      this.templatesError = null;
    } catch (err) {
      this.templatesError = `The templates could not be loaded. ${toAppError(err).message}`;
    } finally {
      this.templatesLoaded = true;
    }
  }

  /** Adds (id null) or changes one of the owner's templates. */
  async saveTemplate(t: NewTemplate): Promise<OutreachTemplate | AppError> {
    try {
      const saved = await outreachApi.templateSave(t);
      const known = this.templates.some((x) => x.id === saved.id);
      this.templates = known ? this.templates.map((x) => (x.id === saved.id ? saved : x)) : [...this.templates, saved];
      return saved;
    } catch (err) {
      return toAppError(err);
    }
  }

  async deleteTemplate(id: number): Promise<AppError | null> {
    try {
      await outreachApi.templateDelete(id);
      this.templates = this.templates.filter((t) => t.id !== id);
      return null;
    } catch (err) {
      return toAppError(err);
    }
  }
}

/** Tells a saved record from the core's refusal. */
export function isAppError(x: unknown): x is AppError {
  return typeof x === 'object' && x !== null && 'code' in x && 'message' in x && !('id' in x);
}
