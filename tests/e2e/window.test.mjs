// End to end: the window as a desktop app. A second launch hands over to the
// first window instead of opening another, the window's size is kept for
// next time (tauri-plugin-single-instance and -window-state), and its text
// is set in the desktop's interface font.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

describe("The desktop's interface font", () => {
  let fontApp;
  before(async () => {
    // A desktop whose interface font is DejaVu Serif (installed with
    // WebKitGTK's dependencies, and easy to tell from the sans-serif default).
    fontApp = await startApp({
      name: 'font',
      prepare: (_data, configDir) => {
        mkdirSync(join(configDir, 'gtk-3.0'), { recursive: true });
        writeFileSync(join(configDir, 'gtk-3.0', 'settings.ini'), '[Settings]\ngtk-font-name=DejaVu Serif 10\n');
      },
    });
    await fontApp.session.waitFor(tid('screen-inbox'), { timeout: 60_000 });
  });
  after(async () => {
    await fontApp?.stop();
  });

  it("the screens are set in the font GTK's settings name", STEP, async () => {
    // The same words laid out in the body's font, in DejaVu Serif and in
    // sans-serif: the widths show which font the text is really drawn in.
    const seen = await fontApp.session.execute(`
      const width = (family) => {
        const s = document.createElement('span');
        s.textContent = 'Hearken listens for what customers say 0123456789';
        s.style.whiteSpace = 'nowrap';
        s.style.position = 'absolute';
        s.style.width = 'max-content';
        if (family) s.style.fontFamily = family;
        document.querySelector('[data-testid="screen-inbox"]').append(s);
        const w = s.getBoundingClientRect().width;
        s.remove();
        return w;
      };
      return {
        declared: getComputedStyle(document.body).fontFamily,
        body: width(null),
        serif: width('"DejaVu Serif"'),
        sans: width('sans-serif'),
      };`);
    assert.match(seen.declared, /DejaVu Serif/);
    assert.notEqual(seen.serif, seen.sans, 'the two fonts should lay the words out differently');
    assert.equal(seen.body, seen.serif, `body text ${seen.body}px wide, DejaVu Serif ${seen.serif}px, sans-serif ${seen.sans}px`);
  });
});
