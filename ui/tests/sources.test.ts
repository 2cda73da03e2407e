import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import SourcesScreen from '../src/lib/components/SourcesScreen.svelte';
import type { Source } from '../src/lib/bindings/Source';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { SourcesState } from '../src/lib/stores/sources.svelte';
import { WatchesState } from '../src/lib/stores/watches.svelte';
import { fakeCore, refuse, source } from './backend';

async function showSources() {
  const sources = new SourcesState();
  const platforms = new PlatformsState();
  const watches = new WatchesState();
  await Promise.all([sources.refresh(), platforms.load(), watches.refresh()]);
  render(SourcesScreen, { sources, platforms, watches });
  return { sources, platforms, watches };
}

function rowNamed(label: string): HTMLElement {
  const row = screen
    .getAllByTestId('source-row')
    .find((r) => within(r).getByTestId('source-label').textContent === label);
  if (!row) throw new Error(`no source row named ${label}`);
  return row;
}

describe('the list of sources', () => {
  test('says how each source is doing, in words', async () => {
    fakeCore({
      sources_list: () => [
        source({ id: 1, label: 'Shop blog', credential: 'not_needed', mention_count: 4 }),
        source({
          id: 2,
          label: 'Our Mastodon',
          platform: 'mastodon',
          credential: 'rejected',
          last_error: 'Mastodon refused the access token (401). Create a new token and add the source again.',
        }),
        source({ id: 3, label: 'Sample reviews', credential: 'not_needed', sample: true, base_url: null }),
        source({ id: 4, label: 'Lost key', credential: 'missing' }),
      ],
    });
    await showSources();

    const blog = rowNamed('Shop blog');
    expect(blog.textContent).toContain('No key needed');
    expect(blog.textContent).toContain('4 mentions');
    expect(blog.textContent).toContain('RSS / Atom feed');
    expect(blog.textContent).toContain('https://example.org/feed.xml');
    expect(blog.textContent).not.toContain('Sample — not connected');

    const mastodon = rowNamed('Our Mastodon');
    expect(mastodon.textContent).toContain('Needs new credentials');
    expect(mastodon.textContent).toContain('Mastodon refused the access token (401).');

    const sample = rowNamed('Sample reviews');
    expect(sample.textContent).toContain('Sample — not connected');
    expect(sample.textContent).toContain('No key needed');
    // A sample source is not connected to anything: nothing to test or check.
    expect(within(sample).queryByTestId('source-test')).toBeNull();
    expect(within(sample).queryByTestId('source-poll')).toBeNull();
    expect(within(sample).getByTestId('source-remove')).toBeTruthy();
    expect(within(blog).getByTestId('source-test')).toBeTruthy();

    expect(rowNamed('Lost key').textContent).toContain('Key missing');
  });

  test('"Test" shows what the platform answered', async () => {
    const core = fakeCore({
      sources_list: () => [source({ id: 5, label: 'Shop blog' })],
      source_test: () => ({ source_id: 5, ok: false, message: 'The feed address answered with a web page, not a feed.', title: null, items: 0 }),
    });
    await showSources();
    const row = rowNamed('Shop blog');
    await fireEvent.click(within(row).getByTestId('source-test'));

    await waitFor(() =>
      expect(within(row).getByTestId('source-message').textContent).toBe('The feed address answered with a web page, not a feed.'),
    );
    expect(core.called('source_test')[0]!.args).toEqual({ id: 5 });
  });

  test('"Check now" shows how many new mentions arrived', async () => {
    fakeCore({
      sources_list: () => [source({ id: 5, label: 'Shop blog' })],
      source_poll: () => ({ source_id: 5, label: 'Shop blog', platform: 'rss', ok: true, fetched: 8, new_mentions: 2, not_modified: false, error: null }),
    });
    await showSources();
    const row = rowNamed('Shop blog');
    await fireEvent.click(within(row).getByTestId('source-poll'));
    await waitFor(() =>
      expect(within(row).getByTestId('source-message').textContent).toBe('2 new mentions (8 items looked at).'),
    );
  });
});

describe('removing a source', () => {
  test('asks first, naming the source, and removes only when confirmed', async () => {
    let stored: Source[] = [source({ id: 1, label: 'Shop blog' }), source({ id: 2, label: 'Our Mastodon', credential: 'configured' })];
    const core = fakeCore({
      sources_list: () => stored,
      source_remove: (args) => {
        stored = stored.filter((s) => s.id !== args.id);
        return null;
      },
    });
    await showSources();

    const row = rowNamed('Our Mastodon');
    await fireEvent.click(within(row).getByTestId('source-remove'));
    expect(core.called('source_remove')).toHaveLength(0);
    const confirm = within(row).getByTestId('confirm-remove');
    expect(confirm.textContent).toContain('Our Mastodon');
    expect(row.textContent).toContain('delete its key from your keyring');

    await fireEvent.click(confirm);
    await waitFor(() => expect(screen.getAllByTestId('source-row')).toHaveLength(1));
    expect(core.called('source_remove')[0]!.args).toEqual({ id: 2 });
    expect(screen.queryByText('Our Mastodon')).toBeNull();
  });

  test('"Keep it" cancels and nothing is removed', async () => {
    const core = fakeCore({ sources_list: () => [source({ id: 1, label: 'Shop blog' })] });
    await showSources();
    const row = rowNamed('Shop blog');
    await fireEvent.click(within(row).getByTestId('source-remove'));
    await fireEvent.click(within(row).getByRole('button', { name: 'Keep it' }));

    expect(within(row).queryByTestId('confirm-remove')).toBeNull();
    expect(core.called('source_remove')).toHaveLength(0);
    await waitFor(() => expect(document.activeElement).toBe(within(row).getByTestId('source-remove')));
  });

  test('a refused removal is explained on the row', async () => {
    fakeCore({
      sources_list: () => [source({ id: 1, label: 'Shop blog' })],
      source_remove: refuse('keyring', 'The key could not be deleted from your keyring. The source was kept.'),
    });
    await showSources();
    const row = rowNamed('Shop blog');
    await fireEvent.click(within(row).getByTestId('source-remove'));
    await fireEvent.click(within(row).getByTestId('confirm-remove'));
    await waitFor(() =>
      expect(within(row).getByTestId('source-message').textContent).toBe(
        'The key could not be deleted from your keyring. The source was kept.',
      ),
    );
  });
});
