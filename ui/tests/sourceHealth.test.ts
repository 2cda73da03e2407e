import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import SourcesScreen from '../src/lib/components/SourcesScreen.svelte';
import type { PollReport } from '../src/lib/bindings/PollReport';
import type { Source } from '../src/lib/bindings/Source';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { SourcesState } from '../src/lib/stores/sources.svelte';
import { WatchesState } from '../src/lib/stores/watches.svelte';
import { fakeCore, refuse, source, watch, type Handler } from './backend';

async function showSources(handlers: Record<string, Handler>) {
  const core = fakeCore({ watches_list: () => [watch()], ...handlers });
  const sources = new SourcesState();
  const platforms = new PlatformsState();
  const watches = new WatchesState();
  await Promise.all([sources.refresh(), platforms.load(), watches.refresh()]);
  render(SourcesScreen, { sources, platforms, watches });
  return core;
}

function text(el: HTMLElement): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function theRow(): HTMLElement {
  return screen.getByTestId('source-row');
}

function minutesFromNow(n: number): string {
  return new Date(Date.now() + n * 60_000).toISOString();
}

function report(overrides: Partial<PollReport> = {}): PollReport {
  return {
    source_id: 1,
    label: 'Shop blog',
    platform: 'rss',
    ok: true,
    fetched: 12,
    new_mentions: 0,
    not_modified: false,
    edited: 0,
    offline: false,
    error: null,
    partial: null,
    ...overrides,
  };
}

describe('a source’s health, in plain words', () => {
  test('last check, last problem, failures in a row and next check', async () => {
    await showSources({
      sources_list: () => [
        source({
          last_checked_at: minutesFromNow(-5),
          last_ok_at: minutesFromNow(-180),
          next_check_at: minutesFromNow(10),
          last_error: 'The feed address answered with a web page, not a feed.',
          error_count: 3,
        }),
      ],
    });
    const row = theRow();
    expect(within(row).getByTestId('source-last-check').textContent?.trim()).toBe('Checked 5 min ago');
    expect(row.textContent).toContain('3 h ago');
    expect(row.textContent).toContain('in 10 min');
    expect(text(within(row).getByTestId('source-error'))).toBe(
      'Last problem: The feed address answered with a web page, not a feed. (3 checks in a row have not worked.)',
    );
  });

  test('a source not checked yet says so', async () => {
    await showSources({ sources_list: () => [source()] });
    expect(within(theRow()).getByTestId('source-last-check').textContent?.trim()).toBe('Not checked yet');
    expect(within(theRow()).queryByTestId('source-error')).toBeNull();
  });

  test('a rate limit is a wait with an end time, not an error', async () => {
    const until = new Date(Date.now() + 30 * 60_000);
    until.setSeconds(0, 0);
    await showSources({
      sources_list: () => [source({ platform: 'reddit', label: 'Reddit search', rate_limited_until: until.toISOString() })],
    });
    const hhmm = until.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const note = within(theRow()).getByTestId('source-rate-limit');
    expect(text(note)).toContain(`Waiting for Reddit’s rate limit until ${hhmm}`);
  });

  test('a rate limit that has passed is not shown', async () => {
    await showSources({ sources_list: () => [source({ rate_limited_until: minutesFromNow(-2) })] });
    expect(within(theRow()).queryByTestId('source-rate-limit')).toBeNull();
  });

  test('usage: the summary in words and a meter against the limit', async () => {
    await showSources({
      sources_list: () => [
        source({
          platform: 'x',
          label: 'X search',
          base_url: null,
          credential: 'configured',
          settings: { monthly_cap_usd: '5.00' },
          usage: { period: 'this month', used: 1.25, limit: 5, unit: 'posts read', summary: '$1.25 of your $5.00 cap spent this month (250 posts read)' },
        }),
      ],
    });
    const usage = within(theRow()).getByTestId('source-usage');
    expect(usage.textContent).toContain('$1.25 of your $5.00 cap spent this month (250 posts read)');
    const meter = within(usage).getByRole('meter');
    expect(meter.getAttribute('aria-valuenow')).toBe('1.25');
    expect(meter.getAttribute('aria-valuemax')).toBe('5');
    expect((meter.firstElementChild as HTMLElement).style.width).toBe('25%');
  });

  test('what the platform needs and how to get it is one click away', async () => {
    await showSources({ sources_list: () => [source({ platform: 'reddit', label: 'Reddit search', credential: 'configured' })] });
    const needs = within(theRow()).getByTestId('source-needs') as HTMLDetailsElement;
    expect(needs.open).toBe(false);
    expect(needs.querySelector('summary')?.textContent).toBe('What this source needs');
    expect(needs.textContent).toContain('Create a “script” app at reddit.com/prefs/apps');
    expect(needs.textContent).toContain('App secret — kept in your computer’s keyring');
    expect(needs.textContent).toContain('App id: Under the app’s name');
  });
});

