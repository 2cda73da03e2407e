// A stand-in for the Rust core, built on Tauri's own mockIPC: each test says
// how the commands it cares about answer, and reads back what was sent.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { AppInfo } from '../src/lib/bindings/AppInfo';
import type { Mention } from '../src/lib/bindings/Mention';
import type { MentionPage } from '../src/lib/bindings/MentionPage';
import type { PlatformInfo } from '../src/lib/bindings/PlatformInfo';
import type { Source } from '../src/lib/bindings/Source';

export type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

/** Installs the fake core. Unknown commands answer null. Events are mocked too. */
export function fakeCore(handlers: Record<string, Handler> = {}): { calls: Call[]; called: (cmd: string) => Call[] } {
  const calls: Call[] = [];
  const all: Record<string, Handler> = {
    app_info: () => appInfo(),
    platforms: () => PLATFORMS,
    sources_list: () => [],
    mentions_list: () => page([]),
    ...handlers,
  };
  mockIPC(
    (cmd, args) => {
      const payload = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: payload });
      const handler = all[cmd];
      return handler ? handler(payload) : null;
    },
    { shouldMockEvents: true },
  );
  return { calls, called: (cmd) => calls.filter((c) => c.cmd === cmd) };
}

/** A rejected command, shaped as the core sends it. */
export function refuse(code: string, message: string): () => Promise<never> {
  return () => Promise.reject({ code, message });
}

export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    version: '0.1.0',
    data_dir: '/home/sam/.local/share/hearken',
    database_path: '/home/sam/.local/share/hearken/hearken.sqlite3',
    keyring_available: true,
    keyring_message: null,
    mention_count: 0,
    source_count: 0,
    outreach_count: 0,
    sample_loaded: false,
    settings: { theme: 'system', business_name: 'Corner Bakery' },
    ...overrides,
  };
}

let nextId = 1;

export function mention(overrides: Partial<Mention> = {}): Mention {
  const id = overrides.id ?? nextId++;
  return {
    id,
    source_id: 1,
    platform: 'mastodon',
    external_id: `ext-${id}`,
    url: `https://mastodon.example/@sam/${id}`,
    author_handle: '@sam@mastodon.example',
    author_name: 'Sam Baker',
    text: `Mention number ${id}`,
    language: 'en',
    created_at: new Date(Date.now() - id * 60_000).toISOString(),
    fetched_at: new Date().toISOString(),
    sentiment: 0,
    complaint: 0,
    label: null,
    status: 'new',
    ...overrides,
  };
}

export function page(mentions: Mention[], next: MentionPage['next'] = null, total = mentions.length): MentionPage {
  return { mentions, next, total };
}

export function source(overrides: Partial<Source> = {}): Source {
  return {
    id: 1,
    platform: 'rss',
    label: 'Shop blog comments',
    base_url: 'https://example.org/feed.xml',
    settings: {},
    credential: 'not_needed',
    enabled: true,
    sample: false,
    interval_secs: 900,
    last_ok_at: null,
    last_checked_at: null,
    last_error: null,
    error_count: 0,
    next_check_at: null,
    mention_count: 0,
    ...overrides,
  };
}

export const PLATFORMS: PlatformInfo[] = [
  {
    platform: 'rss',
    name: 'RSS / Atom feed',
    available: true,
    needs_url: true,
    url_label: 'Feed address',
    needs_secret: false,
    secret_label: null,
    how_to: 'Paste the address of the feed.',
  },
  {
    platform: 'mastodon',
    name: 'Mastodon',
    available: true,
    needs_url: true,
    url_label: 'Server address',
    needs_secret: true,
    secret_label: 'Access token',
    how_to: 'In Mastodon, open Preferences → Development → New application, then copy the access token.',
  },
  {
    platform: 'yelp',
    name: 'Yelp',
    available: false,
    needs_url: false,
    url_label: null,
    needs_secret: true,
    secret_label: 'API key',
    how_to: 'Coming in a later version.',
  },
];
