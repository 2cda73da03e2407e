// End to end: a damaged database file. The window opens with a full-page
// message that says what happened and what to do, the file is left exactly
// as it was, and once it is moved aside "Try again" opens a new workspace.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, ARTIFACTS } from './lib/harness.mjs';
import { tid, sleep } from './lib/webdriver.mjs';

const STEP = { timeout: 5 * 60_000 };
const junk = Buffer.from('This is a shopping list, not a database: inner tubes, chain oil, tea. '.repeat(200));
let app;
let dbFile;

describe('A damaged database', () => {
  before(async () => {
    app = await startApp({
      name: 'damaged',
      prepare: (dir) => {
        dbFile = join(dir, 'hearken.sqlite3');
        writeFileSync(dbFile, junk);
      },
    });
  });
  after(async () => {
    await app?.stop();
  });

  it('opens on a message that says what to do, and leaves the file untouched', STEP, async () => {
    const S = app.session;
    const error = await S.waitFor(tid('app-error'), { timeout: 60_000 });
    const text = await error.text();
    assert.match(text, /damaged or is not a Hearken database/);
    assert.match(text, /left it untouched/);
    await sleep(1_000);
    await S.screenshot(join(ARTIFACTS, 'screens', 'damaged-database.png'));
    assert.ok(readFileSync(dbFile).equals(junk), 'the damaged file must not be changed');
  });

  it('after the file is moved aside, "Try again" opens a fresh workspace', STEP, async () => {
    const S = app.session;
    renameSync(dbFile, `${dbFile}.damaged`);
    await S.click(tid('app-retry'));
    await S.waitFor(tid('inbox-empty'), { timeout: 60_000 });
    assert.ok(readFileSync(`${dbFile}.damaged`).equals(junk), 'the moved file is still as it was');
  });
});
