// The Outreach screen, its templates and a person's timeline, against the fake core's outreach rules.
import { emit } from '@tauri-apps/api/event';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import App from '../src/App.svelte';
import OutreachScreen from '../src/lib/components/OutreachScreen.svelte';
import type { OutreachQuery } from '../src/lib/bindings/OutreachQuery';
import { localDay } from '../src/lib/outreachWords';
import { OutreachState } from '../src/lib/stores/outreach.svelte';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { FakeInbox, FakeOutreach, fakeCore, mention, outreachRecord, type Handler } from './backend';

const DAY = 86400_000;
const past = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const future = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** Four records: a due follow-up, a resolved one whose date passed (not due), a promotional DM, a first contact without the notice. */
function log(): FakeOutreach {
  const inbox = new FakeInbox([
    mention({ id: 1, author_handle: '@sam@mastodon.example', author_name: 'Sam', text: 'No refund yet', created_at: '2026-02-27T09:00:00Z' }),
    mention({ id: 2, platform: 'bluesky', author_handle: 'sam.bsky.social', author_name: 'Sam', text: 'Still waiting', created_at: '2026-03-02T09:00:00Z' }),
  ]);
  return new FakeOutreach(inbox, [
    outreachRecord({ id: 11, mention_id: 1, handle: '@sam@mastodon.example', occurred_at: '2026-03-01T10:00:00Z', follow_up_at: past(2), status: 'sent' }),
    outreachRecord({ id: 12, handle: '@alex@mastodon.example', occurred_at: '2026-03-02T10:00:00Z', follow_up_at: past(5), status: 'resolved', channel: 'phone' }),
    outreachRecord({
      id: 13,
      handle: '@kim@mastodon.example',
      occurred_at: '2026-03-03T10:00:00Z',
      channel: 'direct_message',
      message: 'Here is a discount for you',
      promotional_words: ['discount'],
      status: 'replied',
    }),
    outreachRecord({ id: 14, handle: '@lee@mastodon.example', occurred_at: '2026-03-04T10:00:00Z', notice_given: false, notice_missing: true, channel: 'email', follow_up_at: future(3) }),
  ]);
}

async function showScreen(fake: FakeOutreach, handlers: Record<string, Handler> = {}) {
  const core = fakeCore({ ...fake.handlers(), ...handlers });
  const outreach = new OutreachState();
  const platforms = new PlatformsState();
  await platforms.load();
  let wentToInbox = 0;
  render(OutreachScreen, { outreach, platforms, oninbox: () => wentToInbox++ });
  await screen.findByTestId('screen-outreach');
  return { core, outreach, wentToInbox: () => wentToInbox };
}

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('outreach-row');
}

function rowIds(): number[] {
  return rows().map((r) => Number(r.dataset.id));
}

function rowById(id: number): HTMLElement {
  const r = rows().find((x) => Number(x.dataset.id) === id);
  if (!r) throw new Error(`row ${id} is not shown`);
  return r;
}

function lastQuery(core: ReturnType<typeof fakeCore>): OutreachQuery {
  return core.called('outreach_query').at(-1)!.args.query as OutreachQuery;
}

