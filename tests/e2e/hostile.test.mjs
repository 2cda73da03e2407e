// Untrusted text, end to end on the real app (issue #4): the hostile corpus
// (lib/hostile-payloads.mjs) arrives through real connectors — a fake X
// (mention timeline: post text entity-escaped, author display names) and a
// fake Mastodon instance (hashtag timeline: HTML content, plain display
// names, links passed through) — and is shown in the Inbox list, the detail
// pane and as search highlights. Nothing may run, nothing may load, no unsafe
// link may open, the layout must hold.
//
// How the test would notice that something ran or loaded:
//  - script: every payload that could run script calls top.__pwned(id);
//    before anything hostile is rendered the test installs __pwned (recording
//    into __pwnedLog) and a sentinel value through WebDriver. A reload or a
//    navigation would wipe both, so the sentinel is checked too, as are
//    document.title and location.href;
//  - blocked attempts: the app's Content-Security-Policy blocks inline script,
//    event handlers, frames and outside images, so an injected payload would
//    mostly be *stopped* rather than run. Each stop fires a
//    securitypolicyviolation event, which the test records: any = failure;
//  - markup: a MutationObserver, installed with __pwned, records every element
//    added to the page that the app never creates (script, iframe, img, svg
//    animation and image elements, style, link, meta, base, object, embed,
//    media, math, forms' targets…), any element with an on* attribute or a
//    URL attribute, and any element at all (other than <mark>) inside the
//    containers of untrusted text. The scans also check that those containers
//    hold only text nodes (and <mark> holding only text);
//  - covering: layout checks ask elementFromPoint whether each sidebar button
//    is still the topmost thing at its centre (a fixed overlay from a payload
//    would cover it; the CSP does not stop inline styles);
//  - loads: every URL a payload would fetch points at a canary HTTP server
//    on 127.0.0.1 that records each request: any request = failure;
//  - opens: the opener plugin (the `open` crate) runs the first launcher it
//    finds on PATH: xdg-open, then gio, gnome-open, kde-open6/5, kde-open.
//    The app runs with a PATH whose first folder holds a script under each of
//    those names that keeps its last argument (the URL) in a file of its own
//    and opens nothing. (xdg-open's own $BROWSER does not work for this: on a machine
//    with a browser installed, xdg-open finds the browser's x-scheme-handler
//    first and would really start it, out of the test's sight.) The test
//    first proves the channel by running "xdg-open" with the app's
//    environment. The log must stay empty except for the https links the
//    test clicks on purpose, which must appear exactly, once each.
//
// Every connector drops links that are not http(s) when it stores a post, so
// the links that never get through (javascript:, data:, file:…) are written
// into the stored mentions' url column with sqlite3 afterwards, as if a
// connector had let them through: that is what tests the UI's own guard.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync, chmodSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, appBinary, ARTIFACTS, slug } from './lib/harness.mjs';
import { textPayloads, namePayloads, urlPayloads, openableUrls } from './lib/hostile-payloads.mjs';
import { startCanary, startFakeX, startFakeMastodon } from './lib/hostile-servers.mjs';
import { tid, waitUntil, sleep } from './lib/webdriver.mjs';

const SHORT = 30_000;
const LONG = 120_000;
const STEP = { timeout: 5 * 60_000 };
const TOKEN = `HkHostileToken${process.pid}`;
const X_USER_ID = '4242424242';
const TAG = 'hearkenhostile';
const MARKER = `hkopen${process.pid}`;
const SENTINEL = `hk-sentinel-${process.pid}-${Date.now()}`;
// Connectors keep at most this many characters of a post's text.
const MAX_TEXT_CHARS = 20_000;
const SCREENS = join(ARTIFACTS, 'screens');

let app;
let S;
let canary;
let fakeX;
let masto;
let baseline; // { title, href }
const opener = { dir: null, log: null };
const state = { hooked: false, sources: false, ingested: false, links: false };
const cases = []; // every payload, with what the owner must see
const byKey = new Map(); // row key (handle, or the name when no handle shows) -> case

// ---- Expectations ------------------------------------------------------------

/** Rust's str::trim: Unicode White_Space at both ends (JS's trim also drops U+FEFF). */
const rustTrim = (s) => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
/** The first n characters (code points), as the connectors cut. */
const take = (s, n) => Array.from(s).slice(0, n).join('');
/**
 * innerText is the text as laid out: CSS collapses runs of spaces and
 * segment breaks (white-space: nowrap / pre-line) and drops spaces at the ends
 * of lines, and WebKit leaves out a line that holds only a default-ignorable
 * character (U+3164 HANGUL FILLER alone gives ""). Both sides are compared
 * with default-ignorable code points removed, every run of JS whitespace
 * turned into one space and the ends trimmed. textContent is compared exactly.
 */
