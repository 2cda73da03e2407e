import { api, toAppError } from '../api';
import type { Platform } from '../bindings/Platform';
import type { PlatformInfo } from '../bindings/PlatformInfo';
import { humanize } from '../words';

/** What each platform needs and is called, as the core describes it. */
export class PlatformsState {
  list = $state.raw<PlatformInfo[]>([]);
  error = $state<string | null>(null);
  loaded = $state(false);

  async load(): Promise<void> {
    try {
      this.list = await api.platforms();
      this.error = null;
    } catch (err) {
      this.error = toAppError(err).message;
    } finally {
      this.loaded = true;
    }
  }

  info(platform: Platform): PlatformInfo | undefined {
    return this.list.find((p) => p.platform === platform);
  }

  /** The name the owner knows, from the core; a readable stand-in until the list has loaded. */
  name(platform: Platform): string {
    return this.info(platform)?.name ?? humanize(platform);
  }
}
