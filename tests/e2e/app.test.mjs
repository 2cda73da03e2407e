// End-to-end tests on the real Hearken app: tauri-driver drives WebKitWebDriver,
// which starts the debug build with a fresh data folder. Run with
//   node --test tests/e2e/
// under Xvfb and inside a D-Bus session with an unlocked keyring
// (scripts/test-all.sh does all of that). Every screen is saved as a PNG in
// e2e-artifacts/screens/; a failing step saves one in e2e-artifacts/failures/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startApp, ARTIFACTS, slug } from './lib/harness.mjs';
import { startFeedServer, HOSTILE_TITLE } from './lib/feed-server.mjs';
import { tid, waitUntil, sleep } from './lib/webdriver.mjs';

// Generous but bounded: a debug build on a 2-core machine is slow.
const SHORT = 30_000;
const LONG = 120_000;
const STEP = { timeout: 5 * 60_000 };

const SCREENS = ['inbox', 'dashboard', 'outreach', 'guide', 'sources', 'privacy', 'settings'];

let app; // { session, dataDir, stop }
let feed; // the fake feed server
let S; // app.session, for short
const state = { sourceAdded: false, polled: false };
const sourceLabel = `E2E alerts ${process.pid}`;

/** Largest number in a text like "214 mentions" or "1,204 in total". */
function largestNumber(text) {
  const nums = (text.match(/\d+(?:[,.\u00a0\u202f ]\d{3})*/g) ?? []).map((n) => Number(n.replace(/\D/g, '')));
  return nums.length ? Math.max(...nums) : NaN;
}

/** Let the page finish drawing before a screenshot (WebKit's snapshot lags a frame or so behind the DOM). */
const settle = () => sleep(1_200);

/** Run one step; on failure save a screenshot and the page source, then rethrow. */
async function step(name, fn) {
  if (!S) throw new Error('no WebDriver session (the app did not start)');
  try {
    await fn();
  } catch (err) {
    const dir = join(ARTIFACTS, 'failures');
    await mkdir(dir, { recursive: true });
    const base = join(dir, slug(name));
    await settle();
    await S.screenshot(`${base}.png`).catch(() => {});
    await S.source()
      .then((html) => writeFile(`${base}.html`, html))
      .catch(() => {});
    err.message += `\n(screenshot: ${base}.png)`;
    throw err;
  }
}

async function openScreen(name) {
  await S.click(tid(`nav-${name}`));
  return S.waitFor(tid(`screen-${name}`), { timeout: SHORT });
}

async function sourceRow(label) {
  for (const row of await S.findAll(tid('source-row'))) {
    if ((await row.text()).includes(label)) return row;
  }
  return null;
}

/**
 * Find the mention-text element whose rendered text (innerText) contains
 * `needle`; returns { el, text }. The Inbox list may be
 * virtualised, so when no rendered row has it, scroll the list a page at a
 * time (back to the top at the end) until it shows up.
 */
function findMentionText(needle, timeout = LONG) {
  return waitUntil(
    async () => {
      const el = await S.execute(
        `const needle = arguments[0];
         const hit = Array.from(document.querySelectorAll('[data-testid="mention-text"]'))
           .find((el) => el.textContent.includes(needle));
         if (hit) return hit;
         const row = document.querySelector('[data-testid="mention-row"]');
         let box = row ? row.parentElement : null;
         while (box && !(box.scrollHeight > box.clientHeight + 1 &&
                /(auto|scroll)/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
         box = box || document.scrollingElement;
         if (box.scrollTop + box.clientHeight >= box.scrollHeight - 2) box.scrollTop = 0;
         else box.scrollTop += Math.max(100, box.clientHeight * 0.8);
         return null;`,
        needle,
      );
      if (!el) return null;
      // innerText is the text as laid out on screen. (WebDriver's "get element
      // text" returns "" here: WebKitWebDriver's visibility atom counts an
      // element with overflow: hidden and -webkit-line-clamp as not shown,
      // although the screenshots show it.)
      const text = await el.property('innerText');
      return text.includes(needle) ? { el, text } : null;
    },
    { timeout, interval: 300, message: `a mention-text showing ${JSON.stringify(needle)}` },
  );
}

