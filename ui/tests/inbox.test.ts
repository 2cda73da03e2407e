import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test, vi } from 'vitest';
import InboxScreen from '../src/lib/components/InboxScreen.svelte';
import { InboxState } from '../src/lib/stores/inbox.svelte';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { SampleDataState } from '../src/lib/stores/sample.svelte';
import { WatchesState } from '../src/lib/stores/watches.svelte';
import { fakeCore, mention, NO_FILTERS, page, refuse } from './backend';

async function showInbox(onaddsource = () => {}) {
  const inbox = new InboxState();
  const platforms = new PlatformsState();
  const watches = new WatchesState();
  const sample = new SampleDataState(() => inbox.reload());
  await Promise.all([inbox.reload(), platforms.load(), watches.refresh()]);
  render(InboxScreen, { inbox, platforms, watches, sample, onaddsource });
  return inbox;
}

describe('an empty inbox', () => {
  test('explains itself and loads the sample data when asked', async () => {
    let sampleLoaded = false;
    const core = fakeCore({
      mentions_query: () => (sampleLoaded ? page([mention({ text: 'Lovely sourdough!' })], null, 1) : page([])),
      demo_load: () => {
        sampleLoaded = true;
        return { business_name: 'Corner Bakery', sources: 3, mentions: 1, outreach: 0, loaded_now: true };
      },
    });
    await showInbox();

    const empty = screen.getByTestId('inbox-empty');
    expect(empty.textContent).toContain('No mentions yet');
    await fireEvent.click(within(empty).getByTestId('load-sample'));

    expect(core.called('demo_load')).toHaveLength(1);
    expect(await screen.findByText('Lovely sourdough!')).toBeTruthy();
    expect(screen.queryByTestId('inbox-empty')).toBeNull();
    expect(screen.getByTestId('inbox-total').textContent).toBe('1');
  });

  test('offers to add a source instead', async () => {
    fakeCore();
    const onaddsource = vi.fn();
    await showInbox(onaddsource);
    await fireEvent.click(screen.getByRole('button', { name: 'Add a source' }));
    expect(onaddsource).toHaveBeenCalledOnce();
  });

  test('shows the core’s words when the sample cannot be loaded', async () => {
    fakeCore({ demo_load: refuse('store', 'The sample could not be saved: the disk is full.') });
    await showInbox();
    await fireEvent.click(screen.getByTestId('load-sample'));
    expect(await screen.findByText('The sample could not be saved: the disk is full.')).toBeTruthy();
  });
});

describe('mentions from platforms are untrusted', () => {
  test('markup in the text and the author name is shown literally and creates no elements', async () => {
    const text = '<img src=x onerror=alert(1)> and <script>alert("hi")</script> & <b>bold</b>';
    const name = '<img src=y onerror=alert(2)>Mallory';
    fakeCore({ mentions_query: () => page([mention({ text, author_name: name })]) });
    await showInbox();

    const row = await screen.findByTestId('mention-row');
    expect(within(row).getByTestId('mention-text').textContent).toBe(text);
    expect(within(row).getByTestId('mention-author').textContent).toContain(name);
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('b')).toBeNull();
  });

  test('"Open original" appears only for https links and opens through the opener plugin', async () => {
    const core = fakeCore({
      mentions_query: () =>
        page([
          mention({ id: 101, url: 'https://www.reddit.com/r/bakery/comments/abc/' }),
          mention({ id: 102, url: 'http://insecure.example/post' }),
          mention({ id: 103, url: 'javascript:alert(1)' }),
          mention({ id: 104, url: null }),
          mention({ id: 105, url: 'HTTPS://shouting.example/' }),
        ]),
    });
    await showInbox();

    const rows = await screen.findAllByTestId('mention-row');
    expect(rows).toHaveLength(5);
    const withButton = rows.filter((row) => within(row).queryByRole('button', { name: /Open original/ }));
    expect(withButton).toEqual([rows[0]]);
    expect(document.querySelector('a[href]')).toBeNull();

    await fireEvent.click(within(rows[0]!).getByRole('button', { name: /Open original/ }));
    await waitFor(() => expect(core.called('plugin:opener|open_url')).toHaveLength(1));
    expect(core.called('plugin:opener|open_url')[0]!.args.url).toBe('https://www.reddit.com/r/bakery/comments/abc/');
  });
});

describe('a long inbox', () => {
  test('is fetched in keyset pages of 50 and rendered a window at a time', async () => {
    const first = Array.from({ length: 50 }, (_, i) => mention({ id: 1000 - i }));
    const second = Array.from({ length: 20 }, (_, i) => mention({ id: 950 - i }));
    const cursor = { created_at: first[49]!.created_at, id: first[49]!.id };
    const core = fakeCore({
      mentions_query: (args) => (args.before ? page(second, null, 70) : page(first, cursor, 70)),
    });
    await showInbox();

    expect(core.called('mentions_query')[0]!.args).toEqual({ query: NO_FILTERS, before: null, limit: 50 });
    // Only the rows near the viewport are in the DOM, not all 50.
    const rendered = screen.getAllByTestId('mention-row').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(50);
    expect(screen.getByTestId('inbox-total').textContent).toBe('70');

    await fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(core.called('mentions_query')).toHaveLength(2));
    expect(core.called('mentions_query')[1]!.args).toEqual({ query: NO_FILTERS, before: cursor, limit: 50 });
    expect(await screen.findByText(/That’s everything: 70 of 70 shown/)).toBeTruthy();
  });

  test('Page Down moves focus to the next mention', async () => {
    fakeCore({ mentions_query: () => page([mention({ id: 1, text: 'first' }), mention({ id: 2, text: 'second' })]) });
    await showInbox();
    const [first, second] = screen.getAllByTestId('mention-row');
    first!.focus();
    await fireEvent.keyDown(first!, { key: 'PageDown' });
    await waitFor(() => expect(document.activeElement).toBe(second));
    expect(second!.getAttribute('aria-posinset')).toBe('2');
  });
});

