import { emit } from '@tauri-apps/api/event';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import App from '../src/App.svelte';
import { FIRST_PAGE_WAIT_MS } from '../src/lib/stores/workspace.svelte';
import { fontStack } from '../src/lib/theme';
import { appInfo, FakeWatches, fakeCore, mention, page, refuse, watch } from './backend';
import { FakePrivacy } from './privacyBackend';

describe('starting Hearken', () => {
  test('a core that cannot open its database gives a full-page explanation, not a blank window', async () => {
    let broken = true;
    const core = fakeCore({
      app_info: () =>
        broken
          ? Promise.reject({ code: 'database', message: 'Hearken could not open its database: the file is locked by another program.' })
          : appInfo(),
    });
    render(App);

    const error = await screen.findByTestId('app-error');
    expect(core.called('ui_painted')).toHaveLength(0);
    expect(error.textContent).toContain('Hearken could not open its database: the file is locked by another program.');

    broken = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('screen-inbox')).toBeTruthy();
  });

  test('an error without a message still shows words', async () => {
    fakeCore({ app_info: refuse('x', '') });
    render(App);
    expect((await screen.findByTestId('app-error')).textContent).toMatch(/Something went wrong/);
  });

  test('opens on the inbox, applies the saved theme, and reports the first paint', async () => {
    const core = fakeCore({ app_info: () => appInfo({ settings: { theme: 'dark', business_name: 'Corner Bakery', business_contact: '', notify_complaints: true, notify_negative: true, notify_new_mentions: false, tray_unread: true, notify_follow_ups: true } }) });
    render(App);
    expect(await screen.findByTestId('screen-inbox')).toBeTruthy();
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(screen.getByTestId('nav-inbox').getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(core.called('ui_painted')).toHaveLength(1));
    const ms = core.called('ui_painted')[0]?.args.first_page_ms;
    expect(Number.isInteger(ms) && (ms as number) >= 0).toBe(true);
    // Where the time went, in the order reached: asked for both answers,
    // got them, built the screen, painted it.
    const steps = String(core.called('ui_painted')[0]?.args.stages);
    const order = [...steps.matchAll(/(\w+)=(\d+)/g)].map((m) => m[1]);
    for (const step of ['script', 'asked', 'info', 'page', 'rendered', 'painted']) expect(order).toContain(step);
    expect(order.indexOf('asked')).toBeLessThan(order.indexOf('info'));
    expect(order.indexOf('asked')).toBeLessThan(order.indexOf('page'));
    expect(order.at(-1)).toBe('painted');
  });
});

describe('the desktop font', () => {
  test('the screens are built in the font the desktop uses, when the core names one', async () => {
    document.documentElement.style.removeProperty('--ui-font');
    let fontWhenBuilt: string | null = null;
    // The Inbox screen's first appearance: the font must already be set.
    const observer = new MutationObserver(() => {
      if (fontWhenBuilt === null && document.querySelector('[data-testid="screen-inbox"]'))
        fontWhenBuilt = document.documentElement.style.getPropertyValue('--ui-font');
    });
    observer.observe(document.body, { childList: true, subtree: true });
    fakeCore({ app_info: () => appInfo({ ui_font: 'Cantarell' }) });
    render(App);
    expect(await screen.findByTestId('screen-inbox')).toBeTruthy();
    observer.disconnect();
    expect(fontWhenBuilt).toBe('"Cantarell", sans-serif');
  });

  test('without a desktop font the stack is sans-serif alone', async () => {
    document.documentElement.style.setProperty('--ui-font', '"Old", sans-serif');
    fakeCore({ app_info: () => appInfo({ ui_font: null }) });
    render(App);
    expect(await screen.findByTestId('screen-inbox')).toBeTruthy();
    expect(document.documentElement.style.getPropertyValue('--ui-font')).toBe('sans-serif');
  });

  test('a family name cannot end its CSS string', () => {
    expect(fontStack('Noto Sans')).toBe('"Noto Sans", sans-serif');
    expect(fontStack('Evil", serif; x: "')).toBe('"Evil, serif; x:", sans-serif');
    expect(fontStack('Back\\slash\nline')).toBe('"Backslashline", sans-serif');
    expect(fontStack('  ')).toBe('sans-serif');
    expect(fontStack(null)).toBe('sans-serif');
  });
});

