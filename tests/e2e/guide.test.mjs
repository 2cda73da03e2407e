// End to end: the owner walks a customer through the privacy-settings guide
// in the real app — pick apps, answer steps, go back, leave, resume by the
// code, reach the handout and save it — with screenshots of a step and of the
// handout. No customer identity is asked for anywhere.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, ARTIFACTS } from './lib/harness.mjs';
import { tid, waitUntil, sleep } from './lib/webdriver.mjs';

const SHORT = 30_000;
const STEP = { timeout: 5 * 60_000 };
const shot = (S, name) => sleep(1_200).then(() => S.screenshot(join(ARTIFACTS, 'screens', `${name}.png`)));

let app;
let S;
let code = '';
let savedPath = '';

async function stepCount() {
  const text = await (await S.waitFor(tid('guide-step-count'), { timeout: SHORT })).text();
  const m = text.match(/Step (\d+) of (\d+)/);
  assert.ok(m, `step counter reads "${text}"`);
  return { k: Number(m[1]), n: Number(m[2]) };
}

async function waitForStep(k) {
  await waitUntil(async () => (await stepCount()).k === k, { timeout: SHORT, message: `step ${k}` });
}

describe('The customer privacy guide, end to end', () => {
  before(async () => {
    app = await startApp({ name: 'guide' });
    S = app.session;
  });
  after(async () => {
    await app?.stop();
    if (savedPath) rmSync(savedPath, { force: true });
  });

  it('the business contact saved in Settings is used for handouts', STEP, async () => {
    await S.click(tid('nav-settings'));
    await S.waitFor(tid('screen-settings'), { timeout: SHORT });
    const contact = await S.waitFor(tid('business-contact'), { timeout: SHORT });
    await contact.fill('01234 567890 · hello@pedalandpine.example');
    const saved = await S.execute(
      `const button = Array.from(document.querySelectorAll('[data-testid="screen-settings"] button'))
         .find((b) => b.textContent.trim() === 'Save');
       if (button) button.click();
       return Boolean(button);`,
    );
    assert.ok(saved, 'a Save button for the business details');
    await sleep(1_000);
  });

  it('the guide starts from the chosen apps and asks nothing about the customer', STEP, async () => {
    await S.click(tid('nav-guide'));
    await S.waitFor(tid('screen-guide'), { timeout: SHORT });
    await S.click(tid('guide-platform-facebook'));
    await S.click(tid('guide-platform-whatsapp'));
    const fields = await S.execute(
      `return Array.from(document.querySelectorAll('[data-testid="screen-guide"] input, [data-testid="screen-guide"] textarea'))
         .filter((el) => !['checkbox', 'radio', 'hidden'].includes(el.type))
         .map((el) => (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.name || '').trim());`,
    );
    // The only text field on the start screen is the code to resume a checklist.
    assert.equal(fields.length, 1, `text fields: ${JSON.stringify(fields)}`);
    await S.click(tid('guide-start'));
    await S.waitFor(tid('guide-step'), { timeout: SHORT });
    const { k, n } = await stepCount();
    assert.equal(k, 1);
    assert.ok(n >= 12, `Facebook and WhatsApp give at least 12 steps, got ${n}`);
    assert.equal(await (await S.find(tid('guide-step-platform'))).text(), 'Facebook');
    code = (await (await S.find(tid('guide-code'))).text()).trim();
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await shot(S, 'guide-step');
  });

  it('done, skip and back move through the steps', STEP, async () => {
    const first = await (await S.find(tid('guide-step-title'))).text();
    await S.click(tid('guide-done'));
    await waitForStep(2);
    await S.click(tid('guide-skip'));
    await waitForStep(3);
    await S.click(tid('guide-back'));
    await waitForStep(2);
    await S.click(tid('guide-back'));
    await waitForStep(1);
    assert.equal(await (await S.find(tid('guide-step-title'))).text(), first);
    const marked = await (await S.find(tid('guide-done'))).attribute('aria-pressed');
    assert.equal(marked, 'true', 'going back shows the earlier answer');
    await S.click(tid('guide-forward'));
    await waitForStep(2);
    await S.click(tid('guide-forward'));
    await waitForStep(3);
    await S.click(tid('guide-na'));
    await waitForStep(4);
  });

  it('a checklist left half-way resumes from its code', STEP, async () => {
    // The next customer arrives: the owner stops here, goes elsewhere, comes back.
    await S.click(tid('guide-leave'));
    await S.waitFor(tid('guide-resume-code'), { timeout: SHORT });
    await S.click(tid('nav-inbox'));
    await S.waitFor(tid('screen-inbox'), { timeout: SHORT });
    await S.click(tid('nav-guide'));
    await S.waitFor(tid('screen-guide'), { timeout: SHORT });
    assert.equal(await S.find(tid('guide-step')), null, 'the walk is off screen');
    // Typed in lower case without the dash, as a customer might read it out.
    await S.waitFor(tid('guide-resume-code'), { timeout: SHORT }).then((el) => el.fill(code.toLowerCase().replace('-', '')));
    await S.click(tid('guide-resume'));
    await S.waitFor(tid('guide-step'), { timeout: SHORT });
    await waitForStep(4);
  });

  it('the end shows the handout with what is done and what is left, and saves it', STEP, async () => {
    const { n } = await stepCount();
    for (let k = 4; k <= n; k += 1) {
      await S.click(tid(k % 2 === 0 ? 'guide-done' : 'guide-skip'));
      if (k < n) await waitForStep(k + 1);
    }
    await S.waitFor(tid('guide-end'), { timeout: SHORT });
    const handout = await S.waitFor(tid('handout'), { timeout: SHORT });
    const text = await handout.text();
    assert.match(text, /Pedal|01234 567890/, 'the business contact is on the handout');
    const recheck = await (await S.find(tid('handout-recheck'))).text();
    assert.match(recheck, /\d{1,2} [A-Z][a-z]+ \d{4}/);
    const done = await S.execute(`return document.querySelectorAll('[data-testid="handout-done"] li').length;`);
    const todo = await S.execute(`return document.querySelectorAll('[data-testid="handout-todo"] li').length;`);
    assert.ok(done >= 2 && todo >= 2, `done ${done}, to do ${todo}`);
    await shot(S, 'guide-handout');
    await S.click(tid('guide-save'));
    const pathText = await (await S.waitFor(tid('guide-saved-path'), { timeout: SHORT })).text();
    const m = pathText.match(/(\/\S+\.html)/);
    assert.ok(m, `saved path in "${pathText}"`);
    savedPath = m[1];
    const html = readFileSync(savedPath, 'utf8');
    assert.ok(html.includes('Still to do') && html.includes('Done'));
    assert.ok(html.includes('01234 567890'));
    assert.ok(!html.includes('<script'), 'the saved handout runs nothing');
  });
});
