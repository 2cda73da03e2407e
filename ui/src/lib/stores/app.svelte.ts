import { api, toAppError, type AppError } from '../api';
import type { AppInfo } from '../bindings/AppInfo';
import type { Settings } from '../bindings/Settings';
import type { Theme } from '../bindings/Theme';
import { applyFont, applyTheme } from '../theme';
import { markStep } from '../steps';

/** The settings that are plain on/off switches. */
export type SettingSwitch =
  | 'notify_complaints'
  | 'notify_negative'
  | 'notify_new_mentions'
  | 'notify_follow_ups'
  | 'tray_unread';

export type Screen = 'inbox' | 'dashboard' | 'outreach' | 'guide' | 'sources' | 'privacy' | 'settings';

/** Start-up, navigation and the owner's settings. */
export class AppState {
  info = $state.raw<AppInfo | null>(null);
  startupError = $state.raw<AppError | null>(null);
  starting = $state(true);
  screen = $state<Screen>('inbox');

  /** Asks the core what it has; a failure becomes the full-page error. */
  async start(): Promise<boolean> {
    this.starting = true;
    try {
      const info = await api.appInfo();
      markStep('info');
      this.info = info;
      this.startupError = null;
      applyTheme(info.settings.theme);
      applyFont(info.ui_font);
      return true;
    } catch (err) {
      this.startupError = toAppError(err);
      return false;
    } finally {
      this.starting = false;
    }
  }

  /** Refreshes the counts and status; keeps the old ones if the core is busy. */
  async refreshInfo(): Promise<void> {
    try {
      this.info = await api.appInfo();
    } catch {
      // The next refresh will catch up; the screens already show their own errors.
    }
  }

  go(screen: Screen): void {
    this.screen = screen;
  }

  /** Applies the theme now, then saves it. Rejects with an AppError if saving failed. */
  async setTheme(theme: Theme): Promise<void> {
    applyTheme(theme);
    await this.save({ theme });
  }

  /** Saves the shop's name and how customers reach it (printed on the guide's handout). */
  async setBusiness(details: { name: string; contact: string }): Promise<void> {
    await this.save({ business_name: details.name, business_contact: details.contact });
  }

  /** One of the notification / tray switches. Rejects with an AppError if saving failed. */
  async setSwitch(key: SettingSwitch, on: boolean): Promise<void> {
    await this.save({ [key]: on });
  }

  private async save(change: Partial<Settings>): Promise<void> {
    const current: Settings = this.info?.settings ?? {
      theme: 'system',
      business_name: '',
      business_contact: '',
      notify_complaints: true,
      notify_negative: true,
      notify_new_mentions: false,
      tray_unread: true,
      notify_follow_ups: true,
    };
    const saved = await api.settingsSave({ ...current, ...change });
    if (this.info) this.info = { ...this.info, settings: saved };
    applyTheme(saved.theme);
  }
}
