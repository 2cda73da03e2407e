import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, test, vi } from 'vitest';
import PrivacyScreen from '../src/lib/components/PrivacyScreen.svelte';
import { todayYmd } from '../src/lib/privacyWords';
import { formatDay } from '../src/lib/time';
import { PlatformsState } from '../src/lib/stores/platforms.svelte';
import { AUDIT_PAGE, PrivacyState } from '../src/lib/stores/privacy.svelte';
import { fakeCore, refuse, type Handler } from './backend';
import { FakePrivacy, heldMention, oneMonthAfter } from './privacyBackend';

const DAY_MS = 86_400_000;

async function showPrivacy(fake = new FakePrivacy(), handlers: Record<string, Handler> = {}) {
  const core = fakeCore({ ...fake.handlers(), ...handlers });
  const platforms = new PlatformsState();
  await platforms.load();
  const onsources = vi.fn();
  render(PrivacyScreen, { platforms, onsources, privacy: new PrivacyState() });
  await screen.findByTestId('privacy-dnc');
  return { core, fake, onsources };
}

function field(testid: string, inside: HTMLElement = document.body): HTMLInputElement {
  return within(inside).getByTestId(testid) as HTMLInputElement;
}

async function type(testid: string, value: string, inside?: HTMLElement) {
  await fireEvent.input(field(testid, inside), { target: { value } });
}

async function choose(testid: string, value: string, inside?: HTMLElement) {
  await fireEvent.change(field(testid, inside), { target: { value } });
}

/** Text as read: runs of spaces and new lines as one space. */
function text(el: Element): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function section(name: 'dnc' | 'retention' | 'requests' | 'audit' | 'notes'): HTMLElement {
  return screen.getByTestId(`privacy-${name}`);
}

