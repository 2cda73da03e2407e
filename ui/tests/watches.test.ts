import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import SourcesScreen from '../src/lib/components/SourcesScreen.svelte';
import type { NewWatch } from '../src/lib/bindings/NewWatch';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { SourcesState } from '../src/lib/stores/sources.svelte';
import { parseTerms, WatchesState } from '../src/lib/stores/watches.svelte';
import { FakeWatches, fakeCore, refuse, source, watch, type Handler } from './backend';

async function showSources(handlers: Record<string, Handler> = {}, fake = new FakeWatches()) {
  const core = fakeCore({ ...fake.handlers(), ...handlers });
  const sources = new SourcesState();
  const platforms = new PlatformsState();
  const watches = new WatchesState();
  await Promise.all([sources.refresh(), platforms.load(), watches.refresh()]);
  render(SourcesScreen, { sources, platforms, watches });
  return { core, fake, watches };
}

function input(testid: string, within_: HTMLElement = document.body): HTMLInputElement {
  return within(within_).getByTestId(testid) as HTMLInputElement;
}

async function type(testid: string, value: string) {
  await fireEvent.input(input(testid), { target: { value } });
}

/** The four parts of the privacy note, each in a sentence. */
const NOTE = {
  purpose: 'To answer customers’ questions and complaints about the shop.',
  li: 'Looking after our customers and putting right what went wrong.',
  necessity: 'Unhappy customers post instead of emailing us.',
  balance: 'Public posts only, kept 90 days, never for advertising.',
};

async function fillNote(note: Partial<typeof NOTE> = {}) {
  const all = { ...NOTE, ...note };
  await type('watch-purpose', all.purpose);
  await type('watch-li', all.li);
  await type('watch-necessity', all.necessity);
  await type('watch-balance', all.balance);
}

/** Text as read: runs of spaces and new lines as one space. */
function text(el: HTMLElement): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function rowNamed(name: string): HTMLElement {
  const row = screen.getAllByTestId('watch-row').find((r) => within(r).queryByTestId('watch-label')?.textContent === name);
  if (!row) throw new Error(`no watch row named ${name}`);
  return row;
}

describe('terms as typed', () => {
  test('commas and new lines both separate terms; blanks and repeats are dropped', () => {
    expect(parseTerms('Pedal & Pine, @pedalpine\n#pedalandpine\n\n ,  pedal   & pine ')).toEqual([
      'Pedal & Pine',
      '@pedalpine',
      '#pedalandpine',
    ]);
    expect(parseTerms('   ')).toEqual([]);
  });
});

describe('no watches yet', () => {
  test('the empty state explains a watch with a shop’s example and opens the form', async () => {
    await showSources();
    const empty = screen.getByTestId('watches-empty');
    expect(empty.textContent).toContain('A watch tells Hearken what to listen for');
    const chips = within(empty).getAllByTestId('watch-term').map((c) => c.textContent?.trim());
    expect(chips).toEqual(['Pedal & Pine', '@pedalpine', '#pedalandpine']);

    await fireEvent.click(within(empty).getByTestId('watch-add'));
    expect(screen.queryByTestId('watches-empty')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(input('watch-name')));
  });

  test('warns when a source searches for watch terms but no watch is switched on', async () => {
    const { fake } = await showSources(
      {
        sources_list: () => [
          source({ id: 1, label: 'Shop blog' }),
          source({ id: 2, platform: 'x', label: 'X search', base_url: null, credential: 'configured' }),
        ],
      },
      new FakeWatches([watch({ id: 1, name: 'Old name', enabled: false })]),
    );
    const warning = screen.getByTestId('watches-warning');
    expect(text(warning)).toContain('“X search” searches for the words in your watches');
    expect(warning.textContent).not.toContain('Shop blog');

    await fireEvent.click(within(rowNamed('Old name')).getByTestId('watch-enabled'));
    await waitFor(() => expect(screen.queryByTestId('watches-warning')).toBeNull());
    expect(fake.watches[0]!.enabled).toBe(true);
  });

  test('no warning when only sources that don’t search are there', async () => {
    await showSources({ sources_list: () => [source({ id: 1, label: 'Shop blog' })] });
    expect(screen.queryByTestId('watches-warning')).toBeNull();
  });
});