describe('checking one source now', () => {
  test('says how many new and edited mentions the check found', async () => {
    const core = await showSources({
      sources_list: () => [source()],
      source_poll: () => report({ new_mentions: 3, edited: 1 }),
    });
    await fireEvent.click(within(theRow()).getByTestId('source-poll'));
    await waitFor(() =>
      expect(within(theRow()).getByTestId('source-message').textContent).toBe('3 new mentions, 1 edited (12 items looked at).'),
    );
    expect(core.called('source_poll')[0]!.args).toEqual({ id: 1 });
  });

  test('a check that partly worked says what it found and what it could not read', async () => {
    const partial =
      'Facebook wouldn’t let Hearken read the Page’s feed; the rest was checked. graph.facebook.com said: (#10) permission.';
    await showSources({
      sources_list: () => [source()],
      source_poll: () => report({ new_mentions: 2, partial }),
    });
    await fireEvent.click(within(theRow()).getByTestId('source-poll'));
    await waitFor(() => {
      const message = within(theRow()).getByTestId('source-message');
      expect(message.textContent).toBe(`2 new mentions (12 items looked at). But: ${partial}`);
      expect(message.className).toContain('problem');
    });
  });

  test('offline is said calmly, not as a failure of the source', async () => {
    await showSources({
      sources_list: () => [source()],
      source_poll: () => report({ ok: false, offline: true, fetched: 0, error: 'error sending request' }),
    });
    await fireEvent.click(within(theRow()).getByTestId('source-poll'));
    await waitFor(() =>
      expect(within(theRow()).getByTestId('source-message').textContent).toBe(
        'This computer seems to be offline, so nothing was checked. Hearken will try again by itself.',
      ),
    );
  });
});

describe('a key the platform refused', () => {
  function refused(overrides: Partial<Source> = {}): Source {
    return source({
      id: 4,
      platform: 'reddit',
      label: 'Reddit search',
      base_url: null,
      credential: 'rejected',
      last_error: 'Reddit refused the app key (401). Check the key in Sources → Reddit, or create a new one.',
      error_count: 1,
      ...overrides,
    });
  }

  test('says it needs new credentials and saves the new key through the keyring command, then tests it', async () => {
    let stored = refused();
    const core = await showSources({
      sources_list: () => [stored],
      source_replace_key: () => {
        stored = refused({ credential: 'configured', last_error: null, error_count: 0 });
        return stored;
      },
      source_test: () => ({ source_id: 4, ok: true, message: 'Reddit accepted the new key: 8 posts found.', title: null, items: 8 }),
    });
    const row = theRow();
    expect(text(within(row).getByTestId('source-needs-key'))).toContain('Needs new credentials. Reddit refused the saved key');
    const replace = within(row).getByTestId('source-replace-key');
    expect(replace.textContent?.trim()).toBe('Replace key');
    await fireEvent.click(replace);

    const key = within(row).getByTestId('source-new-key') as HTMLInputElement;
    const password = within(row).getByTestId('source-new-key-password') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(password.type).toBe('password');
    expect(within(row).getByLabelText('New App secret')).toBe(key);
    await waitFor(() => expect(document.activeElement).toBe(key));

    await fireEvent.input(key, { target: { value: 'fresh-secret-77' } });
    await fireEvent.input(password, { target: { value: 'fresh-pw-88' } });
    await fireEvent.click(within(row).getByTestId('source-save-key'));

    await waitFor(() => expect(core.called('source_replace_key')).toHaveLength(1));
    expect(core.called('source_replace_key')[0]!.args).toEqual({
      id: 4,
      secret: 'fresh-secret-77',
      extraSecrets: { password: 'fresh-pw-88' },
    });
    await waitFor(() =>
      expect(within(row).getByTestId('source-message').textContent).toBe('Reddit accepted the new key: 8 posts found.'),
    );
    expect(core.called('source_test')[0]!.args).toEqual({ id: 4 });
    await waitFor(() => expect(within(row).queryByTestId('source-new-key')).toBeNull());
    expect(within(row).queryByTestId('source-needs-key')).toBeNull();
    const page = document.body.innerHTML;
    expect(page).not.toContain('fresh-secret-77');
    expect(page).not.toContain('fresh-pw-88');
  });

  test('a key that cannot be saved keeps the form open, empty, with the reason', async () => {
    const core = await showSources({
      sources_list: () => [refused()],
      source_replace_key: refuse('keyring_unavailable', 'Hearken cannot reach your computer’s keyring, so the key was not saved.'),
    });
    const row = theRow();
    await fireEvent.click(within(row).getByTestId('source-replace-key'));
    await fireEvent.input(within(row).getByTestId('source-new-key'), { target: { value: 'will-not-stay' } });
    await fireEvent.click(within(row).getByTestId('source-save-key'));

    expect((await within(row).findByTestId('source-key-error')).textContent).toContain('cannot reach your computer’s keyring');
    expect((within(row).getByTestId('source-new-key') as HTMLInputElement).value).toBe('');
    expect(document.body.innerHTML).not.toContain('will-not-stay');
    expect(core.called('source_test')).toHaveLength(0);
  });

  test('saving with empty boxes asks for the key and sends nothing', async () => {
    const core = await showSources({ sources_list: () => [refused()] });
    const row = theRow();
    await fireEvent.click(within(row).getByTestId('source-replace-key'));
    await fireEvent.click(within(row).getByTestId('source-save-key'));
    expect((await within(row).findByTestId('source-key-error')).textContent).toBe('Paste the new App secret first.');
    expect(core.called('source_replace_key')).toHaveLength(0);
  });

  test('Cancel closes the form and puts focus back on Replace key', async () => {
    await showSources({ sources_list: () => [refused()] });
    const row = theRow();
    await fireEvent.click(within(row).getByTestId('source-replace-key'));
    await fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    expect(within(row).queryByTestId('source-new-key')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(within(row).getByTestId('source-replace-key')));
  });

  test('sources without a key have no Replace key button; sample sources neither', async () => {
    await showSources({
      sources_list: () => [
        source({ id: 1, label: 'Shop blog' }),
        source({ id: 2, platform: 'reddit', label: 'Sample Reddit', sample: true }),
      ],
    });
    expect(screen.queryByTestId('source-replace-key')).toBeNull();
  });
});