describe('the do-not-contact list', () => {
  test('adding someone sends the platform, handle and default reason, and lists them', async () => {
    const { core } = await showPrivacy();
    const dnc = section('dnc');
    expect(within(dnc).getByTestId('dnc-empty')).toBeTruthy();
    expect(field('dnc-reason').value).toBe('Asked us to stop');

    await fireEvent.click(within(dnc).getByTestId('dnc-add'));
    expect(text(within(dnc).getByTestId('dnc-problem'))).toBe('Choose the platform where they posted.');
    await choose('dnc-platform', 'mastodon');
    await fireEvent.click(within(dnc).getByTestId('dnc-add'));
    expect(text(within(dnc).getByTestId('dnc-problem'))).toMatch(/^Enter their handle/);
    expect(field('dnc-handle').getAttribute('aria-invalid')).toBe('true');
    expect(core.called('dnc_add')).toHaveLength(0);

    await type('dnc-handle', '  @sam@mastodon.example ');
    await fireEvent.click(within(dnc).getByTestId('dnc-add'));
    await waitFor(() => expect(core.called('dnc_add')).toHaveLength(1));
    expect(core.called('dnc_add')[0]!.args).toEqual({
      entry: { platform: 'mastodon', handle: '@sam@mastodon.example', reason: 'Asked us to stop' },
    });
    const row = await within(dnc).findByTestId('dnc-row');
    expect(within(row).getByTestId('dnc-handle-text').textContent).toBe('@sam@mastodon.example');
    expect(text(row)).toContain('Mastodon');
    expect(text(row)).toContain('Asked us to stop');
    expect(text(within(dnc).getByTestId('dnc-result'))).toBe(
      '@sam@mastodon.example on Mastodon is on the list. Hearken will refuse any outreach to them.',
    );
    expect(field('dnc-handle').value).toBe('');
  });

  test('the core’s refusal is shown and what was typed stays', async () => {
    const fake = new FakePrivacy();
    fake.addDnc({ platform: 'x', handle: '@grumpy', reason: null });
    await showPrivacy(fake);
    await choose('dnc-platform', 'x');
    await type('dnc-handle', '@GRUMPY');
    await type('dnc-reason', 'Phoned the shop to say stop');
    await fireEvent.click(screen.getByTestId('dnc-add'));
    expect(text(await screen.findByTestId('dnc-problem'))).toBe('@GRUMPY is already on the do-not-contact list.');
    expect(field('dnc-handle').value).toBe('@GRUMPY');
    expect(field('dnc-reason').value).toBe('Phoned the shop to say stop');
    expect(screen.getAllByTestId('dnc-row')).toHaveLength(1);
  });

  test('removing explains what it means and asks first; keeping sends nothing', async () => {
    const fake = new FakePrivacy();
    fake.addDnc({ platform: 'mastodon', handle: '@sam@mastodon.example', reason: 'Asked us to stop' });
    fake.addDnc({ platform: 'x', handle: '@grumpy', reason: 'Said so in a reply' });
    const grumpy = fake.dnc.find((d) => d.handle === '@grumpy')!.id;
    const { core } = await showPrivacy(fake);
    const row = screen.getAllByTestId('dnc-row').find((r) => r.textContent?.includes('@grumpy'))!;

    await fireEvent.click(within(row).getByTestId('dnc-remove'));
    const confirm = within(row).getByTestId('dnc-confirm');
    expect(text(confirm)).toContain('Remove @grumpy on X (Twitter) from the do-not-contact list?');
    expect(text(confirm)).toContain('Hearken will then let you record outreach to them again');
    await waitFor(() => expect(document.activeElement).toBe(within(row).getByTestId('dnc-confirm-no')));
    await fireEvent.click(within(row).getByTestId('dnc-confirm-no'));
    expect(core.called('dnc_remove')).toHaveLength(0);
    expect(within(row).queryByTestId('dnc-confirm')).toBeNull();

    await fireEvent.click(within(row).getByTestId('dnc-remove'));
    await fireEvent.click(within(row).getByTestId('dnc-confirm-yes'));
    await waitFor(() => expect(screen.getAllByTestId('dnc-row')).toHaveLength(1));
    expect(core.called('dnc_remove')[0]!.args).toEqual({ id: grumpy });
    expect(fake.dnc.map((d) => d.handle)).toEqual(['@sam@mastodon.example']);
    expect(screen.getByTestId('dnc-row').textContent).toContain('@sam@mastodon.example');
    expect(text(screen.getByTestId('dnc-result'))).toBe('@grumpy on X (Twitter) is no longer on the do-not-contact list.');
  });

  test('an erased entry shows the protected fingerprint, never a handle, and cannot be removed', async () => {
    const fake = new FakePrivacy();
    fake.addDnc({ platform: 'mastodon', handle: '@gone@mastodon.example', reason: 'Asked us to stop' });
    fake.dnc = fake.dnc.map((d) => ({ ...d, platform: null, handle: null, erased: true }));
    await showPrivacy(fake);
    const row = screen.getByTestId('dnc-row');
    expect(text(within(row).getByTestId('dnc-erased'))).toBe(
      'Erased — kept as a protected fingerprint so they are never contacted again',
    );
    expect(within(row).queryByTestId('dnc-handle-text')).toBeNull();
    expect(within(row).queryByTestId('dnc-remove')).toBeNull();
    expect(text(row)).toContain('Asked us to stop');
    expect(document.body.textContent).not.toContain('@gone');
  });
});

describe('updates from the core', () => {
  test('what the daily purge or the CLI changed shows while the screen is open', async () => {
    const fake = new FakePrivacy();
    await showPrivacy(fake);
    expect(screen.queryAllByTestId('dnc-row')).toHaveLength(0);
    // Added elsewhere (the CLI), then the core says privacy data changed.
    fake.addDnc({ platform: 'x', handle: '@grumpy', reason: 'Said so in a reply' });
    await emit('privacy-changed');
    await waitFor(() => expect(screen.getAllByTestId('dnc-row')).toHaveLength(1));
  });
});