const norm = (s) => s.replace(/\p{Default_Ignorable_Code_Point}/gu, '').replace(/\s+/gu, ' ').trim();
const short = (s) => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}… (${s.length} chars)` : s);

function addCase(c) {
  // What the Inbox shows, by the rules of MentionRow / MentionDetailPane.
  const nameShown = c.name?.trim() ?? '';
  c.author = nameShown || c.handle?.trim() || 'Someone';
  c.handleShown = nameShown && c.handle?.trim() && c.handle !== c.name ? c.handle : null;
  c.key = c.handleShown ?? c.author;
  assert.ok(!byKey.has(c.key), `duplicate row key ${c.key}`);
  byKey.set(c.key, c);
  cases.push(c);
}

function buildCases(canaryUrl) {
  const now = Date.now();
  const iso = (minutesAgo) => new Date(now - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
  const posts = [];
  const users = [];
  const texts = textPayloads(canaryUrl);
  const names = namePayloads(canaryUrl);
  // Newest first in the Inbox: t1 … t105, n1 … n20, then the links.
  let minute = 1;
  const xItems = [
    ...texts.map((p, i) => ({ kind: 'text', id: `t${i + 1}`, payload: p })),
    ...names.map((p, i) => ({ kind: 'name', id: `n${i + 1}`, payload: p })),
  ];
  xItems.forEach((item, i) => {
    const userId = String(9_000_000 + i);
    const username = `hk${item.id}`;
    const name = item.kind === 'name' ? item.payload : `Text case ${item.id}`;
    const text = item.kind === 'text' ? item.payload : `Name case ${item.id}: still waiting for a refund.`;
    const id = String(1_870_000_000_000_000_000n + BigInt(xItems.length - i));
    posts.push({ id, author_id: userId, text, created_at: iso(minute++) });
    users.push({ id: userId, username, name });
    addCase({
      kind: item.kind,
      id: item.id,
      payload: item.payload,
      platform: 'x',
      name,
      handle: username,
      text: take(rustTrim(text), MAX_TEXT_CHARS),
      url: `https://x.com/${username}/status/${id}`,
    });
  });

  const statuses = [];
  const mastoItems = [
    ...urlPayloads(canaryUrl).map((u, i) => ({ kind: 'url', id: `u${i + 1}`, url: u })),
    ...openableUrls(MARKER).map((u, i) => ({ kind: 'open', id: `o${i + 1}`, url: u })),
  ];
  mastoItems.forEach((item, i) => {
    const acct = `hk${item.id}`;
    const id = String(113_000_000_000_000_000n + BigInt(mastoItems.length - i));
    const words = item.kind === 'url' ? 'Hostile link' : 'Safe link';
    // Hashtag results are kept when a watch catches them: the test's watch listens for the tag.
    const text = `${words} ${item.id}: the order never came. #${TAG}`;
    statuses.push({
      id,
      uri: `https://masto.example/users/${acct}/statuses/${id}`,
      url: item.url,
      created_at: iso(minute++),
      content: `<p>${text}</p>`,
      spoiler_text: '',
      language: 'en',
      account: { id: String(700 + i), acct, display_name: `${words} ${item.id}` },
      reblog: null,
    });
    addCase({
      kind: item.kind,
      id: item.id,
      payload: item.url,
      platform: 'mastodon',
      name: `${words} ${item.id}`,
      handle: `${acct}@127.0.0.1`,
      text,
      url: item.url,
    });
  });
  return { posts, users, statuses };
}

// ---- Page helpers ------------------------------------------------------------

/** What the detectors have seen so far, for failure messages. */
async function detectors() {
  const page = await S.execute(`return {
    pwnedLog: window.__pwnedLog, sentinel: window.__hkSentinel === arguments[0], title: document.title, href: location.href,
    cspViolations: window.__hkCsp, addedElements: (window.__hkAdded || []).length,
  };`, SENTINEL).catch((e) => ({ error: e.message }));
  return JSON.stringify({
    ...page,
    canary: canary?.requests.map((r) => `${r.method} ${r.url}`),
    opened: opener.log ? openerLog() : [],
  }).slice(0, 3_000);
}

async function step(name, fn) {
  if (!S) throw new Error('no WebDriver session (the app did not start)');
  try {
    await fn();
  } catch (err) {
    if (state.hooked) err.message += `\n(detectors: ${await detectors()})`;
    const dir = join(ARTIFACTS, 'failures');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `hostile-${slug(name)}`);
    await sleep(1_000);
    await S.screenshot(`${base}.png`).catch(() => {});
    await S.source()
      .then((html) => writeFile(`${base}.html`, html))
      .catch(() => {});
    err.message += `\n(screenshot: ${base}.png)`;
    throw err;
  }
}

const settle = () => sleep(1_200);

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

/** Type one key into whatever has the focus, as the keyboard would. */
async function press(key) {
  const focused = await S.execute(`return document.activeElement;`);
  await focused.sendKeys(key);
}

/** Largest number in a text like "164 mentions". */
function largestNumber(text) {
  const nums = (text.match(/\d+(?:,\d{3})*/g) ?? []).map((n) => Number(n.replace(/\D/g, '')));
  return nums.length ? Math.max(...nums) : NaN;
}

async function inboxTotal() {
  const el = await S.find(tid('inbox-total'));
  return el ? largestNumber(await el.text()) : NaN;
}

// Installed before anything hostile is rendered; see the header comment.
const HOOKS = `
  const sentinel = arguments[0];
  if (window.__hkSentinel === sentinel) return 'already';
  window.__pwnedLog = [];
  const pwned = function (id) { window.__pwnedLog.push(String(id)); };
  pwned.sentinel = sentinel;
  window.__pwned = pwned;
  window.__hkSentinel = sentinel;
  window.__hkCsp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__hkCsp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile, line: e.lineNumber });
  }, true);
  window.__hkAdded = [];
  const NEVER = new Set(['SCRIPT', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'IMG', 'IMAGE',
    'PICTURE', 'VIDEO', 'AUDIO', 'SOURCE', 'TRACK', 'MATH', 'MGLYPH', 'MTEXT', 'STYLE', 'LINK', 'META', 'BASE',
    'TEMPLATE', 'NOSCRIPT', 'MARQUEE', 'ISINDEX', 'KEYGEN', 'XSS', 'ANIMATE', 'SET', 'FOREIGNOBJECT', 'USE', 'A',
    'XMP', 'PLAINTEXT', 'TITLE', 'BODY', 'HTML', 'HEAD', 'TABLE', 'B']);
  const URL_ATTR = /^(href|xlink:href|src|srcset|srcdoc|action|formaction|data|poster|background|ping|codebase)$/i;
  const UNTRUSTED = '[data-testid="mention-text"],[data-testid="detail-text"],[data-testid="mention-name"],' +
    '[data-testid="mention-handle"],[data-testid="detail-author"],[data-testid="detail-handle"]';
  const why = (el) => {
    const tag = el.tagName.toUpperCase();
    if (NEVER.has(tag)) return 'a <' + tag.toLowerCase() + '> element';
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) return 'an event handler attribute ' + a.name;
      if (URL_ATTR.test(a.name)) return 'a URL attribute ' + a.name;
    }
    const box = el.parentElement && el.parentElement.closest(UNTRUSTED);
    if (box && tag !== 'MARK') return 'an element inside ' + box.getAttribute('data-testid');
    return null;
  };
  window.__hkObserver = new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        for (const el of [n, ...n.querySelectorAll('*')]) {
          const w = why(el);
          if (w) window.__hkAdded.push({ why: w, html: el.outerHTML.slice(0, 300) });
        }
      }
    }
  });
  window.__hkObserver.observe(document.documentElement, { childList: true, subtree: true });
  return 'installed';
`;

