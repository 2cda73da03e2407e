import { api, toAppError } from '../api';
import type { DemoSummary } from '../bindings/DemoSummary';
import { plural } from '../words';

/** "Explore with sample data": loads the sample workspace, then refreshes the screens. */
export class SampleDataState {
  loading = $state(false);
  message = $state<string | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly afterLoad: () => Promise<void>) {}

  async load(): Promise<DemoSummary | null> {
    if (this.loading) return null;
    this.loading = true;
    this.error = null;
    this.message = null;
    try {
      const summary = await api.demoLoad();
      this.message = summary.loaded_now
        ? `Loaded the sample shop “${summary.business_name}”: ${plural(summary.sources, 'source')} and ${plural(summary.mentions, 'mention')}.`
        : 'The sample data is already loaded.';
      await this.afterLoad();
      return summary;
    } catch (err) {
      this.error = toAppError(err).message;
      return null;
    } finally {
      this.loading = false;
    }
  }
}
