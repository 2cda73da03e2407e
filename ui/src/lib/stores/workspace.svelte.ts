import { tick } from 'svelte';
import { onCoreEvents, onOutreachEvents } from '../api';
import { markStep } from '../steps';
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

/** How long the window waits for the first Inbox page before showing its screens without it. */
export const FIRST_PAGE_WAIT_MS = 400;

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
  /** The app's screens are shown (until then, "Opening Hearken…"). */
  shown = $state(false);
  /**
   * Start-up: app info and the first Inbox page together (a failure of app
   * info is the full-page error). The screens are shown once both are in,
   * so the web view lays them out once rather than twice (its first layout
   * is the slowest step of start-up), unless the page is slow; the other
   * screens' lists load after the Inbox is on screen, so they don't delay it.
   */
  async start(): Promise<boolean> {
    const page = this.inbox.reload();
    const started = await this.app.start();
    if (!started) {
      await page;
      return false;
    }
    await Promise.race([page, new Promise((resolve) => setTimeout(resolve, FIRST_PAGE_WAIT_MS))]);
    markStep('shown');
    this.shown = true;
    await tick();
    // The screen built, and (the list reads its height) styled and laid out.
    markStep('built');
    await page;
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
      inboxChanged: () => {
        void this.inbox.refreshCounts();
        void this.inbox.refreshLoaded();
      },
      sourcesChanged: () => {
        void this.sources.refresh();
        void this.app.refreshInfo();
      },
      watchesChanged: () => void this.watches.refresh(),
      pollingStatus: (status) => this.polling.set(status),
    });
  }
}
