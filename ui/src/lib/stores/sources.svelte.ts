import { SvelteMap } from 'svelte/reactivity';
import { api, toAppError } from '../api';
import type { NewSource } from '../bindings/NewSource';
import type { Source } from '../bindings/Source';
import type { SourceTestReport } from '../bindings/SourceTestReport';
import { pollReportWords } from '../words';

export type SourceAction = 'test' | 'poll' | 'remove';
export type SourceMessage = { tone: 'ok' | 'problem' | 'info'; text: string };

/** The Sources screen's list, and what happened to each source last. */
export class SourcesState {
  list = $state.raw<Source[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Per source: the last Test / Check now / Remove result, in plain words. */
  messages = new SvelteMap<number, SourceMessage>();
  /** Per source: the action running now, if any. */
  busy = new SvelteMap<number, SourceAction>();

  async refresh(): Promise<void> {
    try {
      this.list = await api.sourcesList();
      this.error = null;
    } catch (err) {
      this.error = toAppError(err).message;
    } finally {
      this.loaded = true;
    }
  }

  /** Adds a source. Rejects with an AppError whose message is for the owner. */
  async add(input: NewSource): Promise<Source> {
    const source = await api.sourceAdd(input);
    await this.refresh();
    return source;
  }

  /** Tests a source; the report's message is also kept for its row. */
  async test(id: number): Promise<SourceTestReport | null> {
    return this.run(id, 'test', async () => {
      const report = await api.sourceTest(id);
      this.messages.set(id, { tone: report.ok ? 'ok' : 'problem', text: report.message });
      return report;
    });
  }

  async poll(id: number): Promise<void> {
    await this.run(id, 'poll', async () => {
      const report = await api.sourcePoll(id);
      const tone = report.ok && !report.partial ? 'ok' : 'problem';
      this.messages.set(id, { tone, text: pollReportWords(report) });
      await this.refresh();
    });
  }

  /**
   * Saves a new key (the core puts it in the keyring), then tests it so the
   * row says whether the platform accepts it. Rejects with an AppError if the
   * key could not be saved; the caller has already dropped the secret.
   */
  async replaceKey(id: number, secret: string | null, extraSecrets: Record<string, string>): Promise<Source> {
    const source = await api.sourceReplaceKey(id, secret, extraSecrets);
    this.list = this.list.map((s) => (s.id === id ? source : s));
    void this.refresh();
    await this.test(id);
    return source;
  }

  /** Saves the source's settings (all of them). Rejects with an AppError whose message is for the owner. */
  async updateSettings(id: number, settings: Record<string, string>): Promise<Source> {
    const source = await api.sourceUpdateSettings(id, settings);
    this.list = this.list.map((s) => (s.id === id ? source : s));
    void this.refresh();
    return source;
  }

  async remove(id: number): Promise<void> {
    await this.run(id, 'remove', async () => {
      await api.sourceRemove(id);
      this.messages.delete(id);
      this.list = this.list.filter((s) => s.id !== id);
      await this.refresh();
    });
  }

  private async run<T>(id: number, action: SourceAction, work: () => Promise<T>): Promise<T | null> {
    if (this.busy.has(id)) return null;
    this.busy.set(id, action);
    this.messages.delete(id);
    try {
      return await work();
    } catch (err) {
      this.messages.set(id, { tone: 'problem', text: toAppError(err).message });
      return null;
    } finally {
      this.busy.delete(id);
    }
  }
}