/** The URLs handed to a launcher, oldest first (one file per call, named by time). */
function openerLog() {
  if (!existsSync(opener.log)) return [];
  return readdirSync(opener.log)
    .sort()
    .map((f) => readFileSync(join(opener.log, f), 'utf8'));
}

function clearOpenerLog() {
  for (const f of readdirSync(opener.log)) rmSync(join(opener.log, f));
}

/**
 * Nothing ran, nothing loaded, nothing was added, nothing was opened (except
 * `opened`, exactly). Called after every step that renders hostile content.
 */
async function assertNothingRan(where, { opened = [] } = {}) {
  await sleep(500); // let any handler, load or animation that was going to fire, fire
  const page = await S.execute(`return {
    sentinel: window.__hkSentinel,
    hooked: typeof window.__pwned === 'function' && window.__pwned.sentinel === window.__hkSentinel,
    log: Array.isArray(window.__pwnedLog) ? window.__pwnedLog : 'not an array: ' + String(window.__pwnedLog),
    title: document.title,
    href: location.href,
    csp: window.__hkCsp,
    added: window.__hkAdded,
  };`);
  assert.equal(page.sentinel, SENTINEL, `${where}: the page was reloaded or navigated away (the sentinel is gone)`);
  assert.ok(page.hooked, `${where}: window.__pwned was replaced`);
  assert.deepEqual(page.log, [], `${where}: payload script ran (top.__pwned was called)`);
  assert.equal(page.title, baseline.title, `${where}: document.title changed`);
  assert.equal(page.href, baseline.href, `${where}: the page navigated`);
  assert.deepEqual(page.csp, [], `${where}: the Content-Security-Policy blocked something the page tried to run or load`);
  assert.deepEqual(page.added, [], `${where}: elements from hostile markup were added to the page`);
  assert.deepEqual(
    canary.requests.map((r) => `${r.method} ${r.url}`),
    [],
    `${where}: the canary server was contacted`,
  );
  assert.deepEqual(openerLog(), opened, `${where}: the links handed to the browser`);
}

/** Where the Inbox's parts are, and whether the page scrolls sideways. */
function layout() {
  return S.execute(`
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return { top: r.top, left: r.left, right: r.right, bottom: r.bottom, width: r.width, height: r.height,
               shown: cs.display !== 'none' && cs.visibility !== 'hidden' && Number(cs.opacity) > 0.5 };
    };
    // Is the middle of each sidebar button the button itself (not covered)?
    const navReachable = Array.from(document.querySelectorAll('[data-testid^="nav-"]')).map((b) => {
      const r = b.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return { id: b.getAttribute('data-testid'), ok: !!hit && (hit === b || b.contains(hit)) };
    });
    const vp = document.querySelector('[data-testid="mention-list"] .viewport');
    // What reaches below the window without a scrolling box around it (looked for only when the page is too tall).
    const below = document.documentElement.scrollHeight <= innerHeight + 1 ? [] : Array.from(document.querySelectorAll('body *'))
      .map((e) => [e, e.getBoundingClientRect()])
      .filter(([e, r]) => r.bottom > innerHeight + 1 && r.height > 0)
      .filter(([e]) => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowY !== 'visible') return false;
        }
        return true;
      })
      .slice(0, 5)
      .map(([e, r]) => e.tagName.toLowerCase() + '.' + e.className + ' [' + (e.getAttribute('data-testid') || '') + '] ' + Math.round(r.top) + '..' + Math.round(r.bottom));
    const main = document.querySelector('main');
    return {
      innerWidth, innerHeight, scrollX, scrollY, below,
      main: { scrollTop: main.scrollTop, scrollHeight: main.scrollHeight, clientHeight: main.clientHeight },
      docScrollHeight: document.documentElement.scrollHeight,
      docScrollWidth: document.documentElement.scrollWidth,
      bodyScrollWidth: document.body.scrollWidth,
      sidebar: box('[data-testid="sidebar"]'),
      filters: box('[data-testid="inbox-filters"]'),
      list: box('[data-testid="mention-list"]'),
      detail: box('[data-testid="mention-detail"]'),
      listScroll: vp ? { scrollWidth: vp.scrollWidth, clientWidth: vp.clientWidth } : null,
      navReachable,
    };
  `);
}

function assertLayout(l, where) {
  const inside = (name, b) => {
    assert.ok(b, `${where}: ${name} is missing`);
    assert.ok(b.shown && b.width > 0 && b.height > 0, `${where}: ${name} is not visible: ${JSON.stringify(b)}`);
    assert.ok(
      b.left >= -1 && b.top >= -1 && b.right <= l.innerWidth + 1 && b.bottom <= l.innerHeight + 1,
      `${where}: ${name} is not inside the ${l.innerWidth}×${l.innerHeight} window: ${JSON.stringify(b)}`,
    );
  };
  inside('the sidebar', l.sidebar);
  inside('the filter bar', l.filters);
  inside('the Inbox list', l.list);
  if (l.detail) inside('the detail pane', l.detail);
  assert.ok(l.list.width >= 300, `${where}: the Inbox list is squeezed to ${l.list.width}px`);
  assert.ok(l.docScrollWidth <= l.innerWidth, `${where}: the page scrolls sideways (${l.docScrollWidth} > ${l.innerWidth})`);
  assert.ok(l.bodyScrollWidth <= l.innerWidth, `${where}: the body is wider than the window (${l.bodyScrollWidth})`);
  assert.equal(l.scrollX, 0, `${where}: the page is scrolled sideways`);
  assert.ok(
    l.scrollY === 0 && l.docScrollHeight <= l.innerHeight + 1,
    `${where}: the page itself scrolls up and down (scrollY ${l.scrollY}, height ${l.docScrollHeight} in ${l.innerHeight}): ${JSON.stringify(l.below)}`,
  );
  assert.ok(
    l.listScroll.scrollWidth <= l.listScroll.clientWidth + 1,
    `${where}: the list scrolls sideways: ${JSON.stringify(l.listScroll)}`,
  );
  // The screen fits its frame (which clips, unscrollable by the owner): had
  // it grown, focusing or scrolling a row into view would push the header
  // and the filters out of sight with no way back.
  assert.ok(
    l.main.scrollTop === 0 && l.main.scrollHeight <= l.main.clientHeight + 1,
    `${where}: the Inbox screen outgrew its frame or was scrolled inside it: ${JSON.stringify(l.main)}`,
  );
  for (const n of l.navReachable) assert.ok(n.ok, `${where}: ${n.id} is covered by something`);
}