describe('adding a watch', () => {
  test('sends the terms split from commas and lines, then lists the watch with chips', async () => {
    const { core } = await showSources();
    await fireEvent.click(screen.getByTestId('watch-add'));
    await type('watch-name', '  Shop name ');
    await type('watch-terms', 'Pedal & Pine, @pedalpine\n#pedalandpine');
    await type('watch-include', 'bike, cycling');
    await type('watch-exclude', 'pine furniture');
    await fillNote({ li: '  Necessary to help unhappy customers; public posts only. ' });
    await fireEvent.click(screen.getByTestId('watch-save'));

    await waitFor(() => expect(core.called('watch_add')).toHaveLength(1));
    expect(core.called('watch_add')[0]!.args.input).toEqual({
      name: 'Shop name',
      terms: ['Pedal & Pine', '@pedalpine', '#pedalandpine'],
      include_terms: ['bike', 'cycling'],
      exclude_terms: ['pine furniture'],
      purpose: 'To answer customers’ questions and complaints about the shop.',
      legitimate_interests: 'Necessary to help unhappy customers; public posts only.',
      necessity: NOTE.necessity,
      balance: NOTE.balance,
      enabled: true,
    } satisfies NewWatch);

    const row = await waitFor(() => rowNamed('Shop name'));
    const chips = within(row).getAllByTestId('watch-term').map((c) => c.textContent?.trim());
    expect(chips).toEqual(['Pedal & Pine', '@pedalpine', '#pedalandpine', 'bike', 'cycling', 'pine furniture']);
    expect(within(row).getByTestId('watch-count').textContent).toContain('No mentions caught yet');
    expect(screen.queryByTestId('watch-form')).toBeNull();
    expect(screen.getByTestId('watch-result').textContent).toContain('Added “Shop name”');
    expect(within(row).queryByTestId('watch-paused')).toBeNull();
  });

  test('the form asks for the whole privacy note and sends nothing until it is there', async () => {
    const { core } = await showSources();
    await fireEvent.click(screen.getByTestId('watch-add'));
    for (const label of ['Why do you listen?', 'Your interest', 'Why it’s needed', 'Why it’s fair to the people posting']) {
      expect(screen.getByLabelText(label)).toBeTruthy();
    }
    expect(input('watch-necessity').placeholder).toMatch(/^For example: /);
    await type('watch-name', 'Shop name');
    await type('watch-terms', 'Pedal & Pine');
    await type('watch-purpose', NOTE.purpose);
    await type('watch-li', NOTE.li);
    await type('watch-balance', '   ');
    await fireEvent.click(screen.getByTestId('watch-save'));

    const error = await screen.findByTestId('watch-error');
    expect(text(error)).toBe(
      'Answer “Why it’s needed” and “Why it’s fair to the people posting” before saving: a watch catches nothing until its privacy note is complete.',
    );
    expect(core.called('watch_add')).toHaveLength(0);
    expect(input('watch-necessity').getAttribute('aria-invalid')).toBe('true');
    expect(input('watch-balance').getAttribute('aria-invalid')).toBe('true');
    expect(input('watch-li').getAttribute('aria-invalid')).toBe('false');
    await waitFor(() => expect(document.activeElement).toBe(input('watch-necessity')));

    await type('watch-necessity', NOTE.necessity);
    await type('watch-balance', NOTE.balance);
    await fireEvent.click(screen.getByTestId('watch-save'));
    await waitFor(() => expect(core.called('watch_add')).toHaveLength(1));
    expect(core.called('watch_add')[0]!.args.input).toMatchObject({ necessity: NOTE.necessity, balance: NOTE.balance });
  });

  test('the core’s reason is shown next to the form and everything typed stays', async () => {
    const { core } = await showSources();
    await fireEvent.click(screen.getByTestId('watch-add'));
    await type('watch-name', 'Shop name');
    await type('watch-terms', 'Pedal & Pine');
    await fillNote({ purpose: 'shop', li: 'my note' });
    await fireEvent.click(screen.getByTestId('watch-save'));

    const error = await screen.findByTestId('watch-error');
    expect(error.textContent).toMatch(/Say in a sentence why you listen for this/);
    expect(error.getAttribute('role')).toBe('alert');
    expect(input('watch-name').value).toBe('Shop name');
    expect(input('watch-terms').value).toBe('Pedal & Pine');
    expect(input('watch-purpose').value).toBe('shop');
    expect(input('watch-li').value).toBe('my note');
    expect(core.called('watch_add')).toHaveLength(1);
    expect(screen.queryAllByTestId('watch-row')).toHaveLength(0);

    await type('watch-purpose', 'To answer questions about the shop.');
    await fireEvent.click(screen.getByTestId('watch-save'));
    await waitFor(() => expect(screen.getAllByTestId('watch-row')).toHaveLength(1));
  });

  test('a duplicate name and a watch with no terms are refused in the core’s words', async () => {
    await showSources({}, new FakeWatches([watch({ id: 1, name: 'Shop name' })]));
    await fireEvent.click(screen.getByTestId('watch-add'));
    await type('watch-name', 'shop NAME');
    await type('watch-terms', ' , \n ');
    await fillNote();
    await fireEvent.click(screen.getByTestId('watch-save'));
    expect((await screen.findByTestId('watch-error')).textContent).toContain('You already have a watch called');

    await type('watch-name', 'Handle');
    await fireEvent.click(screen.getByTestId('watch-save'));
    await waitFor(() => expect(screen.getByTestId('watch-error').textContent).toContain('Add at least one word to listen for'));
  });

  test('Cancel closes the form without sending anything', async () => {
    const { core } = await showSources({}, new FakeWatches([watch({ id: 1, name: 'Shop name' })]));
    await fireEvent.click(screen.getByTestId('watch-add'));
    await type('watch-name', 'Draft');
    await fireEvent.click(screen.getByTestId('watch-cancel'));
    expect(screen.queryByTestId('watch-form')).toBeNull();
    expect(core.called('watch_add')).toHaveLength(0);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('watch-add')));
  });
});