describe('retention', () => {
  test('days must be whole numbers from 1 to 3650; the notice cannot be empty; nothing is sent until they are', async () => {
    const { core } = await showPrivacy();
    const form = section('retention');
    expect(field('retention-mention-days').value).toBe('90');
    expect(field('retention-outreach-days').value).toBe('730');

    const cases: [string, RegExp][] = [
      ['', /^Enter a number of days/],
      ['ninety', /^Use a whole number of days/],
      ['90.5', /^Use a whole number of days/],
      ['0', /^Keep things for at least 1 day/],
      ['3651', /^At most 3650 days/],
    ];
    for (const [typed, message] of cases) {
      await type('retention-mention-days', typed);
      await fireEvent.click(within(form).getByTestId('retention-save'));
      expect(text(within(form).getByTestId('retention-mention-error'))).toMatch(message);
      expect(field('retention-mention-days').getAttribute('aria-invalid')).toBe('true');
    }
    await type('retention-outreach-days', '-5');
    await type('retention-notice', '   ');
    await fireEvent.click(within(form).getByTestId('retention-save'));
    expect(text(within(form).getByTestId('retention-outreach-error'))).toMatch(/^Use a whole number/);
    expect(text(within(form).getByTestId('retention-notice-error'))).toMatch(/^Write the notice/);
    expect(core.called('privacy_settings_save')).toHaveLength(0);
    await waitFor(() => expect(document.activeElement).toBe(field('retention-mention-days')));

    await type('retention-mention-days', '3650');
    await type('retention-outreach-days', '1');
    await type('retention-notice', 'Saw your post on {platform}. Ask {contact} to stop. Love, {name}');
    expect(text(within(form).getByTestId('retention-notice-strays'))).toBe(
      'Hearken does not fill in {name}: it would be sent exactly as typed.',
    );
    await fireEvent.click(within(form).getByTestId('retention-mode-anonymise'));
    await fireEvent.click(within(form).getByTestId('retention-save'));
    await waitFor(() => expect(core.called('privacy_settings_save')).toHaveLength(1));
    expect(core.called('privacy_settings_save')[0]!.args).toEqual({
      p: {
        mention_days: 3650,
        outreach_days: 1,
        mode: 'anonymise',
        notice_template: 'Saw your post on {platform}. Ask {contact} to stop. Love, {name}',
      },
    });
    expect(text(await within(form).findByTestId('retention-message'))).toMatch(/^Saved/);
    expect(within(form).queryByTestId('retention-mention-error')).toBeNull();
    expect(core.called('purge_preview').length).toBeGreaterThanOrEqual(1);
  });

  test('the core’s refusal is shown beside the form', async () => {
    await showPrivacy(undefined, {
      privacy_settings_save: refuse('store', 'The settings could not be saved: the disk is full. Free some space and try again.'),
    });
    await type('retention-mention-days', '30');
    await fireEvent.click(screen.getByTestId('retention-save'));
    expect(text(await screen.findByTestId('retention-message'))).toBe(
      'The settings could not be saved: the disk is full. Free some space and try again.',
    );
    expect(field('retention-mention-days').value).toBe('30');
  });

  test('the preview says what would go, with sample mentions as plain text; purging asks first and reports', async () => {
    const fake = new FakePrivacy();
    fake.mentions = [
      heldMention('@old@mastodon.example', 200, 'An old post nobody answered'),
      heldMention('@sneaky@mastodon.example', 100, '<img src=x onerror="alert(1)"> <b>bold</b>'),
      { ...heldMention('@helped@mastodon.example', 300, 'We replied to this one'), actioned: true },
      heldMention('@recent@mastodon.example', 5, 'Still within 90 days'),
    ];
    fake.outreach = [
      { id: 1, platform: 'mastodon', handle: '@old@mastodon.example', closedAt: new Date(Date.now() - 800 * DAY_MS).toISOString() },
      { id: 2, platform: 'mastodon', handle: '@recent@mastodon.example', closedAt: null },
    ];
    const { core } = await showPrivacy(fake);
    const panel = screen.getByTestId('purge-panel');

    expect(text(within(panel).getByTestId('purge-counts'))).toBe('2 mentions and 1 outreach record');
    const samples = within(panel).getAllByTestId('purge-sample');
    expect(samples.map((s) => s.querySelector('.sample-text')?.textContent)).toEqual([
      '<img src=x onerror="alert(1)"> <b>bold</b>',
      'An old post nobody answered',
    ]);
    expect(panel.querySelector('img, b')).toBeNull();
    expect(text(panel)).not.toContain('We replied to this one');
    expect(text(within(panel).getByTestId('purge-last'))).toBe('No purge has run yet. Hearken runs one by itself once a day.');

    await fireEvent.click(within(panel).getByTestId('purge-now'));
    const confirm = within(panel).getByTestId('purge-confirm');
    expect(text(confirm)).toContain('Delete 2 mentions and 1 outreach record now? This cannot be undone.');
    await fireEvent.click(within(panel).getByTestId('purge-confirm-no'));
    expect(core.called('purge_run')).toHaveLength(0);

    await fireEvent.click(within(panel).getByTestId('purge-now'));
    await fireEvent.click(within(panel).getByTestId('purge-confirm-yes'));
    expect(text(await within(panel).findByTestId('purge-report'))).toBe('Deleted 2 mentions and 1 outreach record.');
    expect(core.called('purge_run')).toHaveLength(1);
    expect(fake.mentions.map((m) => m.mention.author_handle)).toEqual(['@helped@mastodon.example', '@recent@mastodon.example']);
    await waitFor(() => expect(within(panel).getByTestId('purge-nothing')).toBeTruthy());
    expect(within(panel).queryByTestId('purge-now')).toBeNull();
    expect(text(within(panel).getByTestId('purge-last'))).toMatch(/^Last purge: .* — deleted 2 mentions and 1 outreach record\.$/);
  });

  test('with nothing old enough, it says there is nothing to purge and offers no purge', async () => {
    const fake = new FakePrivacy();
    fake.mentions = [heldMention('@recent@mastodon.example', 10, 'Fresh')];
    fake.lastPurge = { mode: 'delete', mentions: 0, outreach: 0, ran_at: '2026-11-29T03:00:00Z' };
    const { core } = await showPrivacy(fake);
    const panel = screen.getByTestId('purge-panel');
    expect(text(within(panel).getByTestId('purge-nothing'))).toMatch(/^Nothing to purge right now\./);
    expect(within(panel).queryByTestId('purge-now')).toBeNull();
    expect(text(within(panel).getByTestId('purge-last'))).toMatch(/— nothing needed purging\.$/);

    // Shorter periods make the same mention due: the preview follows the saved setting.
    await type('retention-mention-days', '7');
    expect(within(panel).getByTestId('purge-unsaved')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('retention-save'));
    await waitFor(() => expect(text(within(panel).getByTestId('purge-counts'))).toBe('1 mention'));
    expect(within(panel).queryByTestId('purge-unsaved')).toBeNull();
    expect(core.called('purge_run')).toHaveLength(0);
  });
});

