import { onCoreEvents } from '../api';
import { AppState } from './app.svelte';
import { GuideState } from './guide.svelte';
import { InboxState } from './inbox.svelte';
import { PlatformsState } from './platforms.svelte';
import { SampleDataState } from './sample.svelte';
import { SourcesState } from './sources.svelte';

/** Every store of the window, wired to each other and to the core's events. */
export class Workspace {
  readonly app = new AppState();
  readonly inbox = new InboxState();
  readonly sources = new SourcesState();
  readonly platforms = new PlatformsState();
  readonly guide = new GuideState();
  readonly sample = new SampleDataState(() => this.refreshAll());
  /** Start-up: app info first (a failure there is the full-page error), then the lists. */
  async start(): Promise<boolean> {
    if (!(await this.app.start())) return false;
    await Promise.all([this.inbox.reload(), this.sources.refresh(), this.platforms.load()]);
    return true;
  }

  async refreshAll(): Promise<void> {
    await Promise.all([this.inbox.reload(), this.sources.refresh(), this.app.refreshInfo()]);
  }

  listen(): Promise<() => void> {
    return onCoreEvents({
      mentionsAdded: ({ count }) => {
        this.inbox.mentionsAdded(count);
        void this.sources.refresh();
        void this.app.refreshInfo();
      },
      sourcesChanged: () => {
        void this.sources.refresh();
        void this.app.refreshInfo();
      },
    });
  }
}