describe('the first screen', () => {
  test('is shown once the first Inbox page is in, so the window lays it out once', async () => {
    let answer: (value: unknown) => void = () => {};
    fakeCore({
      mentions_query: () => new Promise((resolve) => (answer = resolve)),
    });
    render(App);
    // App info is in, the page is not: still opening, no half-built Inbox.
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Opening Hearken'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('screen-inbox')).toBeNull();

    answer(page([mention({ text: 'Lovely sourdough this morning' })]));
    expect(await screen.findByText('Lovely sourdough this morning')).toBeTruthy();
    expect(screen.queryByText(/Opening Hearken/)).toBeNull();
  });

  test('does not wait long for a slow first page', async () => {
    fakeCore({ mentions_query: () => new Promise(() => {}) });
    render(App);
    // Shown after FIRST_PAGE_WAIT_MS, with the Inbox still loading.
    expect(await screen.findByTestId('screen-inbox', {}, { timeout: FIRST_PAGE_WAIT_MS + 2000 })).toBeTruthy();
    expect(screen.getByTestId('screen-inbox').textContent).toContain('Loading');
  });
});

describe('moving around', () => {
  test('every screen is reachable from the sidebar and none is blank', async () => {
    fakeCore({ app_info: () => appInfo({ outreach_count: 3 }), ...new FakePrivacy().handlers() });
    render(App);
    await screen.findByTestId('screen-inbox');

    const expected: [string, RegExp][] = [
      ['outreach', /No outreach recorded yet[\s\S]*Record outreach/],
      ['guide', /Walk through this with your customer[\s\S]*Facebook[\s\S]*Google Maps reviews[\s\S]*Continue a checklist/],
      ['dashboard', /Nothing to chart yet/],
      ['sources', /Add a source/],
      ['privacy', /Do-not-contact list[\s\S]*Retention limits[\s\S]*Access and erasure requests[\s\S]*Audit trail/],
      ['settings', /Theme/],
      ['inbox', /No mentions yet/],
    ];
    for (const [name, text] of expected) {
      await fireEvent.click(screen.getByTestId(`nav-${name}`));
      const root = await screen.findByTestId(`screen-${name}`);
      await waitFor(() => expect(root.textContent).toMatch(text));
      expect(screen.getByTestId(`nav-${name}`).getAttribute('aria-current')).toBe('page');
      await waitFor(() => expect(document.activeElement).toBe(root.querySelector('h1')));
    }
  });

  test('only screens still being built are marked as coming soon', async () => {
    fakeCore();
    render(App);
    await screen.findByTestId('screen-inbox');
    expect(screen.getByTestId('nav-guide').textContent).not.toMatch(/soon/i);
    expect(screen.getByTestId('nav-outreach').textContent).not.toMatch(/soon/i);
  });

  test('every button has an accessible name', async () => {
    fakeCore({
      mentions_query: () => page([mention({ text: 'Great bread' })]),
      watches_list: () => [watch({ id: 1, name: 'Shop name' })],
      sources_list: () => [
        { ...baseSource, id: 1, platform: 'x', label: 'X search', credential: 'rejected', settings: { monthly_cap_usd: '5' } },
      ],
    });
    render(App);
    await screen.findByText('Great bread');
    for (const name of ['inbox', 'dashboard', 'sources', 'guide', 'settings']) {
      await fireEvent.click(screen.getByTestId(`nav-${name}`));
      await screen.findByTestId(`screen-${name}`);
      for (const button of screen.getAllByRole('button')) expect(button.textContent?.trim()).not.toBe('');
      for (const control of document.querySelectorAll('input, select')) {
        expect(control.id && document.querySelector(`label[for="${control.id}"]`)).toBeTruthy();
      }
    }
  });

  test('"Add a source" in the empty inbox opens Sources', async () => {
    fakeCore();
    render(App);
    await fireEvent.click(await screen.findByRole('button', { name: 'Add a source' }));
    expect(await screen.findByTestId('screen-sources')).toBeTruthy();
  });
});