describe('access and erasure requests', () => {
  test('a new request defaults to today, and the list shows the due date the core gives, overdue ones marked', async () => {
    const { core } = await showPrivacy();
    const requests = section('requests');
    expect(within(requests).getByTestId('requests-empty')).toBeTruthy();

    await fireEvent.click(within(requests).getByTestId('request-new'));
    const form = within(requests).getByTestId('request-form');
    expect(field('request-received', form).value).toBe(todayYmd());
    await choose('request-platform', 'mastodon', form);
    await type('request-handle', '@sam@mastodon.example', form);
    await fireEvent.click(within(form).getByTestId('request-save'));
    await waitFor(() => expect(core.called('request_add')).toHaveLength(1));
    expect(core.called('request_add')[0]!.args).toEqual({
      r: { kind: 'access', platform: 'mastodon', handle: '@sam@mastodon.example', received_on: todayYmd() },
    });
    const due = oneMonthAfter(todayYmd());
    expect(text(await within(requests).findByTestId('request-result'))).toBe(`Recorded. Answer by ${formatDay(due)}.`);
    expect(within(requests).queryByTestId('request-form')).toBeNull();

    await fireEvent.click(within(requests).getByTestId('request-new'));
    await fireEvent.click(within(requests).getByTestId('request-kind-erasure'));
    await choose('request-platform', 'x');
    await type('request-handle', '@late');
    await type('request-received', '2024-01-31');
    await fireEvent.click(within(requests).getByTestId('request-save'));
    expect(text(await within(requests).findByTestId('request-result'))).toBe('Recorded. Answer by 29 Feb 2024.');

    const rows = within(requests).getAllByTestId('request-row');
    expect(rows).toHaveLength(2);
    const [late, fresh] = rows as [HTMLElement, HTMLElement];
    expect(text(late)).toContain('Erasure');
    expect(text(late)).toContain('Received 31 Jan 2024');
    expect(text(within(late).getByTestId('request-due'))).toBe('Due by 29 Feb 2024');
    expect(text(within(late).getByTestId('request-state'))).toBe('Overdue');
    expect(late.classList.contains('overdue')).toBe(true);
    expect(text(within(requests).getByTestId('requests-overdue'))).toMatch(/^1 request is past its due date/);

    expect(text(fresh)).toContain('Access');
    expect(text(within(fresh).getByTestId('request-state'))).toBe('Open');
    expect(fresh.classList.contains('overdue')).toBe(false);
    expect(text(within(fresh).getByTestId('request-due'))).toBe(`Due by ${formatDay(due)}`);
  });

  test('the form says what is missing before sending, and shows the core’s refusal', async () => {
    const { core } = await showPrivacy();
    await fireEvent.click(screen.getByTestId('request-new'));
    await fireEvent.click(screen.getByTestId('request-save'));
    expect(text(screen.getByTestId('request-problem'))).toBe('Choose the platform the person uses.');
    await choose('request-platform', 'x');
    await fireEvent.click(screen.getByTestId('request-save'));
    expect(text(screen.getByTestId('request-problem'))).toMatch(/^Enter their handle/);
    expect(core.called('request_add')).toHaveLength(0);

    await type('request-handle', '@someone');
    await type('request-received', '2999-01-01');
    await fireEvent.click(screen.getByTestId('request-save'));
    expect(text(await screen.findByTestId('request-problem'))).toBe('The date received cannot be in the future.');
    expect(screen.getByTestId('request-form')).toBeTruthy();
  });

  test('an access request exports to two files and shows both paths; the request is then done', async () => {
    const fake = new FakePrivacy();
    fake.mentions = [heldMention('@sam@mastodon.example', 3, 'Where is my order?')];
    const r = fake.addRequest({ kind: 'access', platform: 'mastodon', handle: '@sam@mastodon.example', received_on: todayYmd() });
    const { core } = await showPrivacy(fake);
    const row = screen.getByTestId('request-row');
    await fireEvent.click(within(row).getByTestId('request-export'));

    const result = await within(row).findByTestId('request-export-result');
    expect(core.called('privacy_export')[0]!.args).toEqual({ requestId: r.id, dir: null });
    expect(within(result).getByTestId('export-json-path').textContent).toBe(`/home/sam/Downloads/hearken-access-${r.id}.json`);
    expect(within(result).getByTestId('export-html-path').textContent).toBe(`/home/sam/Downloads/hearken-access-${r.id}.html`);
    expect(text(within(row).getByTestId('request-state'))).toBe('Done');
    expect(text(within(row).getByTestId('request-done'))).toMatch(/^Exported 1 mentions and 0 outreach records — /);
    expect(within(row).getByTestId('request-export').textContent?.trim()).toBe('Export again');
  });

  test('an export that cannot be written says why, and the request stays open', async () => {
    const fake = new FakePrivacy();
    fake.folderWritable = false;
    fake.addRequest({ kind: 'access', platform: 'x', handle: '@sam', received_on: todayYmd() });
    await showPrivacy(fake);
    const row = screen.getByTestId('request-row');
    await fireEvent.click(within(row).getByTestId('request-export'));
    expect(text(await within(row).findByTestId('request-problem-row'))).toBe(
      "Hearken could not save the files in /home/sam/Downloads: the folder cannot be written to. Free some space or check the folder's permissions, then try again.",
    );
    expect(within(row).queryByTestId('request-export-result')).toBeNull();
    expect(text(within(row).getByTestId('request-state'))).toBe('Open');
  });

  test('erasure asks for a clear yes, says what goes and what stays, then reports and keeps only the fingerprint', async () => {
    const fake = new FakePrivacy();
    const sam = '@sam@mastodon.example';
    fake.mentions = [
      { ...heldMention(sam, 3, 'Where is my order?'), corrections: 1 },
      heldMention(sam, 40, 'Still waiting'),
      heldMention('@other@mastodon.example', 2, 'Lovely bread'),
    ];
    fake.outreach = [{ id: 1, platform: 'mastodon', handle: sam, closedAt: null }];
    fake.addDnc({ platform: 'mastodon', handle: sam, reason: 'Asked us to stop' });
    fake.addRequest({ kind: 'access', platform: 'mastodon', handle: sam, received_on: '2026-01-05' });
    const r = fake.addRequest({ kind: 'erasure', platform: 'mastodon', handle: sam, received_on: todayYmd() });
    const { core } = await showPrivacy(fake);
    const row = screen.getAllByTestId('request-row')[0]!;
    expect(text(within(row).getByTestId('request-kind'))).toBe('Erasure');

    await fireEvent.click(within(row).getByTestId('request-erase'));
    const confirm = within(row).getByTestId('erase-confirm');
    for (const words of [
      `Erase everything Hearken holds about ${sam} on Mastodon?`,
      'their mentions',
      'your outreach records with them',
      'your label corrections on their posts',
      'their words in the search index',
      'This stays: if they are on the do-not-contact list, a protected fingerprint of their handle',
    ]) {
      expect(text(confirm)).toContain(words);
    }
    const yes = within(row).getByTestId('erase-confirm-yes') as HTMLButtonElement;
    expect(yes.disabled).toBe(true);
    await fireEvent.click(within(row).getByTestId('erase-confirm-no'));
    expect(core.called('privacy_erase')).toHaveLength(0);
    expect(within(row).queryByTestId('erase-confirm')).toBeNull();

    await fireEvent.click(within(row).getByTestId('request-erase'));
    await fireEvent.click(within(row).getByTestId('erase-confirm-ack'));
    await fireEvent.click(within(row).getByTestId('erase-confirm-yes'));
    const report = await within(row).findByTestId('request-erase-result');
    expect(core.called('privacy_erase')[0]!.args).toEqual({ requestId: r.id });
    expect(text(report)).toBe(
      'Erased 2 mentions, 1 outreach record and 1 label correction, and their words from the search index. Their do-not-contact entry is kept as a protected fingerprint, so they are never contacted again.',
    );
    expect(fake.mentions.map((m) => m.mention.author_handle)).toEqual(['@other@mastodon.example']);
    expect(text(within(row).getByTestId('request-state'))).toBe('Done');
    expect(within(row).queryByTestId('request-erase')).toBeNull();

    await waitFor(() => expect(within(section('dnc')).getByTestId('dnc-erased')).toBeTruthy());
    // Their earlier access request no longer names them either.
    await waitFor(() => expect(document.body.textContent).not.toContain(sam));
    expect(within(screen.getAllByTestId('request-row')[1]!).queryByTestId('request-export')).toBeNull();
  });

  test('erasing someone Hearken holds nothing about says so', async () => {
    const fake = new FakePrivacy();
    fake.addRequest({ kind: 'erasure', platform: 'x', handle: '@nobody', received_on: todayYmd() });
    await showPrivacy(fake);
    await fireEvent.click(screen.getByTestId('request-erase'));
    await fireEvent.click(screen.getByTestId('erase-confirm-ack'));
    await fireEvent.click(screen.getByTestId('erase-confirm-yes'));
    expect(text(await screen.findByTestId('request-erase-result'))).toBe(
      'Hearken held nothing else about them, so there was nothing to erase.',
    );
  });
});

