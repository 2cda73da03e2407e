import { SvelteMap } from 'svelte/reactivity';
import { api, toAppError } from '../api';
import type { NewWatch } from '../bindings/NewWatch';
import type { Watch } from '../bindings/Watch';

export type WatchAction = 'toggle' | 'remove';

/**
 * What Hearken listens for. The core checks every watch (name, terms,
 * purpose) and says in plain words what is missing; this store only keeps the
 * list and what happened to each watch last.
 */
export class WatchesState {
  list = $state.raw<Watch[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Per watch: why its last switch or removal did not work. */
  problems = new SvelteMap<number, string>();
  /** Per watch: the action running now, if any. */
  busy = new SvelteMap<number, WatchAction>();

  get enabledCount(): number {
    return this.list.filter((w) => w.enabled).length;
  }

  async refresh(): Promise<void> {
    try {
      this.list = (await api.watchesList()) ?? [];
      this.error = null;
    } catch (err) {
      this.error = toAppError(err).message;
    } finally {
      this.loaded = true;
    }
  }

  /** Rejects with an AppError whose message says what to change. */
  async add(input: NewWatch): Promise<Watch> {
    const watch = await api.watchAdd(input);
    await this.refresh();
    return watch;
  }

  /** Rejects with an AppError whose message says what to change. */
  async update(id: number, input: NewWatch): Promise<Watch> {
    const watch = await api.watchUpdate(id, input);
    await this.refresh();
    return watch;
  }

  async setEnabled(watch: Watch, enabled: boolean): Promise<void> {
    await this.run(watch.id, 'toggle', () => api.watchUpdate(watch.id, { ...toNewWatch(watch), enabled }));
  }

  async remove(id: number): Promise<void> {
    await this.run(id, 'remove', async () => {
      await api.watchRemove(id);
      this.list = this.list.filter((w) => w.id !== id);
    });
  }

  private async run(id: number, action: WatchAction, work: () => Promise<unknown>): Promise<void> {
    if (this.busy.has(id)) return;
    this.busy.set(id, action);
    this.problems.delete(id);
    try {
      await work();
      await this.refresh();
    } catch (err) {
      this.problems.set(id, toAppError(err).message);
    } finally {
      this.busy.delete(id);
    }
  }
}

export function toNewWatch(watch: Watch): NewWatch {
  return {
    name: watch.name,
    terms: watch.terms,
    include_terms: watch.include_terms,
    exclude_terms: watch.exclude_terms,
    purpose: watch.purpose,
    legitimate_interests: watch.legitimate_interests,
    necessity: watch.necessity,
    balance: watch.balance,
    enabled: watch.enabled,
  };
}

/** Terms as the owner typed them: separated by commas or one per line, blanks dropped, repeats once. */
export function parseTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const term = raw.trim().replace(/\s+/g, ' ');
    if (term !== '' && !out.some((t) => t.toLowerCase() === term.toLowerCase())) out.push(term);
  }
  return out;
}

/** Terms back into a text box, one per line. */
export function termsText(terms: string[]): string {
  return terms.join('\n');
}
