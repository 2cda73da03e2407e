// Start and stop what an end-to-end test file needs: tauri-driver (which
// starts WebKitWebDriver, which starts the app) and a WebDriver session on the
// real app binary with a fresh data folder. Screenshots go to e2e-artifacts/.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, createWriteStream, mkdtempSync, rmSync, mkdirSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, waitForDriver, sleep } from './webdriver.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS = join(ROOT, 'e2e-artifacts');

/** The app binary: $HEARKEN_E2E_APP, else the debug build in CARGO_TARGET_DIR. */
export function appBinary() {
  if (process.env.HEARKEN_E2E_APP) return resolve(process.env.HEARKEN_E2E_APP);
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/hearken/target');
  return join(target, 'debug', 'hearken');
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Turn a test name into a file name. */
export const slug = (s) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/**
 * Start tauri-driver on free ports, wait until it answers, and open a session
 * on the app with a fresh data folder. Returns { session, dataDir, stop() }.
 * `env` adds variables to the app's environment (null removes one).
 * `prepare(dataDir, configDir)` runs before the app starts.
 */
export async function startApp({ name = 'e2e', prepare = null, env: extraEnv = {} } = {}) {
  const app = appBinary();
  if (!existsSync(app)) {
    throw new Error(`the app binary ${app} does not exist: build it with 'cargo build' (scripts/test-all.sh does)`);
  }
  const driverBin = process.env.TAURI_DRIVER || 'tauri-driver';
  const tmp = mkdtempSync(join(tmpdir(), `hearken-${name}-`));
  const dataDir = join(tmp, 'data');
  const home = join(tmp, 'xdg');
  mkdirSync(dataDir, { recursive: true });
  for (const d of ['config', 'cache', 'share']) mkdirSync(join(home, d), { recursive: true });
  // Lets a test lay out the data folder (for example, a damaged database) or
  // the app's config folder (XDG_CONFIG_HOME) first.
  if (prepare) prepare(dataDir, join(home, 'config'));
  mkdirSync(ARTIFACTS, { recursive: true });

  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();

  // The app inherits this environment (tauri-driver → WebKitWebDriver → app):
  // its own config/cache folders, so window state and WebKit caches of a
  // developer's real Hearken are never touched; HEARKEN_DATA_DIR as well as
  // --data-dir, so the data folder is right whichever the app reads.
  const env = {
    ...process.env,
    HEARKEN_DATA_DIR: dataDir,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    RUST_BACKTRACE: '1',
    // Hearken paints without WebKit's accelerated compositing by default (it
    // saves memory), but WebKitWebDriver's screenshots need it: "0" keeps it on.
    WEBKIT_DISABLE_COMPOSITING_MODE: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? '0',
  };
  for (const [key, value] of Object.entries(extraEnv)) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  const logFile = join(ARTIFACTS, `${name}-driver.log`);
  const log = createWriteStream(logFile);
  const driver = spawn(driverBin, ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() can end WebKitWebDriver and the app too
  });
  driver.stdout.pipe(log, { end: false });
  driver.stderr.pipe(log, { end: false });
  let exited = null;
  const exitPromise = new Promise((resolveExit) => {
    driver.once('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit();
    });
    driver.once('error', (err) => {
      exited = { error: err.message };
      resolveExit();
    });
  });

  const base = `http://127.0.0.1:${port}`;
  let session = null;

  const stop = async () => {
    if (session) {
      await session.delete().catch(() => {});
      session = null;
    }
    if (exited === null && driver.pid) {
      for (const signal of ['SIGTERM', 'SIGKILL']) {
        try {
          process.kill(-driver.pid, signal);
        } catch {
          break; // the group is gone
        }
        await Promise.race([exitPromise, sleep(5_000)]);
        await sleep(500);
      }
    }
    log.end();
    // Keep the app's own log (<data dir>/logs/) with the other artifacts.
    try {
      if (existsSync(join(dataDir, 'logs'))) {
        cpSync(join(dataDir, 'logs'), join(ARTIFACTS, `${name}-logs`), { recursive: true });
      }
    } catch {
      // nothing to keep
    }
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await Promise.race([
      waitForDriver(base, { timeout: 30_000 }),
      exitPromise.then(() => {
        throw new Error(`tauri-driver exited early (${JSON.stringify(exited)})`);
      }),
    ]);
    session = await Session.create(
      base,
      {
        alwaysMatch: {
          'tauri:options': { application: app, args: ['--data-dir', dataDir] },
        },
      },
      { timeout: 180_000 },
    );
  } catch (err) {
    await stop();
    let tail = '';
    try {
      tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      // no log
    }
    throw new Error(`could not start the app under tauri-driver: ${err.message}\n--- ${logFile} (tail) ---\n${tail}`);
  }

  // A roomy window, so screenshots show whole screens (ignored if unsupported).
  await session.setWindowRect({ width: 1280, height: 860 }).catch(() => {});

  return {
    session,
    dataDir,
    logFile,
    // The app's own config folder and environment, for tests of what it keeps there.
    configDir: join(home, 'config'),
    env,
    stop,
  };
}
