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
      extra_secrets: {},
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
    const secret = screen.getByLabelText(/^Access token/) as HTMLInputElement;
    expect(secret).toBe(field('source-secret'));
    expect(secret.type).toBe('password');
    expect(secret.getAttribute('autocomplete')).toBe('off');
    expect(secret.getAttribute('spellcheck')).toBe('false');
    expect(screen.getByLabelText('Server address')).toBe(field('source-url'));
  });

  test('platforms without a connector are listed as coming soon and cannot be chosen', async () => {
    fakeCore();
    await showForm();
    const yelp = screen.getByRole('option', { name: 'Yelp (coming in a later version)' }) as HTMLOptionElement;
    expect(yelp.value).toBe('yelp');
    expect(yelp.disabled).toBe(true);
    const values = Array.from((screen.getByTestId('source-platform') as HTMLSelectElement).options).map((o) => o.value);
    expect(values).toEqual(['rss', 'mastodon', 'x', 'reddit', 'yelp']);
  });
});

describe('what each platform asks for', () => {
  test('X: the cost is said up front, the cap is a required field and the API address is tucked away', async () => {
    const core = fakeCore({
      source_add: (args) => source({ id: 9, platform: 'x', label: (args.input as NewSource).label, base_url: null }),
      source_test: () => ({ source_id: 9, ok: true, message: 'X accepted the token.', title: null, items: 0 }),
    });
    await showForm();
    await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'x' } });

    expect(screen.getByTestId('source-cost-note').textContent).toContain('This one costs money.');
    expect(screen.getByTestId('source-cost-note').textContent).toContain('X charges about $0.005 per post read');
    expect(screen.getByTestId('source-uses-watches').textContent).toContain('words in your watches');
    expect(screen.queryByTestId('source-url')).toBeNull();
    const cap = field('source-field-monthly_cap_usd');
    expect(cap.type).toBe('text');
    expect(cap.placeholder).toBe('5.00');
    expect(cap.getAttribute('aria-required')).toBe('true');
    expect(screen.getByLabelText(/Monthly spending cap \(US\$\)\s*required/)).toBe(cap);
    expect(screen.getByText(/Hearken stops reading from X for the rest of the month/)).toBeTruthy();
    expect(screen.getByLabelText(/Bearer token\s*required/)).toBe(field('source-secret'));

    const advanced = screen.getByTestId('source-advanced') as HTMLDetailsElement;
    expect(advanced.open).toBe(false);
    expect(advanced.querySelector('summary')?.textContent).toBe('Advanced: API address (leave empty)');

    await fireEvent.input(field('source-label'), { target: { value: 'X search' } });
    await fireEvent.input(field('source-secret'), { target: { value: 'AAAA-bearer' } });
    await fireEvent.click(screen.getByTestId('source-submit'));
    // The cap is missing: caught here, said in the platform's words, with focus on it.
    expect((await screen.findByTestId('source-form-error')).textContent).toContain('Fill in “Monthly spending cap (US$)”');
    expect(cap.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(cap);
    expect(core.called('source_add')).toHaveLength(0);
    expect(field('source-label').value).toBe('X search');

    await fireEvent.input(cap, { target: { value: ' 5 ' } });
    await fireEvent.input(field('source-secret'), { target: { value: 'AAAA-bearer' } });
    await fireEvent.click(screen.getByTestId('source-submit'));
    await waitFor(() => expect(core.called('source_add')).toHaveLength(1));
    expect(core.called('source_add')[0]!.args.input).toEqual({
      platform: 'x',
      label: 'X search',
      url: null,
      settings: { monthly_cap_usd: '5' },
      secret: 'AAAA-bearer',
      extra_secrets: {},
    });
  });

  test('the advanced API address is sent as the url, for a test server', async () => {
    const core = fakeCore({ source_add: (args) => source({ id: 9, label: (args.input as NewSource).label }) });
    await showForm();
    await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'x' } });
    await fireEvent.input(field('source-label'), { target: { value: 'X test' } });
    await fireEvent.input(field('source-field-monthly_cap_usd'), { target: { value: '1' } });
    await fireEvent.input(field('source-secret'), { target: { value: 'k' } });
    await fireEvent.input(field('source-api-url'), { target: { value: ' http://127.0.0.1:8088 ' } });
    await fireEvent.click(screen.getByTestId('source-submit'));
    await waitFor(() => expect(core.called('source_add')).toHaveLength(1));
    expect((core.called('source_add')[0]!.args.input as NewSource).url).toBe('http://127.0.0.1:8088');
  });

  test('secret fields are password boxes, go in extra_secrets, never in settings, and are emptied', async () => {
    const core = fakeCore({
      source_add: refuse('invalid', 'Reddit refused the app id and secret (401). Check them on reddit.com/prefs/apps.'),
    });
    await showForm();
    await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'reddit' } });
    const password = field('source-field-password');
    expect(password.type).toBe('password');
    expect(password.getAttribute('autocomplete')).toBe('off');
    expect(field('source-field-client_id').type).toBe('text');

    await fireEvent.input(field('source-label'), { target: { value: 'Reddit search' } });
    await fireEvent.input(field('source-field-client_id'), { target: { value: 'app-123' } });
    await fireEvent.input(field('source-secret'), { target: { value: 'main-secret-9z' } });
    await fireEvent.input(password, { target: { value: 'hunter2-pw' } });
    await fireEvent.click(screen.getByTestId('source-submit'));

    await waitFor(() => expect(core.called('source_add')).toHaveLength(1));
    expect(core.called('source_add')[0]!.args.input).toEqual({
      platform: 'reddit',
      label: 'Reddit search',
      url: null,
      settings: { client_id: 'app-123' },
      secret: 'main-secret-9z',
      extra_secrets: { password: 'hunter2-pw' },
    });
    expect((await screen.findByTestId('source-form-error')).textContent).toContain('Reddit refused the app id');
    // What was typed stays, except the secrets, which are nowhere in the page any more.
    expect(field('source-label').value).toBe('Reddit search');
    expect(field('source-field-client_id').value).toBe('app-123');
    expect(field('source-secret').value).toBe('');
    expect(field('source-field-password').value).toBe('');
    const page = document.body.innerHTML;
    expect(page).not.toContain('hunter2-pw');
    expect(page).not.toContain('main-secret-9z');
  });

  test('a free platform says what it costs without a warning', async () => {
    fakeCore();
    await showForm();
    await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'reddit' } });
    const note = screen.getByTestId('source-cost-note');
    expect(note.textContent).toContain('What it costs:');
    expect(note.textContent).toContain('Free for approved apps');
    expect(note.textContent).not.toContain('costs money');
    expect(note.classList.contains('notice-warn')).toBe(false);
    await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'x' } });
    expect(screen.getByTestId('source-cost-note').classList.contains('notice-warn')).toBe(true);
  });

  test('a required key is asked for before anything is sent; an optional one says so', async () => {
    const core = fakeCore();
    await showForm();
    await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'reddit' } });
    await fireEvent.input(field('source-label'), { target: { value: 'Reddit search' } });
    await fireEvent.click(screen.getByTestId('source-submit'));
    expect((await screen.findByTestId('source-form-error')).textContent).toContain('Paste the App secret from Reddit.');
    expect(document.activeElement).toBe(field('source-secret'));
    expect(core.called('source_add')).toHaveLength(0);

    await fireEvent.change(screen.getByTestId('source-platform'), { target: { value: 'mastodon' } });
    expect(screen.getByLabelText(/Access token\s*optional/)).toBe(field('source-secret'));
    expect(screen.getByText(/Leave it empty if you don’t have one/)).toBeTruthy();
    expect(screen.getByLabelText(/Hashtag to follow\s*optional/)).toBe(field('source-field-hashtag'));
    expect(screen.queryByTestId('source-advanced')).toBeNull();
    expect(screen.queryByTestId('source-cost-note')).toBeNull();
  });
});
