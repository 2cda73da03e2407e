// The outreach panel in the mention detail pane, against the fake core's outreach rules.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import InboxScreen from '../src/lib/components/InboxScreen.svelte';
import type { NewOutreach } from '../src/lib/bindings/NewOutreach';
import { followUpFromDay, localDay } from '../src/lib/outreachWords';
import { InboxState } from '../src/lib/stores/inbox.svelte';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { SampleDataState } from '../src/lib/stores/sample.svelte';
import { WatchesState } from '../src/lib/stores/watches.svelte';
import { FakeInbox, FakeOutreach, fakeCore, mention, outreachRecord, type Handler } from './backend';

const SAM = '@sam@mastodon.example';

function people(): FakeInbox {
  return new FakeInbox([
    mention({ id: 1, text: 'Still no refund after three weeks', label: 'complaint', author_name: 'Sam Baker', author_handle: SAM, url: 'https://mastodon.example/@sam/1' }),
    mention({ id: 2, text: 'Bread was stale', label: 'negative', author_name: 'Alex', author_handle: '@alex@mastodon.example', url: 'http://insecure.example/post/2' }),
    mention({ id: 3, text: 'Please stop messaging me', label: 'negative', author_name: 'Robin', author_handle: '@robin@mastodon.example' }),
  ]);
}

async function showInbox(fake: FakeOutreach, handlers: Record<string, Handler> = {}) {
  const core = fakeCore({ ...fake.handlers(), ...handlers });
  const inbox = new InboxState();
  const platforms = new PlatformsState();
  const watches = new WatchesState();
  const sample = new SampleDataState(() => inbox.reload());
  await Promise.all([inbox.reload(), platforms.load(), watches.refresh(), inbox.refreshCounts()]);
  render(InboxScreen, { inbox, platforms, watches, sample, onaddsource: () => {} });
  await screen.findByTestId('screen-inbox');
  return { core, inbox };
}