describe('the audit trail', () => {
  function withEntries(n: number): FakePrivacy {
    const fake = new FakePrivacy();
    for (let i = 1; i <= n; i++) fake.record(i % 2 ? 'dnc_added' : 'purge', `s${i}`, `step ${i}`);
    return fake;
  }

  test('lists the newest entries in words and pages back with "before"', async () => {
    const { core } = await showPrivacy(withEntries(AUDIT_PAGE + 5));
    const audit = section('audit');
    const entries = await within(audit).findAllByTestId('audit-entry');
    expect(entries).toHaveLength(AUDIT_PAGE);
    expect(text(entries[0]!)).toMatch(/^Added to do-not-contact .* step 25 No\. 25 · by you · about s25$/);
    expect(text(entries[1]!)).toMatch(/^Purge \(retention\)/);
    expect(core.called('audit_list')[0]!.args).toEqual({ before: null, limit: AUDIT_PAGE });

    await fireEvent.click(within(audit).getByTestId('audit-more'));
    await waitFor(() => expect(within(audit).getAllByTestId('audit-entry')).toHaveLength(AUDIT_PAGE + 5));
    expect(core.called('audit_list')[1]!.args).toEqual({ before: 6, limit: AUDIT_PAGE });
    expect(within(audit).queryByTestId('audit-more')).toBeNull();
  });

  test('a change made here appears in the trail', async () => {
    await showPrivacy();
    await within(section('audit')).findByTestId('audit-empty');
    await choose('dnc-platform', 'x');
    await type('dnc-handle', '@grumpy');
    await fireEvent.click(screen.getByTestId('dnc-add'));
    const entry = await within(section('audit')).findByTestId('audit-entry');
    expect(text(entry)).toMatch(/^Added to do-not-contact/);
    expect(text(entry)).not.toContain('@grumpy');
  });

  test('checking an intact trail says so', async () => {
    const { core } = await showPrivacy(withEntries(4));
    await fireEvent.click(screen.getByTestId('audit-verify'));
    expect(text(await screen.findByTestId('audit-ok'))).toMatch(/^The audit trail is intact\. 4 entries checked: none was changed or removed\./);
    expect(core.called('audit_verify')).toHaveLength(1);
  });

  test('an entry edited in the file is found and named in plain words', async () => {
    const fake = withEntries(6);
    fake.audit[2]!.detail = 'step 3, quietly rewritten';
    await showPrivacy(fake);
    await within(section('audit')).findAllByTestId('audit-entry');
    await fireEvent.click(screen.getByTestId('audit-verify'));
    const broken = await screen.findByTestId('audit-broken');
    expect(text(broken)).toMatch(/^The audit trail has been changed\. The first entry that no longer matches is number 3, “Added to do-not-contact” of /);
    expect(text(broken)).toContain('Entry 3 does not match the entries before it.');
    const marked = screen.getAllByTestId('audit-entry').filter((e) => e.classList.contains('broken'));
    expect(marked.map((e) => text(e))).toEqual([expect.stringContaining('No. 3')]);
  });

  test('a deleted entry breaks the link of the one after it', async () => {
    const fake = withEntries(6);
    fake.audit.splice(3, 1);
    await showPrivacy(fake);
    await fireEvent.click(screen.getByTestId('audit-verify'));
    expect(text(await screen.findByTestId('audit-broken'))).toContain('The first entry that no longer matches is number 5');
  });
});

