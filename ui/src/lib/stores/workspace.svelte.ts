import { onCoreEvents, onOutreachEvents } from '../api';
import { AppState } from './app.svelte';
import { DashboardState } from './dashboard.svelte';
import { GuideState } from './guide.svelte';
import { InboxState } from './inbox.svelte';
import { OutreachState } from './outreach.svelte';
import { PlatformsState } from './platforms.svelte';
import { PollingState } from './polling.svelte';
import { SampleDataState } from './sample.svelte';
import { SourcesState } from './sources.svelte';
import { WatchesState } from './watches.svelte';

/** Every store of the window, wired to each other and to the core's events. */
export class Workspace {
  readonly app = new AppState();
  readonly inbox = new InboxState();
  readonly dashboard = new DashboardState();
  readonly sources = new SourcesState();
  readonly platforms = new PlatformsState();
  readonly watches = new WatchesState();
  readonly polling = new PollingState();
  readonly guide = new GuideState();
  readonly outreach = new OutreachState();
  readonly sample = new SampleDataState(() => this.refreshAll());
  /**
   * Start-up: app info and the first Inbox page together (a failure of app
   * info is the full-page error); the other screens' lists load after the
   * Inbox is on screen, so they don't delay it.
   */
  async start(): Promise<boolean> {
    const [started] = await Promise.all([this.app.start(), this.inbox.reload()]);
    if (!started) return false;
    void Promise.all([
      this.inbox.refreshCounts(),
      this.sources.refresh(),
      this.platforms.load(),
      this.watches.refresh(),
      this.polling.load(),
      // For the due follow-ups on the sidebar.
      this.outreach.refresh(),
    ]);
    return true;
  }

  async refreshAll(): Promise<void> {
    await Promise.all([
      this.inbox.reload(),
      this.inbox.refreshCounts(),
      this.sources.refresh(),
      this.watches.refresh(),
      this.app.refreshInfo(),
    ]);
  }

  async listen(): Promise<() => void> {
    const [stopCore, stopOutreach] = await Promise.all([this.listenCore(), this.listenOutreach()]);
    return () => {
      stopCore();
      stopOutreach();
    };
  }

  /** Outreach logged or changed anywhere (here, the CLI, a purge); follow-up reminders. */
  private listenOutreach(): Promise<() => void> {
    return onOutreachEvents({
      outreachChanged: () => {
        if (this.outreach.loaded) void this.outreach.refresh();
        void this.app.refreshInfo();
      },
      followUpDue: (due) => this.outreach.followUpsDue(due),
    });
  }

  private listenCore(): Promise<() => void> {
    return onCoreEvents({
      mentionsAdded: ({ count }) => {
        this.inbox.mentionsAdded(count);
        void this.sources.refresh();
        void this.watches.refresh();
        void this.app.refreshInfo();
      },
      inboxChanged: () => void this.inbox.refreshCounts(),
      sourcesChanged: () => {
        void this.sources.refresh();
        void this.app.refreshInfo();
      },
      watchesChanged: () => void this.watches.refresh(),
      pollingStatus: (status) => this.polling.set(status),
    });
  }
}
