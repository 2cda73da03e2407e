import { api, toAppError } from '../api';
import type { Dashboard } from '../bindings/Dashboard';
import type { DashboardQuery } from '../bindings/DashboardQuery';
import type { DashboardRange } from '../bindings/DashboardRange';
import type { Platform } from '../bindings/Platform';
import { localOffsetMinutes } from '../time';

/**
 * The Dashboard: the chosen period and filters (kept while other screens
 * are open) and the core's figures for them.
 */
export class DashboardState {
  range = $state<DashboardRange>('30d');
  platform = $state<Platform | null>(null);
  watchId = $state<number | null>(null);
  data = $state.raw<Dashboard | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  // Each load starts a new generation; answers for an older one are dropped.
  private generation = 0;
  // Mentions changed while loading: load once more when this load ends.
  private again = false;

  query(): DashboardQuery {
    return {
      range: this.range,
      platform: this.platform,
      watch_id: this.watchId,
      utc_offset_minutes: localOffsetMinutes(),
    };
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.again = false;
    try {
      const data = await api.dashboard(this.query());
      if (generation !== this.generation) return;
      this.data = data;
      this.error = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = toAppError(err).message;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        if (this.again) void this.load();
      }
    }
  }

  setRange(range: DashboardRange): void {
    if (range === this.range) return;
    this.range = range;
    void this.load();
  }

  setPlatform(platform: Platform | null): void {
    this.platform = platform;
    void this.load();
  }

  setWatch(id: number | null): void {
    this.watchId = id;
    void this.load();
  }

  /** Mentions changed: load again, but never more than one load at a time. */
  refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    void this.load();
  }
}
