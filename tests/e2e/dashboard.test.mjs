// End to end: the Dashboard on the real app with the sample workspace. Its
// uPlot charts are drawn on canvases in WebKit under the app's CSP, show the
// sample's figures, are drawn again in the dark theme's colours, and follow
// the window's width. Screenshots: e2e-artifacts/screens/dashboard-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startApp, ARTIFACTS } from './lib/harness.mjs';
import { tid, waitUntil, sleep } from './lib/webdriver.mjs';

const SHORT = 30_000;
const LONG = 120_000;
const STEP = { timeout: 5 * 60_000 };
const settle = () => sleep(1_200);

let app;
let S;

/** What the volume chart's legend shows: each label and its marker colour. */
function legend() {
  return S.execute(
    `return Array.from(document.querySelectorAll('[data-testid="chart-volume"] .u-legend .u-series'))
       .slice(1)
       .map((row) => ({
         label: row.querySelector('.u-label')?.textContent ?? '',
         colour: getComputedStyle(row.querySelector('.u-marker')).backgroundColor,
       }));`,
  );
}

/** How many pixels of the volume chart's canvas are painted in `rgb` (bars of that label). */
function pixelsIn(rgb) {
  return S.execute(
    `const [r, g, b] = arguments[0];
     const c = document.querySelector('[data-testid="chart-volume"] canvas');
     if (!c || c.width === 0) return 0;
     const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
     let n = 0;
     for (let i = 0; i < data.length; i += 4) {
       if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 12) n++;
     }
     return n;`,
    rgb,
  );
}

/** [r, g, b] from "rgb(r, g, b)". */
function rgb(css) {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  assert.ok(m, `a colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

describe('The Dashboard', () => {
  before(async () => {
    app = await startApp({ name: 'dashboard' });
    S = app.session;
    await S.waitFor(tid('screen-inbox'), { timeout: 60_000 });
    await mkdir(join(ARTIFACTS, 'screens'), { recursive: true });
  });
  after(async () => {
    await app?.stop();
  });

  it('charts the sample workspace, in the light and the dark theme', STEP, async () => {
    await S.click(tid('load-sample'), { timeout: SHORT });
    await S.waitForGone(tid('inbox-empty'), { timeout: LONG });
    await S.click(tid('nav-dashboard'));
    await S.waitFor(tid('screen-dashboard'), { timeout: SHORT });
    // The sample spans months: the whole of it fits in "All time".
    await S.click(tid('dashboard-range-all'));
    await S.waitFor(`${tid('chart-volume')} canvas`, { timeout: LONG });
    const mentions = await waitUntil(
      async () => {
        const text = await (await S.find(tid('tile-mentions-value'))).text();
        const n = Number(text.replace(/\D/g, ''));
        return n > 0 ? n : null;
      },
      { timeout: SHORT, message: 'a number of mentions on the Mentions tile' },
    );
    assert.ok(mentions > 0);
    const contact = await (await S.find(tid('tile-first-contact-value'))).text();
    assert.match(contact, /min|h|day/, `time to first contact reads "${contact}"`);
    // The bottom layer of the stack (the last legend row): complaints once
    // triage has scored the sample, "Not yet scored" before.
    const light = await legend();
    const layer = light.at(-1);
    assert.ok(layer, JSON.stringify(light));
    assert.ok((await pixelsIn(rgb(layer.colour))) > 50, `${layer.label} bars are drawn in ${layer.colour}`);
    await settle();
    await S.screenshot(join(ARTIFACTS, 'screens', 'dashboard.png'));

    await S.click(tid('nav-settings'));
    const select = await S.waitFor(tid('theme-select'), { timeout: SHORT });
    await select.selectOption('dark');
    await S.click(tid('nav-dashboard'));
    await S.waitFor(`${tid('chart-volume')} canvas`, { timeout: SHORT });
    const darkLayer = await waitUntil(
      async () => {
        const now = (await legend()).find((l) => l.label === layer.label);
        return now && now.colour !== layer.colour ? now : null;
      },
      { timeout: SHORT, message: 'the chart drawn in the dark theme’s colours' },
    );
    const expected = { Complaints: 'rgb(240, 144, 126)', 'Not yet scored': 'rgb(75, 91, 84)' }[layer.label];
    if (expected) assert.equal(darkLayer.colour, expected);
    const redrawn = await waitUntil(async () => ((await pixelsIn(rgb(darkLayer.colour))) > 50 ? true : null), {
      timeout: SHORT,
      message: `${layer.label} bars drawn again in ${darkLayer.colour}`,
    });
    assert.ok(redrawn);
    assert.equal(await pixelsIn(rgb(layer.colour)), 0, `no bar is left in the light theme’s ${layer.colour}`);
    await settle();
    await S.screenshot(join(ARTIFACTS, 'screens', 'dashboard-dark.png'));
  });

  it('the charts follow the window’s width', STEP, async () => {
    const width = () => S.execute(`return document.querySelector('[data-testid="chart-volume"] .u-wrap')?.offsetWidth ?? 0;`);
    await S.setWindowRect({ width: 1200, height: 800 });
    const wide = await waitUntil(width, { timeout: SHORT, message: 'the chart to have a width' });
    await S.setWindowRect({ width: 900, height: 800 });
    const narrow = await waitUntil(async () => {
      const w = await width();
      return w > 0 && w < wide ? w : null;
    }, { timeout: SHORT, message: 'the chart to get narrower with the window' });
    assert.ok(narrow < wide, `${narrow} < ${wide}`);
  });
});