describe('a listed watch', () => {
  test('shows its terms, qualifiers, purpose and how many mentions it caught', async () => {
    await showSources(
      {},
      new FakeWatches([
        watch({ id: 1, name: 'Shop name', mention_count: 12, include_terms: ['bike'], exclude_terms: ['furniture'] }),
        watch({ id: 2, name: 'Handle', terms: ['@pedalpine'], mention_count: 1, enabled: false }),
      ]),
    );
    const shop = rowNamed('Shop name');
    expect(within(shop).getByTestId('watch-count').textContent).toBe('12 mentions caught');
    expect(shop.textContent).toContain('Only when the post also says one of:');
    expect(shop.textContent).toContain('Never when it says:');
    expect(shop.textContent).toContain('To answer customers’ questions and complaints about the shop.');
    expect((within(shop).getByTestId('watch-enabled') as HTMLInputElement).checked).toBe(true);

    const handle = rowNamed('Handle');
    expect(within(handle).getByTestId('watch-count').textContent).toBe('1 mention caught');
    expect((within(handle).getByTestId('watch-enabled') as HTMLInputElement).checked).toBe(false);
    expect(handle.textContent).toContain('Paused');
    expect(screen.getByLabelText('Listening')).toBe(within(shop).getByTestId('watch-enabled'));
  });

  test('Edit fills the form with the watch and saves the whole watch by id', async () => {
    const { core } = await showSources({}, new FakeWatches([watch({ id: 7, name: 'Shop name', mention_count: 3 })]));
    await fireEvent.click(within(rowNamed('Shop name')).getByTestId('watch-edit'));
    expect(input('watch-name').value).toBe('Shop name');
    expect(input('watch-terms').value).toBe('Pedal & Pine\n@pedalpine\n#pedalandpine');
    expect(screen.queryByTestId('watch-add')).toBeTruthy();
    expect((screen.getByTestId('watch-add') as HTMLButtonElement).disabled).toBe(true);

    await type('watch-terms', 'Pedal & Pine\n@pedalpine\n#pedalandpine, Pedal and Pine');
    await fireEvent.click(screen.getByTestId('watch-save'));
    await waitFor(() => expect(core.called('watch_update')).toHaveLength(1));
    const args = core.called('watch_update')[0]!.args;
    expect(args.id).toBe(7);
    expect((args.input as NewWatch).terms).toEqual(['Pedal & Pine', '@pedalpine', '#pedalandpine', 'Pedal and Pine']);
    expect((args.input as NewWatch).enabled).toBe(true);
    await waitFor(() => expect(screen.queryByTestId('watch-form')).toBeNull());
    expect(within(rowNamed('Shop name')).getAllByTestId('watch-term')).toHaveLength(4);
    expect(within(rowNamed('Shop name')).getByTestId('watch-count').textContent).toBe('3 mentions caught');
  });

  test('switching a watch off sends it unchanged but for enabled', async () => {
    const { core } = await showSources({}, new FakeWatches([watch({ id: 3, name: 'Shop name' })]));
    await fireEvent.click(within(rowNamed('Shop name')).getByTestId('watch-enabled'));
    await waitFor(() => expect(core.called('watch_update')).toHaveLength(1));
    expect(core.called('watch_update')[0]!.args).toEqual({
      id: 3,
      input: {
        name: 'Shop name',
        terms: ['Pedal & Pine', '@pedalpine', '#pedalandpine'],
        include_terms: [],
        exclude_terms: [],
        purpose: 'To answer customers’ questions and complaints about the shop.',
        legitimate_interests: 'Looking after our customers.',
        necessity: 'Unhappy customers post instead of emailing us.',
        balance: 'Public posts only, kept 90 days, never for advertising.',
        enabled: false,
      },
    });
    await waitFor(() => expect((within(rowNamed('Shop name')).getByTestId('watch-enabled') as HTMLInputElement).checked).toBe(false));
  });

  test('a watch without its whole note says it is paused until the note is complete, and completing it lifts that', async () => {
    const { core } = await showSources(
      {},
      new FakeWatches([
        watch({ id: 1, name: 'Shop name' }),
        watch({ id: 2, name: 'Old watch', legitimate_interests: null, necessity: null, balance: null }),
      ]),
    );
    expect(within(rowNamed('Shop name')).queryByTestId('watch-paused')).toBeNull();
    const old = rowNamed('Old watch');
    expect(text(within(old).getByTestId('watch-paused'))).toContain('Paused: needs its privacy note.');
    expect(within(old).getByTestId('watch-enabled').parentElement?.textContent).not.toContain('Listening');

    await fireEvent.click(within(old).getByTestId('watch-complete-note'));
    expect(input('watch-purpose').value).toBe('To answer customers’ questions and complaints about the shop.');
    expect(input('watch-necessity').value).toBe('');
    await type('watch-li', NOTE.li);
    await type('watch-necessity', NOTE.necessity);
    await type('watch-balance', NOTE.balance);
    await fireEvent.click(screen.getByTestId('watch-save'));
    await waitFor(() => expect(core.called('watch_update')).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId('watch-form')).toBeNull());
    expect(within(rowNamed('Old watch')).queryByTestId('watch-paused')).toBeNull();
  });

  test('removing asks first; "Keep it" keeps it, confirming removes it', async () => {
    const { core } = await showSources(
      {},
      new FakeWatches([watch({ id: 1, name: 'Shop name' }), watch({ id: 2, name: 'Handle', terms: ['@pedalpine'] })]),
    );
    const row = rowNamed('Handle');
    await fireEvent.click(within(row).getByTestId('watch-remove'));
    expect(text(row)).toContain('Mentions it already caught stay in your Inbox');
    await fireEvent.click(within(row).getByRole('button', { name: 'Keep it' }));
    expect(core.called('watch_remove')).toHaveLength(0);
    await waitFor(() => expect(document.activeElement).toBe(within(row).getByTestId('watch-remove')));

    await fireEvent.click(within(row).getByTestId('watch-remove'));
    await fireEvent.click(within(row).getByTestId('watch-confirm-remove'));
    await waitFor(() => expect(screen.getAllByTestId('watch-row')).toHaveLength(1));
    expect(core.called('watch_remove')[0]!.args).toEqual({ id: 2 });
  });

  test('a refused removal is explained on the watch', async () => {
    await showSources(
      { watch_remove: refuse('store', 'The watch could not be removed: the disk is full.') },
      new FakeWatches([watch({ id: 1, name: 'Shop name' })]),
    );
    const row = rowNamed('Shop name');
    await fireEvent.click(within(row).getByTestId('watch-remove'));
    await fireEvent.click(within(row).getByTestId('watch-confirm-remove'));
    expect((await within(row).findByTestId('watch-problem')).textContent).toBe(
      'The watch could not be removed: the disk is full.',
    );
  });
});