describe('events from the core', () => {
  test('mentions-added reloads the inbox', async () => {
    let stored = [mention({ id: 1, text: 'older post' })];
    const core = fakeCore({ mentions_query: () => page(stored) });
    render(App);
    await screen.findByText('older post');

    stored = [mention({ id: 2, text: 'brand new post' }), ...stored];
    await emit('mentions-added', { count: 1 });
    expect(await screen.findByText('brand new post')).toBeTruthy();
    expect(screen.getByTestId('inbox-total').textContent).toBe('2');
    expect(core.called('mentions_query').length).toBeGreaterThanOrEqual(2);
  });

  test('sources-changed refreshes the sources list', async () => {
    let labels = ['Shop blog'];
    const core = fakeCore({
      sources_list: () => labels.map((label, i) => ({ ...baseSource, id: i + 1, label })),
    });
    render(App);
    await screen.findByTestId('screen-inbox');
    await fireEvent.click(screen.getByTestId('nav-sources'));
    await screen.findByText('Shop blog');

    labels = ['Shop blog', 'Added from the command line'];
    await emit('sources-changed');
    expect(await screen.findByText('Added from the command line')).toBeTruthy();
    expect(core.called('sources_list').length).toBeGreaterThanOrEqual(2);
  });
});

describe('offline', () => {
  test('a calm banner shows when the core says it is offline at start, and goes when back online', async () => {
    fakeCore({
      polling_status: () => ({ online: false, last_cycle_at: null, message: 'No network: checks are paused.' }),
    });
    render(App);
    const banner = await screen.findByTestId('offline-banner');
    expect(banner.textContent).toContain('Offline — Hearken has paused checking and will carry on by itself');
    expect(banner.textContent).toContain('No network: checks are paused.');
    expect(banner.getAttribute('role')).toBe('status');

    await emit('polling-status', { online: true, last_cycle_at: new Date().toISOString(), message: null });
    await waitFor(() => expect(screen.queryByTestId('offline-banner')).toBeNull());
  });

  test('the polling-status event brings the banner while the app is open, on every screen', async () => {
    const core = fakeCore();
    render(App);
    await screen.findByTestId('screen-inbox');
    await waitFor(() => expect(core.called('polling_status')).toHaveLength(1));
    expect(screen.queryByTestId('offline-banner')).toBeNull();

    // Subscribing finishes a moment after start-up: send until the window has heard it.
    await waitFor(async () => {
      await emit('polling-status', { online: false, last_cycle_at: null, message: null });
      expect(screen.getByTestId('offline-banner')).toBeTruthy();
    });
    await fireEvent.click(screen.getByTestId('nav-settings'));
    await screen.findByTestId('screen-settings');
    expect(screen.getByTestId('offline-banner')).toBeTruthy();
  });

  test('a core without a status yet shows no banner', async () => {
    fakeCore({ polling_status: () => null });
    render(App);
    await screen.findByTestId('screen-inbox');
    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });
});

describe('live updates', () => {
  test('watches-changed refreshes the watches on the Sources screen', async () => {
    const fake = new FakeWatches([watch({ id: 1, name: 'Shop name' })]);
    fakeCore(fake.handlers());
    render(App);
    await screen.findByTestId('screen-inbox');
    await fireEvent.click(screen.getByTestId('nav-sources'));
    await screen.findByText('Shop name');

    // Added elsewhere (the command line): the screen follows.
    fake.watches = [...fake.watches, watch({ id: 2, name: 'Handle', terms: ['@pedalpine'] })];
    await emit('watches-changed');
    expect(await screen.findByText('Handle')).toBeTruthy();
    expect(screen.getAllByTestId('watch-row')).toHaveLength(2);
  });

  test('mentions-added also refreshes the watches’ mention counts', async () => {
    const fake = new FakeWatches([watch({ id: 1, name: 'Shop name', mention_count: 2 })]);
    fakeCore(fake.handlers());
    render(App);
    await screen.findByTestId('screen-inbox');
    await fireEvent.click(screen.getByTestId('nav-sources'));
    expect((await screen.findByTestId('watch-count')).textContent).toBe('2 mentions caught');

    fake.watches = [{ ...fake.watches[0]!, mention_count: 5 }];
    await emit('mentions-added', { count: 3 });
    await waitFor(() => expect(screen.getByTestId('watch-count').textContent).toBe('5 mentions caught'));
  });
});

const baseSource = {
  platform: 'rss',
  base_url: null,
  settings: {},
  credential: 'not_needed',
  enabled: true,
  sample: false,
  interval_secs: 900,
  last_ok_at: null,
  last_checked_at: null,
  last_error: null,
  error_count: 0,
  next_check_at: null,
  mention_count: 0,
  usage: null,
  rate_limited_until: null,
};