describe('watches and their notes', () => {
  test('watches missing their note are named, with a way to Sources', async () => {
    const fake = new FakePrivacy();
    fake.watchesMissingNotes = [
      { id: 1, name: 'Shop name' },
      { id: 2, name: 'Handle' },
    ];
    const { onsources } = await showPrivacy(fake);
    const missing = screen.getByTestId('notes-missing');
    expect(text(missing)).toContain('2 watches are paused: “Shop name” and “Handle”. They cannot catch mentions until their privacy note is complete');
    await fireEvent.click(within(missing).getByTestId('notes-open-sources'));
    expect(onsources).toHaveBeenCalledTimes(1);
  });

  test('no warning when every watch has its note', async () => {
    await showPrivacy();
    expect(screen.queryByTestId('notes-missing')).toBeNull();
    expect(screen.getByTestId('notes-export')).toBeTruthy();
  });

  test('exporting the notes shows where they went, or why they could not be saved', async () => {
    const fake = new FakePrivacy();
    const { core } = await showPrivacy(fake);
    await fireEvent.click(screen.getByTestId('notes-export'));
    expect(text(await screen.findByTestId('notes-saved'))).toBe('Saved to /home/sam/Downloads/hearken-privacy-notes.html');
    expect(core.called('privacy_notes_export')[0]!.args).toEqual({ dir: null });

    fake.folderWritable = false;
    await fireEvent.click(screen.getByTestId('notes-export'));
    expect(text(await screen.findByTestId('notes-problem'))).toMatch(/^Hearken could not save the files in \/home\/sam\/Downloads/);
    expect(screen.queryByTestId('notes-saved')).toBeNull();
  });
});