function text(el: HTMLElement): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('the outreach log', () => {
  test('with nothing recorded, a real empty state says how to start', async () => {
    const { wentToInbox } = await showScreen(new FakeOutreach());
    const empty = await screen.findByTestId('outreach-empty');
    expect(text(empty)).toContain('No outreach recorded yet');
    expect(text(empty)).toContain('open the mention and choose “Record outreach”');
    await fireEvent.click(within(empty).getByTestId('outreach-go-inbox'));
    expect(wentToInbox()).toBe(1);
  });

  test('every record, newest first, with person, platform, channel, status, date and flags', async () => {
    await showScreen(log());
    await waitFor(() => expect(rowIds()).toEqual([14, 13, 12, 11]));
    expect(screen.getByTestId('outreach-total').textContent).toContain('4 records');

    const due = rowById(11);
    expect(within(due).getByTestId('row-person').textContent).toBe('@sam@mastodon.example');
    expect(due.textContent).toContain('Mastodon');
    expect(within(due).getByTestId('row-channel').textContent).toBe('Public reply');
    expect(within(due).getByTestId('row-status').textContent).toBe('Sent');
    expect(due.textContent).toContain('1 Mar 2026');
    expect(within(due).getByTestId('flag-follow-up-due').textContent).toContain('Follow-up overdue');
    expect(due.classList.contains('overdue')).toBe(true);

    // Resolved: its date passed but nothing is due.
    expect(within(rowById(12)).queryByTestId('flag-follow-up-due')).toBeNull();
    expect(within(rowById(12)).getByTestId('flag-follow-up')).toBeTruthy();
    expect(within(rowById(13)).getByTestId('flag-promotional').textContent).toContain('discount');
    expect(within(rowById(14)).getByTestId('flag-notice-missing').textContent).toBe('No notice given at first contact');
    expect(within(rowById(14)).queryByTestId('flag-follow-up-due')).toBeNull();
  });

  test('filters by status and channel go to the core, and the due toggle shows its count', async () => {
    const { core } = await showScreen(log());
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    expect(screen.getByTestId('due-count').textContent).toBe('1');

    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'replied' } });
    await waitFor(() => expect(rowIds()).toEqual([13]));
    expect(lastQuery(core)).toMatchObject({ statuses: ['replied'], channels: [], due_only: false });

    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
    await fireEvent.change(screen.getByLabelText('How'), { target: { value: 'email' } });
    await waitFor(() => expect(rowIds()).toEqual([14]));
    expect(lastQuery(core)).toMatchObject({ statuses: [], channels: ['email'] });

    await fireEvent.change(screen.getByLabelText('How'), { target: { value: '' } });
    await fireEvent.click(screen.getByLabelText(/Only follow-ups due/));
    await waitFor(() => expect(rowIds()).toEqual([11]));
    expect(lastQuery(core)).toMatchObject({ statuses: [], channels: [], due_only: true });
    // The count is of everything due, whatever the filters.
    expect(screen.getByTestId('due-count').textContent).toBe('1');

    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'declined' } });
    const none = await screen.findByTestId('outreach-no-matches');
    expect(none.textContent).toContain('No follow-ups are due');
    await fireEvent.click(within(none).getByRole('button', { name: 'Show all outreach' }));
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    expect(lastQuery(core)).toMatchObject({ statuses: [], channels: [], due_only: false });
  });

  test('a change elsewhere ("outreach-changed") updates the open screen', async () => {
    const fake = log();
    const core = fakeCore(fake.handlers());
    render(App);
    await screen.findByTestId('screen-inbox');
    await fireEvent.click(screen.getByTestId('nav-outreach'));
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    fake.outreach = [...fake.outreach, outreachRecord({ id: 15, handle: '@new@mastodon.example', occurred_at: '2026-03-05T10:00:00Z' })];
    const before = core.called('outreach_query').length;
    await emit('outreach-changed');
    await waitFor(() => expect(rowIds()[0]).toBe(15));
    expect(core.called('outreach_query').length).toBe(before + 1);
  });
});

