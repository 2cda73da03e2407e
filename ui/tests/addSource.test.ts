import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import AddSourceForm from '../src/lib/components/AddSourceForm.svelte';
import type { NewSource } from '../src/lib/bindings/NewSource';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { SourcesState } from '../src/lib/stores/sources.svelte';
import { fakeCore, refuse, source } from './backend';

async function showForm() {
  const sources = new SourcesState();
  const platforms = new PlatformsState();
  await platforms.load();
  render(AddSourceForm, { sources, platforms });
  return sources;
}

function field(testid: string): HTMLInputElement {
  return screen.getByTestId(testid) as HTMLInputElement;
}

async function fillMastodon(secret = 'tok-3f9a-secret') {
  await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'mastodon' } });
  await fireEvent.input(field('source-label'), { target: { value: 'Our Mastodon' } });
  await fireEvent.input(field('source-url'), { target: { value: 'https://mastodon.example' } });
  await fireEvent.input(field('source-secret'), { target: { value: secret } });
}

describe('adding a source', () => {
  test('sends the secret once, empties the secret field, then tests the new source', async () => {
    const core = fakeCore({
      source_add: (args) => source({ id: 7, platform: 'mastodon', label: (args.input as NewSource).label, credential: 'configured' }),
      source_test: () => ({ source_id: 7, ok: true, message: 'Connected to mastodon.example: 12 posts found.', title: null, items: 12 }),
    });
    await showForm();
    await fillMastodon();
    await fireEvent.click(screen.getByTestId('source-submit'));

    await waitFor(() => expect(core.called('source_add')).toHaveLength(1));
    expect(core.called('source_add')[0]!.args.input).toEqual({
      platform: 'mastodon',
      label: 'Our Mastodon',
      url: 'https://mastodon.example',
      settings: {},
      secret: 'tok-3f9a-secret',
    });
    expect(field('source-secret').value).toBe('');
    await waitFor(() =>
      expect(screen.getByTestId('source-form-result').textContent).toContain(
        'Connected to mastodon.example: 12 posts found.',
      ),
    );
    expect(core.called('source_test')[0]!.args).toEqual({ id: 7 });
    expect(screen.queryByTestId('source-form-error')).toBeNull();
  });

  test('shows the core’s error, keeps what was typed, but not the secret', async () => {
    const core = fakeCore({
      source_add: refuse('keyring_unavailable', 'Hearken cannot reach your computer’s keyring, so the key was not saved.'),
    });
    await showForm();
    await fillMastodon();
    await fireEvent.click(screen.getByTestId('source-submit'));

    expect((await screen.findByTestId('source-form-error')).textContent).toContain(
      'Hearken cannot reach your computer’s keyring, so the key was not saved.',
    );
    expect(field('source-label').value).toBe('Our Mastodon');
    expect(field('source-url').value).toBe('https://mastodon.example');
    expect(field('source-secret').value).toBe('');
    expect(core.called('source_test')).toHaveLength(0);
  });

  test('an empty name is caught before anything is sent', async () => {
    const core = fakeCore();
    await showForm();
    await fireEvent.input(field('source-url'), { target: { value: 'https://example.org/feed.xml' } });
    await fireEvent.click(screen.getByTestId('source-submit'));

    expect((await screen.findByTestId('source-form-error')).textContent).toMatch(/Give this source a name/);
    expect(field('source-label').getAttribute('aria-invalid')).toBe('true');
    expect(core.called('source_add')).toHaveLength(0);
  });

  test('the form follows the platform: address label, key field and help come from the core', async () => {
    fakeCore();
    await showForm();
    const select = screen.getByTestId('source-platform') as HTMLSelectElement;
    expect(select.value).toBe('rss');
    expect(screen.getByLabelText('Feed address')).toBe(field('source-url'));
    expect(screen.queryByTestId('source-secret')).toBeNull();
    expect(screen.getByText('Paste the address of the feed.')).toBeTruthy();

    await fireEvent.change(select, { target: { value: 'mastodon' } });
    const secret = screen.getByLabelText('Access token') as HTMLInputElement;
    expect(secret).toBe(field('source-secret'));
    expect(secret.type).toBe('password');
    expect(secret.getAttribute('autocomplete')).toBe('off');
    expect(secret.getAttribute('spellcheck')).toBe('false');
    expect(screen.getByLabelText('Server address')).toBe(field('source-url'));
  });

  test('platforms without a connector are listed as coming soon and cannot be chosen', async () => {
    fakeCore();
    await showForm();
    const yelp = screen.getByRole('option', { name: 'Yelp (coming soon)' }) as HTMLOptionElement;
    expect(yelp.value).toBe('yelp');
    expect(yelp.disabled).toBe(true);
    const values = Array.from((screen.getByTestId('source-platform') as HTMLSelectElement).options).map((o) => o.value);
    expect(values).toEqual(['rss', 'mastodon', 'yelp']);
  });
});