// One pass over the rendered rows of the (virtualised) Inbox list. Unless the
// rows drawn cover the visible part of the list (the list re-renders a frame
// or more after a scroll), it returns { stale: true } and does nothing.
// Otherwise it checks the structure of every rendered row, returns the
// content of rows not seen yet, and scrolls so that the last row in view
// comes to the top: every row is in view at some pass.
const SCAN = `
  const seen = new Set(arguments[0]);
  const list = document.querySelector('[data-testid="mention-list"]');
  if (!list) return { missing: true };
  const vp = list.querySelector('.viewport');
  const vr = vp.getBoundingClientRect();
  const all = Array.from(list.querySelectorAll('[data-testid="mention-row"]'));
  if (all.length === 0) return { stale: true };
  const firstRow = all[0], lastRow = all[all.length - 1];
  const topCovered = firstRow.getBoundingClientRect().top <= vr.top + 1 || firstRow.getAttribute('aria-posinset') === '1';
  const bottomCovered = lastRow.getBoundingClientRect().bottom >= vr.bottom - 1 ||
    lastRow.getAttribute('aria-posinset') === lastRow.getAttribute('aria-setsize');
  if (!topCovered || !bottomCovered) return { stale: true };
  const onlyText = (el) => Array.from(el.childNodes).every((n) => n.nodeType === 3 || n.nodeType === 8);
  const textAndMarks = (el) => Array.from(el.childNodes).every((n) =>
    n.nodeType === 3 || n.nodeType === 8 || (n.nodeType === 1 && n.tagName === 'MARK' && onlyText(n)));
  const lr = list.getBoundingClientRect();
  const problems = [];
  const rows = [];
  for (const row of list.querySelectorAll('[data-testid="mention-row"]')) {
    const id = row.getAttribute('data-id');
    const text = row.querySelector('[data-testid="mention-text"]');
    const name = row.querySelector('[data-testid="mention-name"]');
    const handle = row.querySelector('[data-testid="mention-handle"]');
    if (!textAndMarks(text)) problems.push({ id, what: 'mention-text holds more than text and <mark>', html: text.innerHTML.slice(0, 300) });
    if (!onlyText(name)) problems.push({ id, what: 'mention-name holds more than text', html: name.innerHTML.slice(0, 300) });
    if (handle && !onlyText(handle)) problems.push({ id, what: 'mention-handle holds more than text', html: handle.innerHTML.slice(0, 300) });
    const r = row.getBoundingClientRect();
    if (r.left < lr.left - 1 || r.right > lr.right + 1) problems.push({ id, what: 'row sticks out of the list', rect: [r.left, r.right, lr.left, lr.right] });
    if (r.height > 450) problems.push({ id, what: 'row is ' + Math.round(r.height) + 'px tall (the text should be clamped)' });
    if (seen.has(id)) continue;
    rows.push({
      id,
      position: Number(row.getAttribute('aria-posinset')),
      text: text.textContent,
      inner: text.innerText,
      name: name.textContent,
      nameInner: name.innerText,
      handle: handle ? handle.textContent : null,
      link: !!row.querySelector('[data-testid="row-open-original"]'),
      showMore: Array.from(row.querySelectorAll('button')).some((b) => b.textContent.trim() === 'Show more'),
      marks: Array.from(text.querySelectorAll('mark')).map((m) => m.textContent),
    });
  }
  if (document.documentElement.scrollWidth > innerWidth) problems.push({ what: 'the page scrolls sideways', width: document.documentElement.scrollWidth });
  const atEnd = vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 2;
  if (!atEnd) {
    const inView = all.filter((r) => { const b = r.getBoundingClientRect(); return b.bottom > vr.top && b.top < vr.bottom; });
    const last = inView[inView.length - 1];
    const by = last ? last.getBoundingClientRect().top - vr.top : 0;
    vp.scrollTop += by > 40 ? by : Math.max(100, vp.clientHeight * 0.8);
  }
  return { rows, problems, atEnd };
`;

/**
 * Scroll through the whole list from the top, checking the layout at every
 * stop; returns every row's content (by data-id). `shots` maps a case id to
 * a screenshot to take when its row is first seen.
 */
async function scanList(expected, where, shots = {}) {
  const expectCount = expected.length;
  await S.execute(`const vp = document.querySelector('[data-testid="mention-list"] .viewport'); vp.scrollTop = 0;`);
  await sleep(300);
  const rows = new Map();
  let idle = 0;
  for (let pass = 0; pass < 1_000; pass++) {
    const r = await S.execute(SCAN, [...rows.keys()]);
    assert.ok(!r.missing, `${where}: the Inbox list is not there`);
    if (r.stale) {
      await sleep(100);
      continue;
    }
    assert.deepEqual(r.problems, [], `${where}: rows are not plain text or not in place`);
    for (const row of r.rows) rows.set(row.id, row);
    if (r.rows.length > 0) assertLayout(await layout(), `${where}, at rows ${r.rows[0].position}…`);
    for (const row of r.rows) {
      const c = byKey.get(row.handle ?? row.name);
      if (c && shots[c.id]) {
        await settle();
        await S.screenshot(join(SCREENS, shots[c.id]));
        delete shots[c.id];
      }
    }
    if (rows.size >= expectCount && r.atEnd) break;
    idle = r.atEnd && r.rows.length === 0 ? idle + 1 : 0;
    if (idle > 20) break; // at the end and nothing more comes
    await sleep(r.atEnd ? 250 : 120);
  }
  if (rows.size !== expectCount) {
    const keys = new Set([...rows.values()].map((r) => r.handle ?? r.name));
    const missing = expected.filter((c) => !keys.has(c.key)).map((c) => c.id);
    assert.fail(`${where}: ${rows.size} of ${expectCount} rows seen while scrolling the whole list; not seen: ${missing.join(' ')}`);
  }
  const positions = [...rows.values()].map((r) => r.position).sort((a, b) => a - b);
  assert.deepEqual(positions, expected.map((_, i) => i + 1), `${where}: every position in the list was seen once`);
  return [...rows.values()];
}

