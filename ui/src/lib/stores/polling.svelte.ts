import { api } from '../api';
import type { PollingStatus } from '../bindings/PollingStatus';

/** Whether the scheduler is checking sources, as the core last said. */
export class PollingState {
  status = $state.raw<PollingStatus | null>(null);
  // Counts events, so an answer to `load` that was overtaken by an event is dropped.
  private events = 0;

  /** Until the core has said otherwise, assume online: no banner on a guess. */
  get offline(): boolean {
    return this.status?.online === false;
  }

  async load(): Promise<void> {
    const seen = this.events;
    try {
      const status = await api.pollingStatus();
      if (status && seen === this.events) this.status = status;
    } catch {
      // The status is a nicety; the next `polling-status` event will bring it.
    }
  }

  set(status: PollingStatus): void {
    this.events++;
    this.status = status;
  }
}
