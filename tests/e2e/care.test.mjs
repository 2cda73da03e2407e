// End to end: outreach and its guardrails on the real app with the sample
// workspace. The owner records an outreach from a complaint (first contact:
// the notice goes with it; promotion in a DM has to be confirmed), marks the
// person do-not-contact (new outreach refused, badge shown), finds it on the
// Outreach screen and exports it, then on the Privacy screen fulfils an
// access request (files written) and an erasure request (the person's words
// gone from the database file and its WAL, the do-not-contact entry kept as a
// fingerprint), shows what bad input gets (an empty message, a follow-up in
// the past, an erasure of someone with no data, a retention period of 0),
// previews and runs a purge until nothing is left to do, and checks the
// audit trail — intact, then broken once a row
// is edited in the file behind the app's back. The CLI reads the same trail.
// Screenshots: e2e-artifacts/screens/care-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startApp, appBinary, ARTIFACTS } from './lib/harness.mjs';
import { tid, waitUntil, sleep } from './lib/webdriver.mjs';

const SHORT = 30_000;
const LONG = 120_000;
const STEP = { timeout: 5 * 60_000 };

// A sample complaint nobody has answered yet: Yusuf on X, pedals never sent.
const SAM = { platform: 'x', handle: 'yusuf_cycles', words: 'yusuf_cycles', text: 'a pair of SPD pedals from @pedalandpine. Not even' };

let app;
let S;

async function shot(name) {
  await S.screenshot(join(ARTIFACTS, 'screens', `care-${name}.png`));
}

async function text(css) {
  return (await S.waitFor(css, { timeout: SHORT })).text();
}

/** Search the Inbox and open the first result's detail pane. */
async function openMention(words) {
  await S.click(tid('nav-inbox'));
  const search = await S.waitFor(tid('inbox-search'), { timeout: SHORT });
  // Clear any earlier search first, so the one row found below is for these words.
  const clear = await S.find(tid('clear-filters'));
  if (clear && (await clear.displayed())) await clear.click();
  await waitUntil(async () => (await S.findAll(tid('mention-row'))).length > 1, {
    timeout: SHORT,
    message: 'the whole Inbox again',
  });
  await search.fill(words);
  const row = await waitUntil(
    async () => {
      const rows = await S.findAll(tid('mention-row'));
      return rows.length === 1 ? rows[0] : null;
    },
    { timeout: SHORT, message: `exactly one mention with "${words}"` },
  );
  await (await row.find(tid('row-details'))).click();
  await S.waitFor(tid('outreach-panel'), { timeout: SHORT });
}

/** Bytes of the database and its WAL, as latin1 text for searching. */
async function databaseBytes() {
  const db = join(app.dataDir, 'hearken.sqlite3');
  let all = (await readFile(db)).toString('latin1');
  if (existsSync(`${db}-wal`)) all += (await readFile(`${db}-wal`)).toString('latin1');
  return all;
}

/** Mentions in the database file, read beside the running app. */
function mentionCount() {
  return Number(execFileSync('sqlite3', [join(app.dataDir, 'hearken.sqlite3'), 'SELECT count(*) FROM mentions'], { encoding: 'utf8' }).trim());
}

function cli(...args) {
  return spawnSync(appBinary(), ['--data-dir', app.dataDir, ...args], { encoding: 'utf8', env: { ...process.env, HEARKEN_DATA_DIR: app.dataDir } });
}