function row(id: number): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="mention-row"][data-id="${id}"]`);
  if (!el) throw new Error(`row ${id} is not rendered`);
  return el;
}

async function openDetail(id: number): Promise<HTMLElement> {
  await fireEvent.click(within(row(id)).getByRole('button', { name: 'Details' }));
  const detail = await screen.findByTestId('mention-detail');
  // The detail has arrived from the core (these mentions were caught by no watch).
  await waitFor(() => expect(detail.textContent).toContain('No watch: its source'));
  return detail;
}

async function openForm(detail: HTMLElement): Promise<HTMLElement> {
  await fireEvent.click(within(detail).getByTestId('record-outreach-open'));
  const form = await within(detail).findByTestId('record-outreach');
  // The draft (notice, first contact) has arrived.
  await within(form).findByTestId('notice-text');
  return form;
}

function field<T extends HTMLElement = HTMLInputElement>(form: HTMLElement, testid: string): T {
  return within(form).getByTestId(testid) as unknown as T;
}

function lastDraft(core: ReturnType<typeof fakeCore>, cmd: string): NewOutreach {
  const calls = core.called(cmd);
  return calls[calls.length - 1]!.args.draft as NewOutreach;
}

/** Text as read: runs of spaces and new lines as one space. */
function text(el: HTMLElement): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function tomorrow(): string {
  return localDay(new Date(Date.now() + 36 * 3600_000));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('recording outreach from a mention', () => {
  test('a template fills the message for this person, the notice is ticked and added on a first contact, and the log carries it all', async () => {
    const fake = new FakeOutreach(people());
    const { core } = await showInbox(fake);
    const detail = await openDetail(1);
    expect(within(detail).getByTestId('outreach-none').textContent).toContain('No outreach recorded');
    const form = await openForm(detail);

    expect(form.textContent).toContain('Hearken never sends anything itself');
    expect(within(form).getByTestId('first-contact')).toBeTruthy();
    const notice = within(form).getByTestId('notice-text').textContent!;
    expect(notice).toContain('We saw your public post on Mastodon');
    expect(field(form, 'outreach-include-notice').checked).toBe(true);
    expect(field<HTMLTextAreaElement>(form, 'outreach-message').value).toContain('Reply STOP and we will not contact you again.');

    await fireEvent.change(field<HTMLSelectElement>(form, 'outreach-template'), { target: { value: '1' } });
    await waitFor(() => expect(field<HTMLTextAreaElement>(form, 'outreach-message').value).toMatch(/^Hi Sam Baker, this is Corner Bakery\. We saw your post on Mastodon/));
    expect(core.called('outreach_draft').at(-1)!.args).toEqual({ mentionId: 1, platform: 'mastodon', handle: SAM, templateId: 1 });
    const message = field<HTMLTextAreaElement>(form, 'outreach-message').value;
    expect(message).toMatch(/put it right\?\n\nWe saw your public post on Mastodon\. .*Reply STOP/);
    expect(message).not.toContain('{');

    await fireEvent.change(field<HTMLSelectElement>(form, 'outreach-status'), { target: { value: 'replied' } });
    await fireEvent.input(field(form, 'outreach-follow-up'), { target: { value: tomorrow() } });
    await fireEvent.input(field(form, 'outreach-outcome'), { target: { value: 'Sent a refund' } });

    await waitFor(() => expect(lastDraft(core, 'outreach_check')).toMatchObject({ status: 'replied', outcome: 'Sent a refund' }));
    await fireEvent.click(within(form).getByTestId('outreach-log'));

    await waitFor(() => expect(core.called('outreach_log')).toHaveLength(1));
    expect(lastDraft(core, 'outreach_log')).toEqual({
      mention_id: 1,
      platform: 'mastodon',
      handle: SAM,
      channel: 'public_reply',
      message,
      status: 'replied',
      occurred_at: null,
      follow_up_at: followUpFromDay(tomorrow()),
      outcome: 'Sent a refund',
      notes: null,
      notice_given: true,
      acknowledged: [],
    });

    // The form closes and the record shows in the pane, from the core.
    await waitFor(() => expect(within(detail).queryByTestId('record-outreach')).toBeNull());
    const items = await within(detail).findAllByTestId('outreach-item');
    expect(items).toHaveLength(1);
    expect(items[0]!.textContent).toContain('Public reply');
    expect(items[0]!.textContent).toContain('They replied');
    expect(items[0]!.textContent).toContain('Sent a refund');
    expect(within(detail).getByTestId('outreach-done').textContent).toContain('Logged');
  });

  test('a second contact is not a first contact: the notice starts unticked and nothing warns about it', async () => {
    const fake = new FakeOutreach(people(), [outreachRecord({ id: 9, mention_id: 1, handle: SAM })]);
    const { core } = await showInbox(fake);
    const detail = await openDetail(1);
    expect(within(detail).getAllByTestId('outreach-item')).toHaveLength(1);
    const form = await openForm(detail);

    expect(within(form).queryByTestId('first-contact')).toBeNull();
    expect(field(form, 'outreach-include-notice').checked).toBe(false);
    expect(field<HTMLTextAreaElement>(form, 'outreach-message').value).toBe('');
    expect(within(form).queryByTestId('notice-unticked')).toBeNull();

    await fireEvent.input(field(form, 'outreach-message'), { target: { value: 'Did the refund arrive?' } });
    await waitFor(() => expect(lastDraft(core, 'outreach_check').message).toBe('Did the refund arrive?'));
    expect(within(form).queryByTestId('outreach-warnings')).toBeNull();
  });
});

describe('do-not-contact', () => {
  test('someone who asked not to be contacted: badge on the row and in the pane, and no way to record outreach', async () => {
    const fake = new FakeOutreach(people());
    fake.dnc = [{ id: 5, platform: 'mastodon', handle: '@robin@mastodon.example', reason: 'Asked us to stop by email', since: '2026-02-20', erased: false }];
    await showInbox(fake);

    const badge = within(row(3)).getByTestId('dnc-badge');
    expect(badge.textContent).toContain('this person asked not to be contacted');
    expect(within(row(1)).queryByTestId('dnc-badge')).toBeNull();

    const detail = await openDetail(3);
    expect(within(detail).getByTestId('detail-dnc-badge')).toBeTruthy();
    const refusal = within(detail).getByTestId('detail-dnc-notice');
    expect(text(refusal)).toContain('@robin@mastodon.example asked not to be contacted');
    expect(text(refusal)).toContain('Asked us to stop by email, since 20 Feb 2026');
    expect(within(detail).queryByTestId('record-outreach-open')).toBeNull();
  });

  test('when the check finds a do-not-contact entry, the refusal is shown plainly and logging is disabled', async () => {
    const fake = new FakeOutreach(people());
    const { core } = await showInbox(fake);
    const detail = await openDetail(1);
    const form = await openForm(detail);
    await fireEvent.input(field(form, 'outreach-message'), { target: { value: 'Sorry about that.' } });
    await waitFor(() => expect(core.called('outreach_check').length).toBeGreaterThan(0));
    expect(field<HTMLButtonElement>(form, 'outreach-log').disabled).toBe(false);

    // Marked elsewhere (the Privacy screen, the CLI) while the form is open.
    fake.dnc = [{ id: 6, platform: 'mastodon', handle: SAM, reason: 'Asked us to stop', since: '2026-03-01T09:00:00Z', erased: false }];
    await fireEvent.change(field<HTMLSelectElement>(form, 'outreach-channel'), { target: { value: 'email' } });

    const refusal = await within(form).findByTestId('outreach-dnc-refusal');
    expect(refusal.getAttribute('role')).toBe('alert');
    expect(text(refusal)).toContain(`${SAM} asked not to be contacted`);
    expect(text(refusal)).toContain('will not record any outreach to them, on any channel');
    expect(field<HTMLButtonElement>(form, 'outreach-log').disabled).toBe(true);
    await fireEvent.click(field(form, 'outreach-log'));
    expect(core.called('outreach_log')).toHaveLength(0);
  });

  test('a refusal from the core at logging time is said in its words, and the form then shows the refusal', async () => {
    const fake = new FakeOutreach(people());
    let checks = 0;
    const { core } = await showInbox(fake, {
      // The check that runs just before logging misses the entry (it arrives in between).
      outreach_check: (a) => {
        checks++;
        return fake.check(a.draft as NewOutreach);
      },
      outreach_log: (a) => {
        fake.dnc = [{ id: 7, platform: 'mastodon', handle: SAM, reason: 'Asked us to stop', since: '2026-03-01', erased: false }];
        return fake.log(a.draft as NewOutreach);
      },
    });
    const detail = await openDetail(1);
    const form = await openForm(detail);
    await waitFor(() => expect(checks).toBeGreaterThan(0));
    await fireEvent.click(within(form).getByTestId('outreach-log'));

    const error = await within(form).findByTestId('outreach-save-error');
    expect(error.textContent).toBe(`Nothing was logged. ${SAM} asked not to be contacted (Asked us to stop). Nothing was logged.`);
    expect(await within(form).findByTestId('outreach-dnc-refusal')).toBeTruthy();
    expect(core.called('outreach_log')).toHaveLength(1);
  });

  test('"Mark do-not-contact" asks for a reason, records it, and the badge appears at once', async () => {
    const fake = new FakeOutreach(people());
    const { core } = await showInbox(fake);
    const detail = await openDetail(1);
    await fireEvent.click(within(detail).getByTestId('mark-dnc'));
    const confirm = within(detail).getByTestId('mark-dnc-form');
    expect(confirm.textContent).toContain('refuse to record any outreach to them');
    expect(core.called('dnc_add')).toHaveLength(0);

    await fireEvent.input(within(confirm).getByTestId('dnc-reason'), { target: { value: 'Asked in the shop' } });
    await fireEvent.click(within(confirm).getByTestId('dnc-confirm'));

    await waitFor(() => expect(core.called('dnc_add')).toHaveLength(1));
    expect(core.called('dnc_add')[0]!.args).toEqual({ entry: { platform: 'mastodon', handle: SAM, reason: 'Asked in the shop' } });
    await waitFor(() => expect(within(row(1)).getByTestId('dnc-badge')).toBeTruthy());
    expect(await within(detail).findByTestId('detail-dnc-notice')).toBeTruthy();
    expect(within(detail).queryByTestId('record-outreach-open')).toBeNull();
  });
});

describe('what the core checks, shown as the owner types', () => {
  test('an empty message and a follow-up in the past are shown beside their fields and block logging', async () => {
    const fake = new FakeOutreach(people(), [outreachRecord({ id: 9, mention_id: 1, handle: SAM })]);
    const { core } = await showInbox(fake);
    const detail = await openDetail(1);
    const form = await openForm(detail);

    const problems = await within(form).findByTestId('problems-message');
    expect(problems.textContent).toBe('Write the message you sent, or will send.');
    expect(field(form, 'outreach-message').getAttribute('aria-invalid')).toBe('true');
    expect(field<HTMLButtonElement>(form, 'outreach-log').disabled).toBe(true);

    await fireEvent.input(field(form, 'outreach-message'), { target: { value: 'Did the refund arrive?' } });
    await fireEvent.input(field(form, 'outreach-follow-up'), { target: { value: localDay(new Date(Date.now() - 3 * 86400_000)) } });
    const followUp = await within(form).findByTestId('problems-follow-up');
    expect(followUp.textContent).toBe('The follow-up date is in the past. Choose a later day.');
    await waitFor(() => expect(within(form).queryByTestId('problems-message')).toBeNull());
    expect(field(form, 'outreach-follow-up').getAttribute('aria-describedby')).toBe(followUp.id);
    expect(field<HTMLButtonElement>(form, 'outreach-log').disabled).toBe(true);

    await fireEvent.input(field(form, 'outreach-follow-up'), { target: { value: tomorrow() } });
    await waitFor(() => expect(within(form).queryByTestId('problems-follow-up')).toBeNull());
    expect(field<HTMLButtonElement>(form, 'outreach-log').disabled).toBe(false);
    expect(core.called('outreach_log')).toHaveLength(0);
  });

  test('a missing notice and promotional words need "Log it anyway", which sends them as acknowledged', async () => {
    const fake = new FakeOutreach(people());
    const { core } = await showInbox(fake);
    const detail = await openDetail(1);
    const form = await openForm(detail);

    await fireEvent.change(field<HTMLSelectElement>(form, 'outreach-channel'), { target: { value: 'direct_message' } });
    await fireEvent.change(field<HTMLSelectElement>(form, 'outreach-template'), { target: { value: '2' } });
    await waitFor(() => expect(field<HTMLTextAreaElement>(form, 'outreach-message').value).toContain('discount code'));
    // Unticking takes the notice out of the message and warns at once.
    await fireEvent.click(field(form, 'outreach-include-notice'));
    expect(field<HTMLTextAreaElement>(form, 'outreach-message').value).toBe('Hi Sam Baker, we are sorry. Here is a discount code for your next visit: SORRY10.');
    expect(within(form).getByTestId('notice-unticked').textContent).toContain('first contact');

    const warnings = await within(form).findByTestId('outreach-warnings');
    await waitFor(() => expect(within(warnings).queryByTestId('warning-promotional')).toBeTruthy());
    expect(within(warnings).getByTestId('warning-notice_missing').textContent).toContain('the notice is not included');
    expect(within(warnings).getByTestId('warning-promotional').textContent).toContain('In a direct message this reads as promotion (“discount”)');
    expect(within(form).queryByTestId('outreach-log')).toBeNull();
    expect(core.called('outreach_log')).toHaveLength(0);

    await fireEvent.click(within(form).getByTestId('outreach-log-anyway'));
    await waitFor(() => expect(core.called('outreach_log')).toHaveLength(1));
    const sent = lastDraft(core, 'outreach_log');
    expect(sent.acknowledged.sort()).toEqual(['notice_missing', 'promotional']);
    expect(sent.notice_given).toBe(false);
    expect(sent.channel).toBe('direct_message');

    const items = await within(detail).findAllByTestId('outreach-item');
    expect(within(items[0]!).getByTestId('flag-notice-missing')).toBeTruthy();
    expect(within(items[0]!).getByTestId('flag-promotional').textContent).toContain('discount');
  });

  test('a warning that appears after the last check is shown first, not logged unseen', async () => {
    const fake = new FakeOutreach(people(), [outreachRecord({ id: 9, mention_id: 1, handle: SAM })]);
    const { core } = await showInbox(fake);
    const detail = await openDetail(1);
    const form = await openForm(detail);
    await fireEvent.change(field<HTMLSelectElement>(form, 'outreach-channel'), { target: { value: 'email' } });
    // Typed and saved within the pause: the form asks the core again before logging.
    await fireEvent.input(field(form, 'outreach-message'), { target: { value: 'Buy one, get one free this week!' } });
    await fireEvent.click(within(form).getByTestId('outreach-log'));

    const warnings = await within(form).findByTestId('outreach-warnings');
    expect(warnings.textContent).toContain('“buy”');
    expect(core.called('outreach_log')).toHaveLength(0);
    await fireEvent.click(within(form).getByTestId('outreach-log-anyway'));
    await waitFor(() => expect(core.called('outreach_log')).toHaveLength(1));
    expect(lastDraft(core, 'outreach_log').acknowledged).toEqual(['promotional']);
  });
});

describe('helping to send it by hand', () => {
  test('"Copy message" puts the whole message, notice included, on the clipboard', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const fake = new FakeOutreach(people());
    await showInbox(fake);
    const form = await openForm(await openDetail(1));
    await fireEvent.input(field(form, 'outreach-message'), { target: { value: 'Sorry, Sam. <b>We</b> will sort it.' } });
    await fireEvent.click(within(form).getByTestId('copy-message'));

    await waitFor(() => expect(writeText).toHaveBeenCalledTimes(1));
    expect(writeText).toHaveBeenCalledWith('Sorry, Sam. <b>We</b> will sort it.');
    expect(within(form).getByTestId('copy-result').textContent).toContain('Copied. Paste it into Mastodon');
  });

  test('when the clipboard refuses, the owner is told how to copy it themselves', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: () => Promise.reject(new Error('denied')) } });
    await showInbox(new FakeOutreach(people()));
    const form = await openForm(await openDetail(1));
    await fireEvent.click(within(form).getByTestId('copy-message'));
    expect((await within(form).findByTestId('copy-result')).textContent).toContain('could not be copied');
  });

  test('"Open original post" is offered only for https posts and opens through the opener', async () => {
    const fake = new FakeOutreach(people());
    const { core } = await showInbox(fake);
    let form = await openForm(await openDetail(1));
    await fireEvent.click(within(form).getByTestId('outreach-open-original'));
    await waitFor(() => expect(core.called('plugin:opener|open_url')).toHaveLength(1));
    expect(core.called('plugin:opener|open_url')[0]!.args.url).toBe('https://mastodon.example/@sam/1');

    form = await openForm(await openDetail(2));
    expect(within(form).queryByTestId('outreach-open-original')).toBeNull();
    expect(core.called('plugin:opener|open_url')).toHaveLength(1);
  });
});

describe('untrusted text', () => {
  test('names, handles and messages from strangers are text, never markup', async () => {
    const inbox = new FakeInbox([
      mention({ id: 1, author_name: '<img src=x onerror=alert(1)>', author_handle: '<b>h</b>', text: 'x' }),
    ]);
    const fake = new FakeOutreach(inbox, [outreachRecord({ id: 9, mention_id: 1, handle: '<b>h</b>', message: '<script>alert(1)</script>' })]);
    await showInbox(fake);
    const detail = await openDetail(1);
    expect(within(detail).getAllByTestId('outreach-item')[0]!.textContent).toContain('<script>alert(1)</script>');
    expect(detail.querySelector('script, img, b')).toBeNull();
  });
});
