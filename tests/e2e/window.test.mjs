// End to end: the window as a desktop app. A second launch hands over to the
// first window instead of opening another, and the window's size is kept for
// next time (tauri-plugin-single-instance and -window-state).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, appBinary } from './lib/harness.mjs';
import { tid, waitUntil, sleep } from './lib/webdriver.mjs';

const STEP = { timeout: 5 * 60_000 };
let app;
let S;

describe('The Hearken window', () => {
  before(async () => {
    app = await startApp({ name: 'window' });
    S = app.session;
    await S.waitFor(tid('screen-inbox'), { timeout: 60_000 });
  });
  after(async () => {
    await app?.stop();
  });

  it('a second launch hands over to the open window and exits', STEP, async () => {
    const second = spawn(appBinary(), ['--data-dir', app.dataDir], { env: app.env, stdio: 'ignore' });
    const exit = await Promise.race([
      new Promise((resolve) => second.once('exit', (code) => resolve({ code }))),
      sleep(60_000).then(() => null),
    ]);
    if (exit === null) second.kill('SIGKILL');
    assert.notEqual(exit, null, 'the second launch should exit after handing over, not open a second window');
    assert.equal(exit.code, 0);
    // The first window is still there and answering.
    assert.equal(await S.title(), 'Hearken');
    assert.ok(await S.find(tid('screen-inbox')));
  });

  it('the window size is remembered, even if the app is then ended abruptly', STEP, async () => {
    await S.setWindowRect({ width: 1100, height: 720 });
    const file = join(app.configDir, 'app.hearken.desktop', '.window-state.json');
    await waitUntil(
      () => existsSync(file) && Math.abs((JSON.parse(readFileSync(file, 'utf8')).main?.width ?? 0) - 1100) <= 80,
      { timeout: 30_000, message: `${file} with the new size` },
    );
    const state = JSON.parse(readFileSync(file, 'utf8'));
    assert.ok(state.main, `window state for "main" in ${JSON.stringify(state)}`);
    assert.ok(Math.abs(state.main.width - 1100) <= 80, `width ${state.main.width}`);
    assert.ok(Math.abs(state.main.height - 720) <= 80, `height ${state.main.height}`);
  });
});
