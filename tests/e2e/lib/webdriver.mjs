// A tiny W3C WebDriver client over fetch (Node 20+), just enough for the
// end-to-end tests: sessions, finding elements by CSS, clicks, typing, text,
// attributes and properties, <select> options, synchronous scripts, screenshots,
// and polling waits. No dependencies.

import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CSS selector for a data-testid. */
export const tid = (id) => `[data-testid="${id}"]`;

export class WebDriverError extends Error {
  constructor(error, message, method, path) {
    super(`${method} ${path}: ${error}: ${message}`);
    this.name = 'WebDriverError';
    this.error = error;
  }
}

/** Errors that mean "not there (yet)": worth retrying while polling. */
const TRANSIENT = new Set([
  'no such element',
  'stale element reference',
  'element not interactable',
  'element click intercepted',
  'invalid element state',
]);

export const isTransient = (err) => err instanceof WebDriverError && TRANSIENT.has(err.error);

async function request(base, method, path, body, timeoutMs = 60_000) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WebDriverError('invalid response', `HTTP ${res.status}: ${text.slice(0, 300)}`, method, path);
  }
  const value = json.value;
  if (!res.ok || (value && typeof value === 'object' && 'error' in value)) {
    throw new WebDriverError(value?.error ?? `HTTP ${res.status}`, value?.message ?? text.slice(0, 300), method, path);
  }
  return value;
}

/**
 * Poll `fn` until it returns a truthy value, or throw after `timeout` ms.
 * Transient WebDriver errors count as "not yet"; others are thrown at once.
 */
export async function waitUntil(fn, { timeout = 30_000, interval = 250, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      if (!isTransient(err)) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${why}`);
    }
    await sleep(interval);
  }
}

export class Element {
  constructor(session, id, label = 'element') {
    this.session = session;
    this.id = id;
    this.label = label;
  }

  #path(suffix = '') {
    return `/element/${this.id}${suffix}`;
  }

  /**
   * Scroll the element to the middle of its scrolling area, then click it.
   * (WebKitWebDriver refuses, as "not interactable", an element whose centre
   * is outside the window, e.g. a form's button below a long list.)
   */
  async click() {
    await this.session
      .execute(`arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });`, this)
      .catch(() => {});
    return this.session.cmd('POST', this.#path('/click'), {});
  }

  clear() {
    return this.session.cmd('POST', this.#path('/clear'), {});
  }

  sendKeys(text) {
    return this.session.cmd('POST', this.#path('/value'), { text: String(text) });
  }

  text() {
    return this.session.cmd('GET', this.#path('/text'));
  }

  attribute(name) {
    return this.session.cmd('GET', this.#path(`/attribute/${encodeURIComponent(name)}`));
  }

  property(name) {
    return this.session.cmd('GET', this.#path(`/property/${encodeURIComponent(name)}`));
  }

  displayed() {
    return this.session.cmd('GET', this.#path('/displayed'));
  }

  async find(css) {
    try {
      const ref = await this.session.cmd('POST', this.#path('/element'), { using: 'css selector', value: css });
      return new Element(this.session, ref[ELEMENT_KEY], css);
    } catch (err) {
      if (err instanceof WebDriverError && err.error === 'no such element') return null;
      throw err;
    }
  }

  async findAll(css) {
    const refs = await this.session.cmd('POST', this.#path('/elements'), { using: 'css selector', value: css });
    return refs.map((ref) => new Element(this.session, ref[ELEMENT_KEY], css));
  }

  /** Type into a text field, replacing what was there. */
  async fill(text) {
    await this.clear();
    await this.sendKeys(text);
  }

  /**
   * Choose an option of this <select> by clicking the <option> with that
   * value, then check that the select took it.
   */
  async selectOption(value) {
    const option = await this.find(`option[value="${value}"]`);
    if (!option) throw new Error(`${this.label} has no <option value="${value}">`);
    await option.click();
    await waitUntil(async () => (await this.property('value')) === value, {
      timeout: 5_000,
      message: `${this.label} to have value "${value}"`,
    });
  }

  /** W3C JSON form, for passing this element to execute(). */
  toJSON() {
    return { [ELEMENT_KEY]: this.id };
  }
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /**
   * Start a session. The capabilities object is sent as given (the tests send
   * only tauri:options, never browserName).
   */
  static async create(base, capabilities, { timeout = 180_000 } = {}) {
    const value = await request(base, 'POST', '/session', { capabilities }, timeout);
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body, timeout) {
    return request(this.base, method, `/session/${this.id}${path}`, body, timeout);
  }

  async delete() {
    await request(this.base, 'DELETE', `/session/${this.id}`, undefined, 30_000);
  }

  title() {
    return this.cmd('GET', '/title');
  }

  source() {
    return this.cmd('GET', '/source');
  }

  setWindowRect(rect) {
    return this.cmd('POST', '/window/rect', rect);
  }

  /** Run a synchronous script in the page; element references come back as Elements. */
  async execute(script, ...args) {
    const value = await this.cmd('POST', '/execute/sync', { script, args });
    return this.#revive(value);
  }

  #revive(value) {
    if (Array.isArray(value)) return value.map((v) => this.#revive(v));
    if (value && typeof value === 'object') {
      if (ELEMENT_KEY in value) return new Element(this, value[ELEMENT_KEY], 'element from script');
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.#revive(v)]));
    }
    return value;
  }

  async find(css) {
    try {
      const ref = await this.cmd('POST', '/element', { using: 'css selector', value: css });
      return new Element(this, ref[ELEMENT_KEY], css);
    } catch (err) {
      if (err instanceof WebDriverError && err.error === 'no such element') return null;
      throw err;
    }
  }

  async findAll(css) {
    const refs = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return refs.map((ref) => new Element(this, ref[ELEMENT_KEY], css));
  }

  /** Wait until `css` matches an element (by default: a visible one) and return it. */
  waitFor(css, { timeout = 30_000, visible = true } = {}) {
    return waitUntil(
      async () => {
        for (const el of await this.findAll(css)) {
          if (!visible || (await el.displayed())) return el;
        }
        return null;
      },
      { timeout, message: `${visible ? 'a visible ' : ''}${css}` },
    );
  }

  /** Wait until no visible element matches `css`. */
  waitForGone(css, { timeout = 30_000 } = {}) {
    return waitUntil(
      async () => {
        for (const el of await this.findAll(css)) {
          if (await el.displayed()) return false;
        }
        return true;
      },
      { timeout, message: `${css} to disappear` },
    );
  }

  /** Click `css` once it is there and clickable (retrying while covered or re-rendered). */
  async click(css, { timeout = 30_000 } = {}) {
    const deadline = Date.now() + timeout;
    await waitUntil(
      async () => {
        const el = await this.waitFor(css, { timeout: Math.max(1_000, deadline - Date.now()) });
        await el.click();
        return true;
      },
      { timeout, message: `${css} to be clickable` },
    );
  }

  /** Save a PNG screenshot of the window to `file`. */
  async screenshot(file) {
    const base64 = await this.cmd('GET', '/screenshot', undefined, 60_000);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, Buffer.from(base64, 'base64'));
    return file;
  }
}

/** GET /status until the driver says it is ready. */
export async function waitForDriver(base, { timeout = 30_000 } = {}) {
  return waitUntil(
    async () => {
      try {
        const value = await request(base, 'GET', '/status', undefined, 2_000);
        return value?.ready !== false;
      } catch {
        return false;
      }
    },
    { timeout, interval: 200, message: `the WebDriver server at ${base}` },
  );
}