/** The case a row shows, by its handle (or its name when no handle shows). */
function caseOf(row, where) {
  const key = row.handle ?? row.name;
  const c = byKey.get(key);
  assert.ok(c, `${where}: a row no payload explains: ${short(key)}`);
  return c;
}

function assertRowShows(row, c, where) {
  const what = `${where}, ${c.id} (${c.kind})`;
  assert.equal(row.text, c.text, `${what}: the text is not the literal payload: ${short(row.text)} vs ${short(c.text)}`);
  assert.equal(norm(row.inner), norm(c.text), `${what}: the text as laid out differs: ${short(row.inner)}`);
  assert.equal(row.name, c.author, `${what}: the author is not the literal name: ${short(row.name)}`);
  assert.equal(norm(row.nameInner), norm(c.author), `${what}: the author as laid out differs: ${short(row.nameInner)}`);
  assert.equal(row.handle, c.handleShown, `${what}: the handle`);
}

/** Run sqlite3 on the app's database (the app keeps running; WAL mode). */
function sqlite(sql) {
  const db = join(app.dataDir, 'hearken.sqlite3');
  const r = spawnSync('sqlite3', ['-bail', db], { input: `.timeout 10000\n${sql}\n`, encoding: 'utf8' });
  if (r.error) throw new Error(`could not run sqlite3 (apt-get install sqlite3): ${r.error.message}`);
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout;
}

const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
const sqlText = (s) => `CAST(X'${hex(s)}' AS TEXT)`;

/** Search the Inbox for `words` (typed, as the owner would) and wait for `count` matches. */
async function search(words, count) {
  const input = await S.waitFor(tid('inbox-search'), { timeout: SHORT });
  await input.click();
  await input.sendKeys('\uE009a\uE000\uE003'); // Ctrl+A, Backspace: empty the box
  if (words) await input.sendKeys(words);
  await input.sendKeys('\uE007'); // Enter: search now
  await waitUntil(async () => (await inboxTotal()) === count && (await S.findAll(tid('mention-row'))).length > 0, {
    timeout: SHORT,
    message: `${count} mentions matching ${JSON.stringify(words)}`,
  });
  await S.execute(`document.activeElement && document.activeElement.blur();`);
}

/**
 * Open the first row's detail, then walk down the list with the j key (the
 * pane follows the active row), checking the pane for every mention.
 */
async function walkDetails(expected, where, check) {
  await S.execute(`const vp = document.querySelector('[data-testid="mention-list"] .viewport'); vp.scrollTop = 0;`);
  await sleep(300);
  const first = await waitUntil(() => S.execute(`return document.querySelector('[data-testid="mention-row"][aria-posinset="1"]');`), {
    timeout: SHORT,
    message: `${where}: the first row`,
  });
  await (await first.find(tid('row-details'))).click();
  const seen = new Set();
  let previous = null;
  for (let i = 0; i < expected.length; i++) {
    if (i > 0) await press('j');
    const d = await waitUntil(
      async () => {
        const v = await S.execute(`
          const open = document.querySelector('[data-testid="mention-row"][aria-current="true"]');
          const pane = document.querySelector('[data-testid="mention-detail"]');
          if (!open || !pane) return null;
          const onlyText = (el) => Array.from(el.childNodes).every((n) => n.nodeType === 3 || n.nodeType === 8);
          const textAndMarks = (el) => Array.from(el.childNodes).every((n) =>
            n.nodeType === 3 || n.nodeType === 8 || (n.nodeType === 1 && n.tagName === 'MARK' && onlyText(n)));
          const q = (t) => pane.querySelector('[data-testid="' + t + '"]');
          const text = q('detail-text'), author = q('detail-author'), handle = q('detail-handle');
          const rowHandle = open.querySelector('[data-testid="mention-handle"]');
          return {
            id: open.getAttribute('data-id'),
            rowKey: rowHandle ? rowHandle.textContent : open.querySelector('[data-testid="mention-name"]').textContent,
            text: text.textContent, inner: text.innerText,
            author: author.textContent, authorInner: author.innerText,
            handle: handle ? handle.textContent : null,
            structure: textAndMarks(text) && onlyText(author) && (!handle || onlyText(handle)),
            openOriginal: !!q('open-original'),
            linkHost: q('link-host') ? q('link-host').textContent : null,
            noSafeLink: q('no-safe-link') ? q('no-safe-link').textContent : null,
            marks: Array.from(text.querySelectorAll('mark')).map((m) => m.textContent),
          };`);
        return v && v.id !== previous ? v : null;
      },
      { timeout: SHORT, interval: 100, message: `${where}: the detail pane to move to the next mention (${i + 1} of ${expected.length})` },
    );
    previous = d.id;
    const c = byKey.get(d.rowKey);
    assert.ok(c, `${where}: the open row is no payload's: ${short(d.rowKey)}`);
    assert.ok(expected.includes(c), `${where}: ${c.id} should not be in this list`);
    assert.ok(!seen.has(c.key), `${where}: ${c.id} opened twice`);
    seen.add(c.key);
    const what = `${where}, ${c.id} (${c.kind})`;
    assert.ok(d.structure, `${what}: the detail pane holds markup from the payload`);
    assert.equal(d.text, c.text, `${what}: the detail text is not the literal payload: ${short(d.text)}`);
    assert.equal(norm(d.inner), norm(c.text), `${what}: the detail text as laid out differs: ${short(d.inner)}`);
    assert.equal(d.author, c.author, `${what}: the detail author is not the literal name: ${short(d.author)}`);
    assert.equal(norm(d.authorInner), norm(c.author), `${what}: the detail author as laid out differs`);
    assert.equal(d.handle, c.handleShown, `${what}: the detail handle`);
    await check?.(d, c, what);
    if (i % 20 === 19) assertLayout(await layout(), `${what}, in the detail pane`);
  }
  assert.equal(seen.size, expected.length, `${where}: every mention was opened`);
  await press('\uE00C'); // Escape
}

