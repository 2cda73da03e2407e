import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import SettingsScreen from '../src/lib/components/SettingsScreen.svelte';
import type { Settings } from '../src/lib/bindings/Settings';
import { AppState } from '../src/lib/stores/app.svelte';
import { SampleDataState } from '../src/lib/stores/sample.svelte';
import { appInfo, fakeCore, refuse } from './backend';

async function showSettings() {
  const app = new AppState();
  await app.start();
  render(SettingsScreen, { app, sample: new SampleDataState(async () => {}) });
  return app;
}

describe('settings', () => {
  test('choosing a theme applies it at once and saves it', async () => {
    const core = fakeCore({ settings_save: (args) => args.settings as Settings });
    await showSettings();
    expect(document.documentElement.dataset.theme).toBe('system');

    const select = screen.getByTestId('theme-select') as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['system', 'light', 'dark']);
    await fireEvent.change(select, { target: { value: 'dark' } });

    expect(document.documentElement.dataset.theme).toBe('dark');
    await waitFor(() => expect(core.called('settings_save')).toHaveLength(1));
    expect(core.called('settings_save')[0]!.args.settings).toEqual({
      theme: 'dark',
      business_name: 'Corner Bakery',
      business_contact: '01234 567890',
      notify_complaints: true,
      notify_negative: true,
      notify_new_mentions: false,
      tray_unread: true,
      notify_follow_ups: true,
    });
  });

  test('the theme saved at start-up is applied', async () => {
    fakeCore({ app_info: () => appInfo({ settings: { theme: 'light', business_name: '', business_contact: '', notify_complaints: true, notify_negative: true, notify_new_mentions: false, tray_unread: true, notify_follow_ups: true } }) });
    await showSettings();
    expect(document.documentElement.dataset.theme).toBe('light');
    expect((screen.getByTestId('theme-select') as HTMLSelectElement).value).toBe('light');
  });

  test('a theme that cannot be saved still shows, with the reason', async () => {
    fakeCore({ settings_save: refuse('store', 'The settings could not be saved: the disk is full.') });
    await showSettings();
    await fireEvent.change(screen.getByTestId('theme-select'), { target: { value: 'light' } });
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(await screen.findByText(/The settings could not be saved: the disk is full\./)).toBeTruthy();
  });

  test('shows where the data lives and that keys are in the keyring', async () => {
    fakeCore();
    await showSettings();
    expect(screen.getByTestId('data-dir').textContent).toBe('/home/sam/.local/share/hearken');
    expect(screen.getByText('/home/sam/.local/share/hearken/hearken.sqlite3')).toBeTruthy();
    expect(screen.getByText(/kept in your computer’s keyring/)).toBeTruthy();
    expect(screen.getByText('Hearken version 0.1.0')).toBeTruthy();
  });

  test('says plainly when the keyring cannot be reached', async () => {
    fakeCore({
      app_info: () =>
        appInfo({ keyring_available: false, keyring_message: 'No keyring is running. Keys cannot be saved until one is.' }),
    });
    await showSettings();
    expect(screen.getByText('No keyring is running. Keys cannot be saved until one is.')).toBeTruthy();
  });

  test('saves the business name', async () => {
    const core = fakeCore({ settings_save: (args) => args.settings as Settings });
    const app = await showSettings();
    await fireEvent.input(screen.getByLabelText('Business name'), { target: { value: '  Corner Bakery & Café ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(core.called('settings_save')[0]!.args.settings).toEqual({
      theme: 'system',
      business_name: 'Corner Bakery & Café',
      business_contact: '01234 567890',
      notify_complaints: true,
      notify_negative: true,
      notify_new_mentions: false,
      tray_unread: true,
      notify_follow_ups: true,
    });
    expect(app.info?.settings.business_name).toBe('Corner Bakery & Café');
  });

  test('saves the contact details for handouts together with the name', async () => {
    const core = fakeCore({ settings_save: (args) => args.settings as Settings });
    const app = await showSettings();
    const contact = screen.getByTestId('business-contact') as HTMLInputElement;
    expect(contact.value).toBe('01234 567890');
    expect(screen.getByLabelText('Contact details for handouts')).toBe(contact);
    await fireEvent.input(contact, { target: { value: ' 01234 567890 · hello@shop.example ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(core.called('settings_save')[0]!.args.settings).toEqual({
      theme: 'system',
      business_name: 'Corner Bakery',
      business_contact: '01234 567890 · hello@shop.example',
      notify_complaints: true,
      notify_negative: true,
      notify_new_mentions: false,
      tray_unread: true,
      notify_follow_ups: true,
    });
    expect(app.info?.settings.business_contact).toBe('01234 567890 · hello@shop.example');
    expect(contact.value).toBe('01234 567890 · hello@shop.example');
  });

  test('each notification switch and the tray switch can be turned off and on, and the choice is saved', async () => {
    const core = fakeCore({ settings_save: (args) => args.settings as Settings });
    const app = await showSettings();
    const complaints = screen.getByLabelText('Notify me about new complaints') as HTMLInputElement;
    const negative = screen.getByLabelText('Notify me about new negative mentions') as HTMLInputElement;
    const every = screen.getByLabelText('Notify me about every other new mention too') as HTMLInputElement;
    const tray = screen.getByLabelText('Show unread mentions in the tray') as HTMLInputElement;
    const followUps = screen.getByLabelText('Remind me when a follow-up is due') as HTMLInputElement;
    expect([complaints.checked, negative.checked, every.checked, tray.checked, followUps.checked]).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);

    await fireEvent.click(complaints);
    await waitFor(() => expect(core.called('settings_save')).toHaveLength(1));
    expect(core.called('settings_save')[0]!.args.settings).toEqual({
      theme: 'system',
      business_name: 'Corner Bakery',
      business_contact: '01234 567890',
      notify_complaints: false,
      notify_negative: true,
      notify_new_mentions: false,
      tray_unread: true,
      notify_follow_ups: true,
    });
    await waitFor(() => expect(app.info?.settings.notify_complaints).toBe(false));
    expect(complaints.checked).toBe(false);

    await fireEvent.click(tray);
    await waitFor(() => expect(core.called('settings_save')).toHaveLength(2));
    const second = core.called('settings_save')[1]!.args.settings as Settings;
    // The earlier change is kept; only the tray switch changed.
    expect([second.notify_complaints, second.tray_unread]).toEqual([false, false]);

    await fireEvent.click(every);
    await waitFor(() => expect(core.called('settings_save')).toHaveLength(3));
    expect((core.called('settings_save')[2]!.args.settings as Settings).notify_new_mentions).toBe(true);

    await fireEvent.click(followUps);
    await waitFor(() => expect(core.called('settings_save')).toHaveLength(4));
    const fourth = core.called('settings_save')[3]!.args.settings as Settings;
    expect([fourth.notify_follow_ups, fourth.notify_new_mentions, fourth.tray_unread]).toEqual([false, true, false]);
    expect(followUps.checked).toBe(false);
  });

  test('the saved choice is shown, and a failed save puts the switch back with the reason', async () => {
    fakeCore({
      app_info: () => appInfo({ settings: { theme: 'system', business_name: '', business_contact: '', notify_complaints: true, notify_negative: false, notify_new_mentions: false, tray_unread: true, notify_follow_ups: true } }),
      settings_save: refuse('store', 'The settings could not be saved: the disk is full.'),
    });
    await showSettings();
    const toggle = screen.getByTestId('switch-notify_negative') as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    await fireEvent.click(toggle);
    expect(await screen.findByText(/The change could not be saved\. The settings could not be saved: the disk is full\./)).toBeTruthy();
    expect(toggle.checked).toBe(false);
  });
});