describe('keeping the inbox current', () => {
  test('"Check now" polls every source and sums up, with problems in plain words', async () => {
    const core = fakeCore({
      mentions_query: () => page([mention()]),
      poll_all: () => [
        { source_id: 1, label: 'Blog', platform: 'rss', ok: true, fetched: 10, new_mentions: 3, not_modified: false, error: null },
        {
          source_id: 2,
          label: 'Reddit search',
          platform: 'reddit',
          ok: false,
          fetched: 0,
          new_mentions: 0,
          not_modified: false,
          error: 'Reddit refused the app key (401). Check the key in Sources.',
        },
      ],
    });
    await showInbox();
    await fireEvent.click(screen.getByTestId('check-now'));

    expect(await screen.findByText('Checked 2 sources: 3 new mentions. 1 source could not be checked.')).toBeTruthy();
    expect(screen.getByText('Reddit refused the app key (401). Check the key in Sources.')).toBeTruthy();
    expect(core.called('mentions_query').length).toBeGreaterThanOrEqual(2);
  });

  test('"Check now" names a source that could only partly be checked, and what it could not read', async () => {
    const partial =
      'Facebook wouldn’t let Hearken read posts the Page is tagged in; the rest was checked. graph.facebook.com said: (#10) permission.';
    fakeCore({
      mentions_query: () => page([mention()]),
      poll_all: () => [
        { source_id: 1, label: 'Blog', platform: 'rss', ok: true, fetched: 10, new_mentions: 3, not_modified: false, error: null, partial: null },
        { source_id: 3, label: 'Facebook Page', platform: 'facebook', ok: true, fetched: 4, new_mentions: 1, not_modified: false, error: null, partial },
      ],
    });
    await showInbox();
    await fireEvent.click(screen.getByTestId('check-now'));

    expect(await screen.findByText('Checked 2 sources: 4 new mentions. 1 source could only partly be checked.')).toBeTruthy();
    expect(screen.getByText(partial).textContent).toBe(`Facebook Page: ${partial}`);
  });

  test('"Check now" shows the error when the core refuses', async () => {
    fakeCore({
      mentions_query: () => page([mention()]),
      poll_all: refuse('offline', 'You seem to be offline. Hearken will check again when you are back online.'),
    });
    await showInbox();
    await fireEvent.click(screen.getByTestId('check-now'));
    expect(await screen.findByText('You seem to be offline. Hearken will check again when you are back online.')).toBeTruthy();
  });

  test('new mentions arriving while reading further down are slipped in above, keeping the place', async () => {
    let stored = Array.from({ length: 10 }, (_, i) => mention({ id: 500 - i, text: `older ${i}` }));
    const core = fakeCore({ mentions_query: () => page(stored.slice(0, 50), null, stored.length) });
    const inbox = await showInbox();
    const reloads = inbox.reloads;
    inbox.scrollTop = 900; // reading further down

    stored = [mention({ id: 601, text: 'just posted' }), { ...stored[0]!, text: 'older 0 (edited)' }, ...stored.slice(1)];
    inbox.mentionsAdded(1);
    await waitFor(() => expect(inbox.mentions).toHaveLength(11));
    expect(inbox.mentions[0]!.text).toBe('just posted');
    expect(inbox.mentions[1]!.text).toBe('older 0 (edited)');
    expect(inbox.total).toBe(11);
    // No reload: the list was not replaced or sent back to the top, and nothing waits behind a button.
    expect(inbox.reloads).toBe(reloads);
    expect(inbox.waiting).toBe(0);
    expect(inbox.scrollTop).toBeGreaterThanOrEqual(900);
    expect(core.called('mentions_query')).toHaveLength(2);
  });

  test('more new mentions than a page holds wait behind a button instead of leaving a gap', async () => {
    let stored = [mention({ id: 1, text: 'old' })];
    fakeCore({
      mentions_query: () => {
        const first = stored.slice(0, 50);
        const last = first[first.length - 1]!;
        return page(first, stored.length > 50 ? { created_at: last.created_at, id: last.id } : null, stored.length);
      },
    });
    const inbox = await showInbox();
    inbox.scrollTop = 900;
    stored = [...Array.from({ length: 60 }, (_, i) => mention({ id: 1000 - i })), ...stored];
    inbox.mentionsAdded(60);
    expect(await screen.findByRole('button', { name: '60 new mentions — show them' })).toBeTruthy();
    expect(inbox.mentions).toHaveLength(1);
  });
});