describe('one record', () => {
  test('editing sends only the changed fields, and the history shows each change', async () => {
    const { core } = await showScreen(log());
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    await fireEvent.click(rowById(11));
    const editor = await screen.findByTestId('outreach-editor');
    expect(await within(editor).findByTestId('history-empty')).toBeTruthy();
    expect(core.called('outreach_history').at(-1)!.args).toEqual({ id: 11 });
    expect((within(editor).getByTestId('edit-save') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.change(within(editor).getByTestId('edit-status'), { target: { value: 'resolved' } });
    await fireEvent.input(within(editor).getByTestId('edit-outcome'), { target: { value: 'Refund sent' } });
    await fireEvent.click(within(editor).getByTestId('edit-save'));

    await waitFor(() => expect(core.called('outreach_update')).toHaveLength(1));
    expect(core.called('outreach_update')[0]!.args).toEqual({
      id: 11,
      change: {
        status: 'resolved',
        channel: null,
        message: null,
        follow_up_at: null,
        outcome: 'Refund sent',
        notes: null,
        notice_given: null,
        acknowledged: [],
      },
    });
    const history = await within(editor).findByTestId('outreach-history');
    const entries = within(history).getAllByTestId('history-entry').map(text);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain('Status: Sent → Resolved');
    expect(entries[1]).toContain('Outcome: nothing → “Refund sent”');
    expect(within(editor).getByTestId('edit-saved').textContent).toContain('Saved');
    // The row shows the new status; resolved, its follow-up is no longer overdue.
    await waitFor(() => expect(within(rowById(11)).getByTestId('row-status').textContent).toBe('Resolved'));
    expect(within(rowById(11)).queryByTestId('flag-follow-up-due')).toBeNull();

    // Clearing the follow-up sends an empty string (the core's "clear").
    await fireEvent.click(within(editor).getByRole('button', { name: 'Clear the follow-up date' }));
    await fireEvent.click(within(editor).getByTestId('edit-save'));
    await waitFor(() => expect(core.called('outreach_update')).toHaveLength(2));
    expect(core.called('outreach_update')[1]!.args.change).toMatchObject({ status: null, outcome: null, follow_up_at: '' });
  });

  test('a message that now reads as promotion is saved only after "Save it anyway"', async () => {
    const { core } = await showScreen(log());
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    await fireEvent.click(rowById(14));
    const editor = await screen.findByTestId('outreach-editor');
    await fireEvent.input(within(editor).getByTestId('edit-message'), { target: { value: 'Buy two loaves, get a voucher' } });
    await fireEvent.click(within(editor).getByTestId('edit-save'));

    const error = await within(editor).findByTestId('edit-error');
    expect(error.textContent).toContain('Nothing was changed. The message now reads as promotion (buy, voucher).');
    expect(core.called('outreach_update')[0]!.args.change).toMatchObject({ message: 'Buy two loaves, get a voucher', acknowledged: [] });
    await fireEvent.click(within(editor).getByTestId('edit-save-anyway'));
    await waitFor(() => expect(core.called('outreach_update')).toHaveLength(2));
    expect(core.called('outreach_update')[1]!.args.change).toMatchObject({ message: 'Buy two loaves, get a voucher', acknowledged: ['promotional'] });
    await waitFor(() => expect(within(rowById(14)).getByTestId('flag-promotional').textContent).toContain('buy'));
  });

  test('export shows where the file was saved, or why it was not', async () => {
    const fake = log();
    const { core } = await showScreen(fake);
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    await fireEvent.click(screen.getByTestId('export-csv'));
    const saved = await screen.findByTestId('export-result');
    expect(saved.textContent).toContain('/home/sam/Downloads/hearken-outreach.csv');
    expect(core.called('outreach_export')[0]!.args).toEqual({ format: 'csv', dir: null });

    fake.exportError = 'The Downloads folder cannot be written. Check that it exists and that you may save files there.';
    await fireEvent.click(screen.getByTestId('export-json'));
    await waitFor(() => expect(screen.getByTestId('export-result').textContent).toContain('The Downloads folder cannot be written'));
    expect(screen.getByTestId('export-result').classList.contains('notice-problem')).toBe(true);
    expect(core.called('outreach_export')[1]!.args).toEqual({ format: 'json', dir: null });
  });
});

describe('message templates', () => {
  test('built-in ones are read only; the owner adds, changes and deletes their own, and promotion is flagged', async () => {
    const { core } = await showScreen(log());
    await fireEvent.click(screen.getByTestId('view-templates'));
    const manager = await screen.findByTestId('template-manager');
    await waitFor(() => expect(within(manager).getAllByTestId('template-builtin')).toHaveLength(2));
    const builtin = within(manager).getAllByTestId('template-builtin');
    expect(text(builtin[0]!)).toContain('Built in · read only');
    expect(within(builtin[0]!).queryByRole('button')).toBeNull();
    expect(text(within(builtin[1]!).getByTestId('template-promotional'))).toContain('“discount”');
    expect(within(manager).getByTestId('templates-own-empty')).toBeTruthy();

    // Add: a missing name is refused by the core, in its words.
    await fireEvent.click(within(manager).getByTestId('template-add'));
    let form = within(manager).getByTestId('template-form');
    await fireEvent.input(within(form).getByTestId('template-body'), { target: { value: 'Hi {name}, thanks for telling us.' } });
    await fireEvent.click(within(form).getByTestId('template-save'));
    expect((await within(form).findByTestId('template-error')).textContent).toContain('Give the template a short name.');
    await fireEvent.input(within(form).getByTestId('template-name'), { target: { value: 'Thanks' } });
    await fireEvent.click(within(form).getByTestId('template-save'));
    await waitFor(() => expect(within(manager).getAllByTestId('template-row')).toHaveLength(1));
    expect(core.called('template_save').at(-1)!.args).toEqual({ t: { id: null, name: 'Thanks', body: 'Hi {name}, thanks for telling us.' } });
    const own = within(manager).getByTestId('template-row');
    expect(within(own).getByTestId('template-title').textContent).toBe('Thanks');
    expect(own.textContent).toContain('Hi {name}, thanks for telling us.');

    // Change it into something promotional: flagged.
    await fireEvent.click(within(own).getByTestId('template-edit'));
    form = within(manager).getByTestId('template-form');
    expect((within(form).getByTestId('template-name') as HTMLInputElement).value).toBe('Thanks');
    await fireEvent.input(within(form).getByTestId('template-body'), { target: { value: 'Thanks! Enjoy our sale.' } });
    await fireEvent.click(within(form).getByTestId('template-save'));
    const id = Number(own.dataset.id);
    await waitFor(() => expect(core.called('template_save').at(-1)!.args).toEqual({ t: { id, name: 'Thanks', body: 'Thanks! Enjoy our sale.' } }));
    await waitFor(() => expect(text(within(manager).getByTestId('template-row'))).toContain('Reads as promotion in a direct message or email: “sale”'));

    // Delete, after a confirmation.
    await fireEvent.click(within(manager).getByTestId('template-delete'));
    expect(core.called('template_delete')).toHaveLength(0);
    await fireEvent.click(within(manager).getByTestId('template-delete-confirm'));
    await waitFor(() => expect(within(manager).queryAllByTestId('template-row')).toHaveLength(0));
    expect(core.called('template_delete')[0]!.args).toEqual({ id });
  });
});

describe('a person’s timeline', () => {
  test('mentions and outreach in time order, linked handles, link and unlink, and the do-not-contact state', async () => {
    const fake = log();
    const { core } = await showScreen(fake);
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    await fireEvent.click(rowById(11));
    const editor = await screen.findByTestId('outreach-editor');
    await fireEvent.click(within(editor).getByTestId('editor-person-history'));

    const dialog = await screen.findByTestId('person-timeline');
    expect(dialog.getAttribute('role')).toBe('dialog');
    await waitFor(() => expect(within(dialog).getAllByTestId('timeline-entry')).toHaveLength(2));
    expect(core.called('person_timeline')[0]!.args).toEqual({ platform: 'mastodon', handle: '@sam@mastodon.example' });
    expect(within(dialog).getAllByTestId('timeline-entry').map((e) => e.dataset.kind)).toEqual(['mention', 'outreach']);
    expect(within(dialog).getAllByTestId('timeline-handle')).toHaveLength(1);
    expect(within(dialog).getByTestId('timeline-contact-ok')).toBeTruthy();

    // Link the same person on Bluesky: their post there joins the timeline, in time order.
    await fireEvent.change(within(dialog).getByLabelText('Platform'), { target: { value: 'bluesky' } });
    await fireEvent.input(within(dialog).getByLabelText('Their handle there'), { target: { value: 'sam.bsky.social' } });
    await fireEvent.click(within(dialog).getByTestId('link-submit'));
    await waitFor(() => expect(within(dialog).getAllByTestId('timeline-handle')).toHaveLength(2));
    expect(core.called('person_link')[0]!.args).toEqual({
      a: { platform: 'mastodon', handle: '@sam@mastodon.example' },
      b: { platform: 'bluesky', handle: 'sam.bsky.social' },
    });
    const entries = within(dialog).getAllByTestId('timeline-entry');
    expect(entries.map((e) => e.dataset.kind)).toEqual(['mention', 'outreach', 'mention']);
    expect(entries[2]!.textContent).toContain('Still waiting');
    expect(text(within(dialog).getAllByTestId('timeline-handle')[1]!)).toContain('sam.bsky.social');

    // Unlink it again.
    await fireEvent.click(within(dialog).getByRole('button', { name: /Unlink sam\.bsky\.social/ }));
    await waitFor(() => expect(within(dialog).getAllByTestId('timeline-handle')).toHaveLength(1));
    expect(core.called('person_unlink')[0]!.args).toEqual({ h: { platform: 'bluesky', handle: 'sam.bsky.social' } });
    expect(within(dialog).getAllByTestId('timeline-entry')).toHaveLength(2);

    // Record an outreach to the person directly, not from one of their posts.
    await fireEvent.click(within(dialog).getByTestId('timeline-record'));
    const form = await within(dialog).findByTestId('record-outreach');
    await fireEvent.change(within(form).getByTestId('outreach-channel'), { target: { value: 'phone' } });
    await fireEvent.input(within(form).getByTestId('outreach-message'), { target: { value: 'Called to say the part is in.' } });
    await fireEvent.click(within(form).getByTestId('outreach-log'));
    await waitFor(() => expect(within(dialog).getAllByTestId('timeline-entry')).toHaveLength(3));
    const logged = core.called('outreach_log').at(-1)!.args.draft as { mention_id: number | null; platform: string; handle: string; channel: string };
    expect(logged.mention_id).toBeNull();
    expect(logged.platform).toBe('mastodon');
    expect(logged.handle).toBe('@sam@mastodon.example');
    expect(logged.channel).toBe('phone');
    expect(within(dialog).queryByTestId('record-outreach')).toBeNull();

    // Do-not-contact from the timeline.
    await fireEvent.click(within(dialog).getByTestId('timeline-mark-dnc'));
    await fireEvent.click(within(dialog).getByTestId('dnc-confirm'));
    const dnc = await within(dialog).findByTestId('timeline-dnc');
    expect(text(dnc)).toContain('@sam@mastodon.example asked not to be contacted');
    expect(core.called('dnc_add')[0]!.args).toEqual({ entry: { platform: 'mastodon', handle: '@sam@mastodon.example', reason: 'Asked us to stop' } });

    // Escape closes it and gives focus back.
    await fireEvent.keyDown(within(dialog).getByTestId('timeline-close'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('person-timeline')).toBeNull());
  });

  test('opened from a mention’s author in the Inbox, with the do-not-contact state of a linked handle', async () => {
    const fake = log();
    fake.groups = [[{ platform: 'mastodon', handle: '@sam@mastodon.example' }, { platform: 'bluesky', handle: 'sam.bsky.social' }]];
    fake.dnc = [{ id: 3, platform: 'bluesky', handle: 'sam.bsky.social', reason: 'Asked us to stop on Bluesky', since: '2026-03-03', erased: false }];
    fakeCore(fake.handlers());
    render(App);
    const rowEl = await screen.findByText('No refund yet');
    await fireEvent.click(within(rowEl.closest('article')!).getByRole('button', { name: 'Details' }));
    // The linked handle's do-not-contact entry covers this one too.
    expect(within(rowEl.closest('article')!).getByTestId('dnc-badge')).toBeTruthy();
    const detail = await screen.findByTestId('mention-detail');
    await fireEvent.click(await within(detail).findByTestId('detail-person-history'));
    const dialog = await screen.findByTestId('person-timeline');
    expect(text(await within(dialog).findByTestId('timeline-dnc'))).toContain('Asked us to stop on Bluesky');
    const handles = within(dialog).getAllByTestId('timeline-handle');
    expect(handles.map((h) => h.querySelector('.handle')?.textContent)).toEqual(['@sam@mastodon.example', 'sam.bsky.social']);
    expect(handles.map((h) => h.querySelector('.badge')?.textContent)).toEqual(['Mastodon', 'Bluesky']);
    expect(within(dialog).getAllByTestId('timeline-entry').map((e) => e.dataset.kind)).toEqual(['mention', 'outreach', 'mention']);
    // The Inbox's one-key commands do not act through the dialog.
    await fireEvent.keyDown(within(dialog).getByTestId('timeline-close'), { key: 'e' });
    expect(screen.getByTestId('person-timeline')).toBeTruthy();
  });
});

describe('the sidebar', () => {
  test('shows how many follow-ups are due, from start-up and from reminders', async () => {
    fakeCore({ ...log().handlers() });
    render(App);
    const badge = await screen.findByTestId('due-badge');
    expect(text(badge)).toBe(', 1 follow-up due');
    await emit('follow-up-due', 3);
    await waitFor(() => expect(text(screen.getByTestId('due-badge'))).toBe(', 3 follow-ups due'));
    expect(screen.getByTestId('nav-outreach').textContent).not.toMatch(/soon/i);
    expect(localDay(new Date(2026, 2, 5))).toBe('2026-03-05');
  });
});