// ---- The test ----------------------------------------------------------------

describe('Untrusted text from strangers, end to end', () => {
  before(async () => {
    canary = await startCanary();
    const { posts, users, statuses } = buildCases(canary.url);
    fakeX = await startFakeX({ token: TOKEN, userId: X_USER_ID, posts, users });
    masto = await startFakeMastodon({ tag: TAG, statuses });
    opener.dir = mkdtempSync(join(tmpdir(), 'hearken-launchers-'));
    opener.log = join(opener.dir, 'opened');
    mkdirSync(opener.log);
    // Every launcher the opener may run: keep the URL (the last argument),
    // byte for byte, in a file of its own named by the time (so calls at the
    // same moment cannot mix, and a URL holding a newline stays one entry);
    // open nothing.
    for (const launcher of ['xdg-open', 'gio', 'gnome-open', 'kde-open6', 'kde-open5', 'kde-open']) {
      const script = join(opener.dir, launcher);
      writeFileSync(
        script,
        `#!/bin/sh\nfor a; do url=$a; done\nprintf '%s' "$url" > '${opener.log}'/"$(date +%s%N)-$$"\n`,
      );
      chmodSync(script, 0o755);
    }
    app = await startApp({
      name: 'hostile',
      env: { PATH: `${opener.dir}:${process.env.PATH}` },
      // A watch for the hashtag, with its whole legitimate-interests note:
      // without one, hashtag results are not listened to at all.
      prepare: (dataDir) => {
        const r = spawnSync(appBinary(), [
          '--data-dir', dataDir, 'watch', 'add', '--name', 'Test tag', '--term', `#${TAG}`,
          '--purpose', 'To see what people post under the test hashtag.',
          '--legitimate-interests', 'Testing how strangers\' text is shown.',
          '--necessity', 'The payloads only reach the app this way.',
          '--balance', 'Made-up accounts on a server on this machine.',
        ], { encoding: 'utf8' });
        assert.equal(r.status, 0, `watch add: ${r.stderr}`);
      },
    });
    S = app.session;
  });

  after(async () => {
    await app?.stop();
    await Promise.all([canary?.close(), fakeX?.close(), masto?.close()]);
    if (opener.dir) rmSync(opener.dir, { recursive: true, force: true });
    rmSync(`/tmp/${MARKER}`, { force: true });
  });

  it('the corpus holds at least 100 payloads', () => {
    const counts = Object.fromEntries(['text', 'name', 'url'].map((k) => [k, cases.filter((c) => c.kind === k).length]));
    assert.ok(counts.text + counts.name + counts.url >= 100, JSON.stringify(counts));
  });

  it('before anything hostile shows: hooks are installed and the way links reach the browser is proven', STEP, () =>
    step('hooks and opener channel', async () => {
      await S.waitFor(tid('screen-inbox'), { timeout: LONG });
      await S.waitFor(tid('inbox-empty'), { timeout: SHORT });
      assert.equal(await S.execute(HOOKS, SENTINEL), 'installed');
      baseline = await S.execute(`return { title: document.title, href: location.href };`);
      assert.equal(baseline.title, 'Hearken');
      // "xdg-open", run with the app's own environment, is the logging stand-in.
      const probe = `https://sentinel.example/${MARKER}`;
      const r = spawnSync('xdg-open', [probe], { env: app.env, encoding: 'utf8', timeout: 20_000 });
      assert.ok(!r.error, `the xdg-open stand-in could not run: ${r.error?.message}`);
      assert.deepEqual(openerLog(), [probe], `the xdg-open stand-in did not log the link: ${r.stdout}${r.stderr}`);
      clearOpenerLog();
      state.hooked = true;
    }));

  it('an X source and a Mastodon source are added on the Sources screen', STEP, (t) => {
    if (!state.hooked) return t.skip('no hooks');
    return step('add sources', async () => {
      await openScreen('sources');
      // X: the business's user id, so its mention timeline is read (no watch needed).
      await (await S.waitFor(tid('source-platform'), { timeout: SHORT })).selectOption('x');
      await (await S.waitFor(tid('source-label'), { timeout: SHORT })).fill('X mentions');
      await (await S.waitFor(tid('source-secret'), { timeout: SHORT })).fill(TOKEN);
      await (await S.waitFor(tid('source-field-monthly_cap_usd'), { timeout: SHORT })).fill('5');
      await (await S.waitFor(tid('source-field-user_id'), { timeout: SHORT })).fill(X_USER_ID);
      await S.click(tid('source-advanced'));
      await (await S.waitFor(tid('source-api-url'), { timeout: SHORT })).fill(fakeX.url);
      await S.click(tid('source-submit'));
      await waitUntil(() => sourceRow('X mentions'), { timeout: LONG, message: 'the X source row' });
      // Mastodon: the instance address and a hashtag (no token).
      await (await S.waitFor(tid('source-platform'), { timeout: SHORT })).selectOption('mastodon');
      await (await S.waitFor(tid('source-label'), { timeout: SHORT })).fill('Mastodon tag');
      await (await S.waitFor(tid('source-url'), { timeout: SHORT })).fill(masto.url);
      await (await S.waitFor(tid('source-field-hashtags'), { timeout: SHORT })).fill(`#${TAG}`);
      await S.click(tid('source-submit'));
      await waitUntil(() => sourceRow('Mastodon tag'), { timeout: LONG, message: 'the Mastodon source row' });
      state.sources = true;
    });
  });

  it('"Check now" brings every payload into the Inbox', STEP, (t) => {
    if (!state.sources) return t.skip('no sources');
    return step('check now', async () => {
      await openScreen('inbox');
      await S.click(tid('check-now'));
      await waitUntil(async () => (await inboxTotal()) === cases.length, {
        timeout: LONG,
        message: `the Inbox to hold all ${cases.length} mentions`,
      });
      assert.ok(fakeX.requests.some((r) => r.ok && r.returned > 0), 'the app read the fake X');
      assert.ok(masto.requests.length > 0, 'the app read the fake Mastodon');
      // Stored and listed: the later steps can look, whatever the check below finds.
      state.ingested = true;
      await settle();
      await S.screenshot(join(SCREENS, 'hostile-inbox-top.png'));
      await assertNothingRan('after the payloads arrived');
    });
  });

  it('every text and name shows literally in the list, and the layout holds', STEP, (t) => {
    if (!state.ingested) return t.skip('nothing ingested');
    return step('list', async () => {
      assertLayout(await layout(), 'the Inbox at the top');
      const rows = await scanList(cases, 'the list', {
        t69: 'hostile-inbox-long-texts.png',
        n19: 'hostile-inbox-long-names.png',
      });
      for (const row of rows) {
        const c = caseOf(row, 'the list');
        assertRowShows(row, c, 'the list');
        // X posts link to https://x.com/…: the guard does not refuse everything.
        if (c.platform === 'x') assert.ok(row.link, `${c.id}: its https link can be opened from the row`);
        // The row's size, measured once laid out, says a long text is cut off.
        if (c.text.length > 10_000) assert.ok(row.showMore, `${c.id}: a clamped long text offers "Show more"`);
      }
      assert.ok(
        rows.some((row) => caseOf(row, 'the list').text.length > 10_000),
        'the list has a long text to clamp',
      );
      assertLayout(await layout(), 'the Inbox scrolled to the end');
      await S.screenshot(join(SCREENS, 'hostile-inbox-end.png'));
      await assertNothingRan('after scrolling through every payload');
    });
  });

  it('every payload shows literally in the detail pane (walked with the j key)', STEP, (t) => {
    if (!state.ingested) return t.skip('nothing ingested');
    return step('detail', async () => {
      let shot = false;
      await walkDetails(cases, 'the detail pane', async (d, c, what) => {
        if (c.platform === 'x') {
          assert.ok(d.openOriginal, `${what}: https://x.com link offered`);
          assert.equal(d.linkHost, 'on x.com', `${what}: the link's host`);
        }
        if (!shot && c.id === 'n19') {
          shot = true;
          assertLayout(await layout(), 'the detail pane with a 100 KB name');
          await settle();
          await S.screenshot(join(SCREENS, 'hostile-detail-100kb-name.png'));
        }
      });
      await assertNothingRan('after opening every payload');
    });
  });

  it('search highlights mark the words and nothing else', STEP, (t) => {
    if (!state.ingested) return t.skip('nothing ingested');
    return step('search', async () => {
      // "pwned" is inside nearly every script payload (top.__pwned).
      const word = /(?<![\p{L}\p{N}\p{M}])pwned/iu;
      const hits = cases.filter((c) => word.test(c.text) || word.test(c.name ?? '') || word.test(c.handle ?? ''));
      assert.ok(hits.length >= 60, `payloads containing "pwned": ${hits.length}`);
      await search('pwned', hits.length);
      const rows = await scanList(hits, 'the search results');
      let marked = 0;
      for (const row of rows) {
        const c = caseOf(row, 'the search results');
        assert.ok(hits.includes(c), `${c.id} does not contain "pwned"`);
        assertRowShows(row, c, 'the search results');
        // The last word of a search may be the start of a word: "pwned" marks "__pwnedLog" too.
        for (const m of row.marks) assert.match(m, /^pwned[\p{L}\p{N}]*$/iu, `${c.id}: a <mark> holds ${short(m)}`);
        if (row.marks.length > 0) marked++;
      }
      assert.ok(marked >= 50, `rows with the word marked: ${marked}`);
      await S.execute(`document.querySelector('[data-testid="mention-list"] .viewport').scrollTop = 0;`);
      await settle();
      await S.screenshot(join(SCREENS, 'hostile-search.png'));
      // The first few results in the detail pane, highlights and all.
      const firstFew = [];
      for (const row of rows.slice(0, 8)) firstFew.push(caseOf(row, 'search'));
      await walkDetailsPrefix(firstFew);
      await assertNothingRan('after the search highlights');
    });
  });

  it('links that are not plain https never open, from the list or the detail pane', STEP, (t) => {
    if (!state.ingested) return t.skip('nothing ingested');
    return step('unsafe links', async () => {
      const links = cases.filter((c) => c.kind === 'url');
      // What the connector stored, then every link exactly as the stranger wrote it.
      const before = new Map(
        sqlite(`SELECT author_handle, hex(url) FROM mentions WHERE platform = 'mastodon';`)
          .trim()
          .split('\n')
          .map((l) => l.split('|'))
          .map(([h, x]) => [h, x ? Buffer.from(x, 'hex').toString('utf8') : null]),
      );
      const verbatim = links.filter((c) => before.get(c.handle) === c.url).map((c) => c.id);
      const changed = links.filter((c) => before.get(c.handle) !== c.url).map((c) => `${c.id}→${before.get(c.handle) === null ? 'none' : 'its https uri'}`);
      t.diagnostic(`stored verbatim by the Mastodon connector: ${verbatim.join(' ')}`);
      t.diagnostic(`dropped or replaced at ingest (then written with sqlite3): ${changed.join(' ')}`);
      sqlite(
        `BEGIN IMMEDIATE;\n${links
          .map((c) => `UPDATE mentions SET url = ${sqlText(c.url)} WHERE platform = 'mastodon' AND author_handle = ${sqlText(c.handle)};`)
          .join('\n')}\nCOMMIT;`,
      );
      const after = sqlite(`SELECT count(*) FROM mentions WHERE platform = 'mastodon' AND url IN (${links.map((c) => sqlText(c.url)).join(',')});`);
      assert.equal(after.trim(), String(links.length), 'every hostile link is stored as written');

      await search('hostile link', links.length);
      const rows = await scanList(links, 'the link rows');
      for (const row of rows) {
        const c = caseOf(row, 'the link rows');
        assert.equal(c.kind, 'url');
        assert.ok(!row.link, `${c.id} ${short(c.url)}: the row offers "Open original"`);
      }
      await walkDetails(links, 'the link details', async (d, c, what) => {
        assert.ok(!d.openOriginal, `${what} ${short(c.url)}: "Open original post" is offered`);
        assert.equal(d.linkHost, null, `${what}: a host is shown for an unsafe link`);
        assert.match(d.noSafeLink ?? '', /not a secure \(https\) one/, `${what}: the pane says why it will not open`);
      });
      await settle();
      await S.screenshot(join(SCREENS, 'hostile-links.png'));
      await assertNothingRan('after showing every unsafe link');

      // Underneath the UI: the opener plugin's own scope (capabilities/main.json,
      // "https://*") asked directly, as a page that had been taken over could.
      // Whatever it lets through must at least start with https://.
      await S.execute(
        `window.__hkProbe = {};
         for (const u of arguments[0]) {
           window.__TAURI_INTERNALS__.invoke('plugin:opener|open_url', { url: u })
             .then(() => { window.__hkProbe[u] = 'opened'; }, (e) => { window.__hkProbe[u] = 'refused: ' + String(e); });
         }`,
        links.map((c) => c.url),
      );
      const probe = await waitUntil(
        async () => {
          const p = await S.execute(`return window.__hkProbe;`);
          return Object.keys(p).length === links.length ? p : null;
        },
        { timeout: SHORT, message: 'the opener plugin to answer every probe' },
      );
      await sleep(2_000);
      const let_through = Object.entries(probe).filter(([, v]) => v === 'opened').map(([u]) => u);
      t.diagnostic(`opener scope let through: ${JSON.stringify(let_through)}`);
      const launched = openerLog();
      t.diagnostic(`handed to the launcher: ${JSON.stringify(launched)}`);
      assert.deepEqual(launched.slice().sort(), let_through.slice().sort(), 'what the plugin said it opened is what reached the launcher');
      for (const u of launched) assert.ok(u.startsWith('https://'), `the opener plugin opened ${short(u)}`);
      assertLayout(await layout(), 'the link details');
      clearOpenerLog();
      state.links = true;
    });
  });

  it('a plain https link opens exactly as written, from the detail pane and from the row', STEP, (t) => {
    if (!state.links) return t.skip('links not checked');
    return step('safe links', async () => {
      const [plain, shell] = cases.filter((c) => c.kind === 'open');
      await search('safe link', 2);
      const rowFor = async (c) =>
        waitUntil(
          async () => {
            for (const row of await S.findAll(tid('mention-row'))) {
              const h = await row.find(tid('mention-handle'));
              if (h && (await h.property('textContent')) === c.handle) return row;
            }
            return null;
          },
          { timeout: SHORT, message: `the row of ${c.id}` },
        );
      // Detail pane: "Open original post".
      await (await (await rowFor(plain)).find(tid('row-details'))).click();
      await waitUntil(async () => (await (await S.find(tid('detail-handle')))?.property('textContent')) === plain.handle, {
        timeout: SHORT,
        message: `the detail pane of ${plain.id}`,
      });
      assert.equal(await (await S.find(tid('link-host'))).text(), 'on reviews.example.org');
      await S.click(tid('open-original'));
      await waitUntil(() => openerLog().length > 0, { timeout: SHORT, message: 'the browser to be handed the link' });
      await sleep(1_000);
      assert.deepEqual(openerLog(), [plain.url], 'the detail pane opened exactly the post link, once');
      // The row's own "Open original", on a link full of shell metacharacters.
      await (await (await rowFor(shell)).find(tid('row-open-original'))).click();
      await waitUntil(() => openerLog().length > 1, { timeout: SHORT, message: 'the browser to be handed the second link' });
      await sleep(1_000);
      await assertNothingRan('after opening two https links', { opened: [plain.url, shell.url] });
      assert.ok(!existsSync(`/tmp/${MARKER}`), 'a shell ran part of the link');
      clearOpenerLog();
    });
  });

  it('after all of it the layout holds and the sidebar still navigates', STEP, (t) => {
    if (!state.ingested) return t.skip('nothing ingested');
    return step('layout', async () => {
      await search('', cases.length);
      await S.execute(`document.querySelector('[data-testid="mention-list"] .viewport').scrollTop = 0;`);
      await settle();
      assertLayout(await layout(), 'the Inbox, top');
      await S.screenshot(join(SCREENS, 'hostile-inbox-again.png'));
      // The detail pane of the 100 KB emoji name.
      const n20 = cases.find((c) => c.id === 'n20');
      await search(n20.handle, 1);
      await (await S.waitFor(tid('row-details'), { timeout: SHORT })).click();
      await S.waitFor(tid('mention-detail'), { timeout: SHORT });
      await settle();
      assertLayout(await layout(), 'the detail pane with a 100 KB emoji name');
      await S.screenshot(join(SCREENS, 'hostile-detail-emoji-name.png'));
      await openScreen('settings');
      await S.waitForGone(tid('screen-inbox'), { timeout: SHORT });
      await openScreen('inbox');
      await S.waitFor(tid('mention-row'), { timeout: SHORT });
      assertLayout(await layout(), 'the Inbox after a visit to Settings');
      await assertNothingRan('at the end');
    });
  });
});

/** The detail pane for the first few search results, highlights and all. */
async function walkDetailsPrefix(expected) {
  await walkDetails(expected, 'the search result details', async (d, c, what) => {
    for (const m of d.marks) assert.match(m, /^pwned[\p{L}\p{N}]*$/iu, `${what}: a <mark> holds ${short(m)}`);
  });
}