describe('loading', () => {
  test('an overview that cannot be read is explained, and Try again recovers', async () => {
    const fake = new FakePrivacy();
    let broken = true;
    fakeCore({
      ...fake.handlers(),
      privacy_overview: () =>
        broken ? Promise.reject({ code: 'database', message: 'Hearken could not read its database: the file is locked.' }) : fake.overview(),
    });
    const platforms = new PlatformsState();
    render(PrivacyScreen, { platforms, onsources: () => {}, privacy: new PrivacyState() });
    expect(text(await screen.findByTestId('privacy-error'))).toContain('Hearken could not read its database: the file is locked.');
    broken = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('privacy-dnc')).toBeTruthy();
  });

  test('every control has a label and every button a name', async () => {
    const fake = new FakePrivacy();
    fake.addRequest({ kind: 'erasure', platform: 'x', handle: '@nobody', received_on: todayYmd() });
    fake.addDnc({ platform: 'x', handle: '@grumpy', reason: null });
    await showPrivacy(fake);
    await fireEvent.click(screen.getByTestId('request-new'));
    await fireEvent.click(screen.getByTestId('request-erase'));
    for (const button of screen.getAllByRole('button')) expect(button.textContent?.trim()).not.toBe('');
    for (const control of document.querySelectorAll('input, select, textarea')) {
      expect(control.id && document.querySelector(`label[for="${control.id}"]`)).toBeTruthy();
    }
  });
});