/** A step that leaves a screenshot behind when it fails. */
function step(title, fn) {
  it(title, STEP, async () => {
    try {
      await fn();
    } catch (err) {
      await shot(`FAILED-${title.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
      throw err;
    }
  });
}

describe('Outreach and privacy, end to end', () => {
  before(async () => {
    app = await startApp({ name: 'care' });
    S = app.session;
    await S.waitFor(tid('screen-inbox'), { timeout: 60_000 });
    await mkdir(join(ARTIFACTS, 'screens'), { recursive: true });
    await S.click(tid('load-sample'), { timeout: SHORT });
    await S.waitForGone(tid('inbox-empty'), { timeout: LONG });
  });
  after(async () => {
    await app?.stop();
  });

  step('records a first contact with the notice, and makes promotion in a DM be confirmed', async () => {
    await openMention(SAM.words);
    await S.click(tid('record-outreach-open'));
    await S.waitFor(tid('record-outreach'), { timeout: SHORT });
    assert.match(await text(tid('never-sends')), /never sends/i);
    // Nobody has contacted Sam: the notice goes with the first message.
    await S.waitFor(tid('first-contact'), { timeout: SHORT });
    const notice = await S.find(tid('outreach-include-notice'));
    assert.equal(await notice.property('checked'), true, 'the notice is ticked at first contact');

    await (await S.find(tid('outreach-channel'))).selectOption('direct_message');
    const message = await S.find(tid('outreach-message'));
    await message.fill('Hi Yusuf, sorry about the pedals. Use code SORRY20 for a discount on your next order.');
    await S.waitFor(tid('warning-promotional'), { timeout: SHORT });
    assert.match(await text(tid('outreach-warnings')), /discount/i);
    // Saving needs the explicit "Log it anyway".
    await S.click(tid('outreach-log-anyway'));
    await waitUntil(async () => (await S.findAll(tid('outreach-item'))).length === 1, {
      timeout: SHORT,
      message: 'the outreach listed under the mention',
    });
    await shot('mention-outreach');
  });

  step('refuses outreach once the person asked us to stop, and shows the badge', async () => {
    await S.click(tid('mark-dnc'));
    await (await S.waitFor(tid('dnc-reason'), { timeout: SHORT })).fill('Asked us to stop in a reply');
    await S.click(tid('dnc-confirm'));
    await S.waitFor(tid('detail-dnc-badge'), { timeout: SHORT });
    await S.waitFor(tid('detail-dnc-notice'), { timeout: SHORT });
    // Recording anything new is refused whatever the channel.
    assert.equal(await S.find(tid('record-outreach-open')), null, 'no way to record outreach to them');
    const row = await S.waitFor(tid('mention-row'), { timeout: SHORT });
    assert.ok(await row.find(tid('dnc-badge')), 'the Inbox row carries the badge');
    // The CLI refuses too, on every channel.
    for (const channel of ['public_reply', 'email', 'phone', 'in_person']) {
      const r = cli('outreach', 'log', '--platform', SAM.platform, '--handle', SAM.handle, '--channel', channel, '--status', 'sent', '--message', 'Hello again', '--notice');
      assert.notEqual(r.status, 0, `the CLI refused ${channel}`);
      assert.match(r.stderr, /asked not to be contacted|do-not-contact/i);
    }
  });

  step('bad input in the outreach form is named beside the field and nothing is logged', async () => {
    await openMention('dan_the_van_man');
    await S.click(tid('record-outreach-open'));
    const form = await S.waitFor(tid('record-outreach'), { timeout: SHORT });
    // An empty message: the core's check says so and "Log" stays disabled.
    await (await form.find(tid('outreach-message'))).fill('   ');
    await S.waitFor(tid('problems-message'), { timeout: SHORT });
    assert.equal(await (await form.find(tid('outreach-log'))).property('disabled'), true);
    // A follow-up in the past.
    await (await form.find(tid('outreach-message'))).fill('Hi Dan, sorry about the booking. Could you DM us the date you booked?');
    await S.execute(
      `const el = arguments[0]; el.value = '2020-01-06'; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));`,
      await form.find(tid('outreach-follow-up')),
    );
    assert.match(await text(tid('problems-follow-up')), /past/i);
    assert.equal(await (await form.find(tid('outreach-log'))).property('disabled'), true);
    await S.click(tid('outreach-cancel'));
    assert.equal((await S.findAll(tid('outreach-item'))).length, 0, 'nothing was logged for Dan');
  });

  step('lists, edits and exports outreach on the Outreach screen', async () => {
    await S.click(tid('nav-outreach'));
    await S.waitFor(tid('screen-outreach'), { timeout: SHORT });
    const first = await S.waitFor(tid('outreach-row'), { timeout: SHORT });
    assert.match(await first.text(), /yusuf_cycles/);
    assert.ok(await first.find(tid('flag-promotional')), 'the promotional flag stays on the record');
    await shot('outreach');
    await first.click();
    await S.waitFor(tid('outreach-editor'), { timeout: SHORT });
    await (await S.find(tid('edit-outcome'))).fill('He asked us to stop; no more contact.');
    await (await S.find(tid('edit-status'))).selectOption('declined');
    await S.click(tid('edit-save'));
    await waitUntil(async () => (await S.findAll(tid('history-entry'))).length >= 2, {
      timeout: SHORT,
      message: 'the edit kept as history',
    });
    await S.click(tid('export-csv'));
    const result = await text(tid('export-result'));
    const path = /(\/\S+\.csv)/.exec(result)?.[1];
    assert.ok(path && existsSync(path), `the CSV file is written: ${result}`);
    const csv = await readFile(path, 'utf8');
    assert.match(csv, /yusuf_cycles/);
  });

  step('fulfils an access request and an erasure request on the Privacy screen', async () => {
    await S.click(tid('nav-privacy'));
    await S.waitFor(tid('screen-privacy'), { timeout: SHORT });
    // Yusuf, beside the sample's Dave (who asked on Google and Reddit).
    const dncRows = await waitUntil(async () => {
      const rows = await S.findAll(tid('dnc-row'));
      return rows.length >= 3 ? rows : null;
    }, { timeout: SHORT, message: 'three do-not-contact entries' });
    const dncText = (await Promise.all(dncRows.map((r) => r.text()))).join('\n');
    assert.match(dncText, /yusuf_cycles/);
    assert.match(dncText, /kettle_dave/);
    await shot('privacy');

    // Access: Aisha asks what the shop holds about her.
    await S.click(tid('request-new'));
    await S.click(tid('request-kind-access'));
    await (await S.find(tid('request-platform'))).selectOption('instagram');
    await (await S.find(tid('request-handle'))).fill('@aisha.s.bakes');
    await S.click(tid('request-save'));
    const access = await S.waitFor(`${tid('request-row')}:has(${tid('request-export')})`, { timeout: SHORT });
    assert.match(await (await access.find(tid('request-due'))).text(), /\d/);
    await (await access.find(tid('request-export'))).click();
    const jsonPath = (await text(tid('export-json-path'))).trim();
    const htmlPath = (await text(tid('export-html-path'))).trim();
    const held = JSON.parse(await readFile(jsonPath, 'utf8'));
    assert.match(JSON.stringify(held), /Biscuit/, 'her post is in the export');
    assert.match(await readFile(htmlPath, 'utf8'), /Biscuit/);

    // Erasure: Sam asks to be forgotten.
    assert.ok((await databaseBytes()).includes(SAM.text), 'before: his post is in the file');
    await S.click(tid('request-new'));
    await S.click(tid('request-kind-erasure'));
    await (await S.find(tid('request-platform'))).selectOption(SAM.platform);
    await (await S.find(tid('request-handle'))).fill(`@${SAM.handle}`);
    await S.click(tid('request-save'));
    const erase = await S.waitFor(`${tid('request-row')}:has(${tid('request-erase')})`, { timeout: SHORT });
    await (await erase.find(tid('request-erase'))).click();
    // A strong confirmation: tick "cannot be undone", then erase.
    await S.click(tid('erase-confirm-ack'));
    await S.click(tid('erase-confirm-yes'));
    assert.match(await text(tid('request-erase-result')), /erased|removed/i);
    await S.waitFor(tid('dnc-erased'), { timeout: SHORT });
    await shot('privacy-erased');
    const bytes = await databaseBytes();
    assert.ok(!bytes.includes(SAM.text), 'his post is gone from the file and the WAL');
    assert.ok(!bytes.includes(SAM.handle), 'his handle is gone from the file and the WAL');

    // The fingerprint still refuses him, from the CLI too.
    const r = cli('outreach', 'log', '--platform', SAM.platform, '--handle', SAM.handle, '--channel', 'email', '--status', 'sent', '--message', 'Hello', '--notice');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /asked not to be contacted|do-not-contact/i);
  });

  step('retention: a wrong period is refused, the preview shows what would go, the purge runs, then nothing is left to do', async () => {
    await S.click(tid('nav-privacy'));
    await S.waitFor(tid('privacy-retention'), { timeout: SHORT });
    // An erasure for someone Hearken holds nothing about closes with that said.
    await S.click(tid('request-new'));
    await S.click(tid('request-kind-erasure'));
    await (await S.find(tid('request-platform'))).selectOption('reddit');
    await (await S.find(tid('request-handle'))).fill('nobody_we_know');
    await S.click(tid('request-save'));
    const row = await S.waitFor(`${tid('request-row')}:has(${tid('request-erase')})`, { timeout: SHORT });
    await (await row.find(tid('request-erase'))).click();
    await S.click(tid('erase-confirm-ack'));
    await S.click(tid('erase-confirm-yes'));
    await waitUntil(
      async () => {
        for (const el of await S.findAll(tid('request-erase-result'))) {
          if (/nothing is held|held nothing/i.test(await el.text())) return true;
        }
        return false;
      },
      { timeout: SHORT, message: 'the erasure saying nothing is held about them' },
    );

    // The sample spans about ten weeks: with the default 90 days nothing is due.
    await S.waitFor(tid('purge-nothing'), { timeout: SHORT });
    const days = await S.find(tid('retention-mention-days'));
    await days.fill('0');
    await S.click(tid('retention-save'));
    await S.waitFor(tid('retention-mention-error'), { timeout: SHORT });
    await days.fill('30');
    await S.click(tid('retention-save'));
    await S.waitFor(tid('retention-message'), { timeout: SHORT });
    await S.click(tid('purge-check'));
    const counts = await text(tid('purge-counts'));
    const due = Number(/(\d+) mention/.exec(counts)?.[1]);
    assert.ok(due > 0, `mentions older than 30 days would go: ${counts}`);
    const before = mentionCount();
    await S.click(tid('purge-now'));
    await S.click(tid('purge-confirm-yes'));
    assert.match(await text(tid('purge-report')), new RegExp(`${due}`));
    await S.waitFor(tid('purge-nothing'), { timeout: SHORT });
    assert.equal(mentionCount(), before - due, 'exactly the previewed mentions went');
    const dry = cli('privacy', 'purge', '--dry-run');
    assert.equal(dry.status, 0);
    assert.match(dry.stdout, /Nothing to purge/);
    await shot('retention');
  });

  step('checks the audit trail and notices a row edited in the file', async () => {
    await S.click(tid('audit-verify'));
    assert.match(await text(tid('audit-ok')), /intact/i);
    assert.equal(cli('privacy', 'verify').status, 0);

    // Someone edits the file behind the app's back, around the triggers.
    execFileSync('sqlite3', [
      join(app.dataDir, 'hearken.sqlite3'),
      `DROP TRIGGER audit_is_append_only_update; UPDATE audit SET detail = 'nothing happened' WHERE id = 2;`,
    ]);
    await S.click(tid('audit-verify'));
    assert.match(await text(tid('audit-broken')), /entry 2/);
    const r = cli('privacy', 'verify');
    assert.notEqual(r.status, 0, 'the CLI exits non-zero');
    assert.match(r.stdout + r.stderr, /entry 2/);
    await shot('audit-broken');
  });
});