/** Luminance (0 dark … 1 light) of the first opaque background behind `css`. */
function backgroundLuminance(css) {
  return S.execute(
    `let el = document.querySelector(arguments[0]);
     while (el) {
       const m = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g);
       if (m && (m.length < 4 || Number(m[3]) > 0.5)) {
         const [r, g, b] = m.slice(0, 3).map(Number);
         return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
       }
       el = el.parentElement;
     }
     return 1;`,
    css,
  );
}

describe('Hearken, end to end', () => {
  before(async () => {
    feed = await startFeedServer();
    app = await startApp({ name: 'app' });
    S = app.session;
  });

  after(async () => {
    await app?.stop();
    await feed?.close();
  });

  it('the window opens on the Inbox with the empty state', STEP, () =>
    step('window opens on inbox empty state', async () => {
      await S.waitFor(tid('screen-inbox'), { timeout: LONG });
      await S.waitFor(tid('inbox-empty'), { timeout: SHORT });
      assert.equal(await S.title(), 'Hearken');
    }));

  it('clicking "load sample" fills the Inbox with at least 200 mentions', STEP, () =>
    step('load sample fills the inbox', async () => {
      await S.click(tid('load-sample'), { timeout: SHORT });
      await S.waitFor(tid('mention-row'), { timeout: LONG });
      const total = await waitUntil(
        async () => {
          const el = await S.find(tid('inbox-total'));
          if (!el) return null;
          const n = largestNumber(await el.text());
          return n >= 200 ? n : null;
        },
        { timeout: LONG, message: 'inbox-total to show a number of at least 200' },
      );
      assert.ok(total >= 200, `inbox-total shows ${total}`);
      await S.waitForGone(tid('inbox-empty'), { timeout: SHORT });
    }));

  it('every screen opens from the sidebar and is saved as a screenshot', STEP, () =>
    step('every screen opens from the sidebar', async () => {
      let previous = null;
      for (const name of SCREENS) {
        await openScreen(name);
        if (previous && previous !== name) {
          await S.waitForGone(tid(`screen-${previous}`), { timeout: SHORT });
        }
        await settle();
        await S.screenshot(join(ARTIFACTS, 'screens', `${name}.png`));
        previous = name;
      }
    }));

  it('an RSS source can be added on the Sources screen', STEP, () =>
    step('add an rss source', async () => {
      await openScreen('sources');
      const platform = await S.waitFor(tid('source-platform'), { timeout: SHORT });
      await platform.selectOption('rss');
      await (await S.waitFor(tid('source-label'), { timeout: SHORT })).fill(sourceLabel);
      await (await S.waitFor(tid('source-url'), { timeout: SHORT })).fill(feed.url);
      await S.click(tid('source-submit'));
      await waitUntil(() => sourceRow(sourceLabel), {
        timeout: SHORT,
        message: `a source-row labelled ${sourceLabel}`,
      });
      const result = await S.waitFor(tid('source-form-result'), { timeout: SHORT });
      assert.notEqual((await result.text()).trim(), '', 'source-form-result has a message');
      await settle();
      await S.screenshot(join(ARTIFACTS, 'screens', 'sources-added.png'));
      state.sourceAdded = true;
    }));

  it("polling the new source brings the feed's entries into the Inbox as plain text", STEP, (t) => {
    if (!state.sourceAdded) return t.skip('the source was not added');
    return step('poll brings entries into the inbox', async () => {
      const before = feed.requests.length;
      t.diagnostic(`feed requests before the poll: ${before}`);
      await openScreen('sources');
      const row = await waitUntil(() => sourceRow(sourceLabel), { timeout: SHORT, message: 'the new source-row' });
      const poll = await row.find(tid('source-poll'));
      assert.ok(poll, 'the source-row has a source-poll button');
      await poll.click();
      // (The app may already have fetched the feed when the source was added;
      // then this poll may get a 304 thanks to the ETag.)
      await waitUntil(() => feed.requests.length > before && feed.requests.some((r) => r.status === 200), {
        timeout: LONG,
        message: 'the app to fetch the fake feed',
      });
      t.diagnostic(`feed requests: ${JSON.stringify(feed.requests)}`);
      state.polled = true;

      await openScreen('inbox');
      const first = feed.entries[0];
      const { text } = await findMentionText(first.marker);
      assert.ok(text.includes('Pedal'), `the entry's text is shown: ${JSON.stringify(text)}`);
      assert.ok(!/<\/?b>|&lt;|&amp;/.test(text), `the feed's HTML is turned into plain text: ${JSON.stringify(text)}`);
      await findMentionText(feed.entries[1].marker);
      await settle();
      await S.screenshot(join(ARTIFACTS, 'screens', 'inbox-after-poll.png'));
    });
  });

  it('polling again sends the ETag back and the unchanged feed answers 304', STEP, (t) => {
    if (!state.polled) return t.skip('the source was not polled');
    return step('poll again with etag', async () => {
      const before = feed.requests.length;
      await openScreen('sources');
      const row = await waitUntil(() => sourceRow(sourceLabel), { timeout: SHORT, message: 'the new source-row' });
      await (await row.find(tid('source-poll'))).click();
      await waitUntil(() => feed.requests.slice(before).some((r) => r.status === 304), {
        timeout: LONG,
        message: 'a conditional request (If-None-Match) answered 304',
      });
      t.diagnostic(`feed requests: ${JSON.stringify(feed.requests.map((r) => [r.ifNoneMatch, r.status]))}`);
    });
  });

  it('a hostile entry is shown literally as text and runs no script', STEP, (t) => {
    if (!state.polled) return t.skip('the source was not polled');
    return step('hostile entry shown as text', async () => {
      await openScreen('inbox');
      const { text } = await findMentionText('<script>');
      assert.ok(text.includes("<script>document.title='pwned'</script>"), `shown literally: ${JSON.stringify(text)}`);
      assert.ok(text.includes('onerror='), `the <img> markup is shown as text too: ${JSON.stringify(text)}`);
      assert.ok(HOSTILE_TITLE.includes('<script>'));
      await sleep(1_000); // an onerror handler, if any had been created, would have fired by now
      assert.equal(await S.title(), 'Hearken', 'document.title is unchanged: no script ran');
      const injected = await S.execute(
        `return {
           img: document.querySelectorAll('img[src="x"]').length,
           script: Array.from(document.scripts).filter((s) => s.textContent.includes('pwned')).length,
         };`,
      );
      assert.deepEqual(injected, { img: 0, script: 0 }, 'no <img>/<script> element was created from the feed');
    });
  });

  it('removing the source takes its row away', STEP, (t) => {
    if (!state.sourceAdded) return t.skip('the source was not added');
    return step('remove the source', async () => {
      await openScreen('sources');
      const row = await waitUntil(() => sourceRow(sourceLabel), { timeout: SHORT, message: 'the new source-row' });
      const remove = await row.find(tid('source-remove'));
      assert.ok(remove, 'the source-row has a source-remove button');
      await remove.click();
      await S.click(tid('confirm-remove'), { timeout: SHORT });
      await waitUntil(async () => (await sourceRow(sourceLabel)) === null, {
        timeout: SHORT,
        message: `the source-row labelled ${sourceLabel} to go away`,
      });
    });
  });

  it('the dark theme can be chosen in Settings and the Inbox is then drawn dark', STEP, () =>
    step('dark theme', async () => {
      await openScreen('settings');
      const select = await S.waitFor(tid('theme-select'), { timeout: SHORT });
      await select.selectOption('dark');
      await openScreen('inbox');
      const luminance = await waitUntil(
        async () => {
          const l = await backgroundLuminance(tid('screen-inbox'));
          return l < 0.4 ? l : null;
        },
        { timeout: SHORT, message: 'the Inbox background to turn dark' },
      );
      assert.ok(luminance < 0.4);
      await settle();
      await S.screenshot(join(ARTIFACTS, 'screens', 'inbox-dark.png'));
    }));
});