describe('the monthly cap of a paid platform', () => {
  function x(settings: Record<string, string> = { monthly_cap_usd: '5.00', query_lang: 'en' }): Source {
    return source({ id: 2, platform: 'x', label: 'X search', base_url: null, credential: 'configured', settings });
  }

  test('is shown and saved with the source’s other settings', async () => {
    let stored = x();
    const core = await showSources({
      sources_list: () => [stored],
      source_update_settings: (args) => {
        stored = x(args.settings as Record<string, string>);
        return stored;
      },
    });
    const cap = within(theRow()).getByTestId('source-cap') as HTMLInputElement;
    expect(cap.value).toBe('5.00');
    expect(screen.getByLabelText('Monthly spending cap (US$)')).toBe(cap);
    const save = within(theRow()).getByTestId('source-cap-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    await fireEvent.input(cap, { target: { value: '$12,50' } });
    await fireEvent.click(save);
    await waitFor(() => expect(core.called('source_update_settings')).toHaveLength(1));
    expect(core.called('source_update_settings')[0]!.args).toEqual({
      id: 2,
      settings: { monthly_cap_usd: '12.50', query_lang: 'en' },
    });
    expect((await within(theRow()).findByTestId('source-cap-message')).textContent).toContain('once $12.50 is spent');
    expect(cap.value).toBe('12.50');
  });

  test('an amount that is not money is caught; the core’s refusal is shown', async () => {
    const core = await showSources({
      sources_list: () => [x()],
      source_update_settings: refuse('invalid', 'The cap must be between $1 and $500 a month.'),
    });
    const cap = within(theRow()).getByTestId('source-cap') as HTMLInputElement;
    await fireEvent.input(cap, { target: { value: 'lots' } });
    await fireEvent.click(within(theRow()).getByTestId('source-cap-save'));
    expect((await within(theRow()).findByTestId('source-cap-message')).textContent).toContain('like 5 or 12.50');
    expect(core.called('source_update_settings')).toHaveLength(0);

    await fireEvent.input(cap, { target: { value: '900' } });
    await fireEvent.click(within(theRow()).getByTestId('source-cap-save'));
    await waitFor(() =>
      expect(within(theRow()).getByTestId('source-cap-message').textContent).toContain('between $1 and $500'),
    );
    expect(cap.value).toBe('900');
  });

  test('sources of free platforms have no cap', async () => {
    await showSources({ sources_list: () => [source()] });
    expect(screen.queryByTestId('source-cap')).toBeNull();
  });
});
