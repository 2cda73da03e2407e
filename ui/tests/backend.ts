// A stand-in for the Rust core, built on Tauri's own mockIPC: each test says
// how the commands it cares about answer, and reads back what was sent.
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { localOffsetMinutes } from '../src/lib/time';
import type { AppInfo } from '../src/lib/bindings/AppInfo';
import type { Dashboard } from '../src/lib/bindings/Dashboard';
import type { DashboardBucket } from '../src/lib/bindings/DashboardBucket';
import type { Goal } from '../src/lib/bindings/Goal';
import type { Guide } from '../src/lib/bindings/Guide';
import type { GuideSession } from '../src/lib/bindings/GuideSession';
import type { GuideStep } from '../src/lib/bindings/GuideStep';
import type { GuideWithHidden } from '../src/lib/bindings/GuideWithHidden';
import type { Handout } from '../src/lib/bindings/Handout';
import type { HandoutStep } from '../src/lib/bindings/HandoutStep';
import type { InboxCounts } from '../src/lib/bindings/InboxCounts';
import type { InboxQuery } from '../src/lib/bindings/InboxQuery';
import type { Label } from '../src/lib/bindings/Label';
import type { LabelCorrection } from '../src/lib/bindings/LabelCorrection';
import type { Mention } from '../src/lib/bindings/Mention';
import type { MentionCursor } from '../src/lib/bindings/MentionCursor';
import type { MentionDetail } from '../src/lib/bindings/MentionDetail';
import type { MentionPage } from '../src/lib/bindings/MentionPage';
import type { MentionStatus } from '../src/lib/bindings/MentionStatus';
import type { DncEntry } from '../src/lib/bindings/DncEntry';
import type { Outreach } from '../src/lib/bindings/Outreach';
import type { Span } from '../src/lib/bindings/Span';
import type { WatchRef } from '../src/lib/bindings/WatchRef';
import type { NewWatch } from '../src/lib/bindings/NewWatch';
import type { PlatformInfo } from '../src/lib/bindings/PlatformInfo';
import type { Source } from '../src/lib/bindings/Source';
import type { StepStatus } from '../src/lib/bindings/StepStatus';
import type { Watch } from '../src/lib/bindings/Watch';

export type Call = { cmd: string; args: Record<string, unknown> };
export type Handler = (args: Record<string, unknown>) => unknown;

/** Installs the fake core. Unknown commands answer null. Events are mocked too. */
export function fakeCore(handlers: Record<string, Handler> = {}): { calls: Call[]; called: (cmd: string) => Call[] } {
  const calls: Call[] = [];
  const all: Record<string, Handler> = {
    app_info: () => appInfo(),
    platforms: () => PLATFORMS,
    sources_list: () => [],
    mentions_query: () => page([]),
    inbox_counts: () => counts(),
    guide_list: () => new FakeGuides().list(),
    watches_list: () => [],
    polling_status: () => ({ online: true, last_cycle_at: null, message: null }),
    dashboard: () => dashboardData(),
    outreach_query: () => ({ items: [], total: 0, due: 0 }),
    templates_list: () => [],
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
    ui_font: null,
    settings: { theme: 'system', business_name: 'Corner Bakery', business_contact: '01234 567890', notify_complaints: true, notify_negative: true, notify_new_mentions: false, tray_unread: true, notify_follow_ups: true },
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
    model_label: null,
    corrected: false,
    concern: null,
    reasons: [],
    status: 'new',
    seen: false,
    highlights: [],
    do_not_contact: false,
    ...overrides,
  };
}

export function page(mentions: Mention[], next: MentionPage['next'] = null, total = mentions.length): MentionPage {
  return { mentions, next, total, total_capped: false };
}

export function counts(overrides: Partial<InboxCounts> = {}): InboxCounts {
  return { unread: 0, unread_unhappy: 0, needs_reply: 0, open_complaints: 0, ...overrides };
}

/** The query the Inbox sends when nothing is filtered. */
export const NO_FILTERS: InboxQuery = {
  search: '',
  platforms: [],
  labels: [],
  statuses: [],
  watch_id: null,
  from: null,
  to: null,
  sort: 'newest',
  // The machine's own time zone, as the Inbox sends it.
  utc_offset_minutes: localOffsetMinutes(),
};

/**
 * The Inbox part of the core, in memory: filters, search with highlights,
 * both orders with keyset cursors, status, labels and the seen mark, and the
 * `inbox-changed` event after each change, as the core does.
 */
export class FakeInbox {
  mentions: Mention[];
  watchesOf = new Map<number, WatchRef[]>();
  corrections = new Map<number, LabelCorrection[]>();
  sourceLabel: string | null = 'Shop blog comments';
  /** The core stops counting here and says so (`total_capped`). */
  cap = 10_000;
  /** The outreach part of the core, when a test installs one (FakeOutreach). */
  outreachOf: ((m: Mention) => { outreach: Outreach[]; dnc: DncEntry | null }) | null = null;

  constructor(mentions: Mention[] = []) {
    this.mentions = mentions;
  }

  handlers(): Record<string, Handler> {
    return {
      mentions_query: (a) => this.query(a.query as InboxQuery, a.before as MentionCursor | null, a.limit as number),
      mention_detail: (a) => this.detail(a.id as number),
      mentions_set_status: (a) => this.change(a.ids as number[], (m) => ({ ...m, status: a.status as MentionStatus })),
      mentions_mark_seen: (a) => this.change(a.ids as number[], (m) => ({ ...m, seen: true })),
      mention_correct_label: (a) => {
        const m = this.find(a.id as number);
        const label = a.label as Label;
        const list = this.corrections.get(m.id) ?? [];
        this.corrections.set(m.id, [...list, { from: m.label, to: label, at: '2026-03-03T14:05:00Z' }]);
        this.change([m.id], (x) => ({ ...x, label, corrected: true, model_label: x.model_label ?? x.label }));
        return this.detail(m.id);
      },
      inbox_counts: () =>
        counts({
          unread: this.mentions.filter((m) => !m.seen).length,
          unread_unhappy: this.mentions.filter((m) => !m.seen && (m.label === 'complaint' || m.label === 'negative')).length,
          needs_reply: this.mentions.filter((m) => m.status === 'needs_reply').length,
        }),
    };
  }

  find(id: number): Mention {
    const m = this.mentions.find((x) => x.id === id);
    if (!m) throw { code: 'not_found', message: 'That mention was not found. It may have been deleted.' };
    return m;
  }

  detail(id: number): MentionDetail {
    const m = this.find(id);
    const extra = this.outreachOf?.(m) ?? { outreach: [], dnc: null };
    return {
      mention: { ...m, highlights: [], do_not_contact: extra.dnc !== null || m.do_not_contact },
      watches: this.watchesOf.get(id) ?? [],
      corrections: this.corrections.get(id) ?? [],
      source_label: this.sourceLabel,
      outreach: extra.outreach,
      do_not_contact: extra.dnc,
    };
  }

  private change(ids: number[], how: (m: Mention) => Mention): number {
    const set = new Set(ids);
    let n = 0;
    this.mentions = this.mentions.map((m) => {
      if (!set.has(m.id)) return m;
      n++;
      return how(m);
    });
    void emit('inbox-changed');
    return n;
  }

  private query(q: InboxQuery, before: MentionCursor | null, limit: number): MentionPage {
    const words = q.search.toLowerCase().split(/\s+/).filter(Boolean);
    const matching = this.mentions
      .filter(
        (m) =>
          (q.platforms.length === 0 || q.platforms.includes(m.platform)) &&
          (q.labels.length === 0 || (m.label !== null && q.labels.includes(m.label))) &&
          (q.statuses.length === 0 || q.statuses.includes(m.status)) &&
          (q.watch_id === null || (this.watchesOf.get(m.id) ?? []).some((w) => w.id === q.watch_id)) &&
          (q.from === null || m.created_at.slice(0, 10) >= q.from) &&
          (q.to === null || m.created_at.slice(0, 10) <= q.to) &&
          words.every((w) => m.text.toLowerCase().includes(w)),
      )
      .map((m) => ({
        ...m,
        highlights: highlightsOf(m.text, words),
        do_not_contact: m.do_not_contact || (this.outreachOf?.(m).dnc ?? null) !== null,
      }))
      .sort((a, b) =>
        q.sort === 'most_unhappy'
          ? (b.concern ?? -1) - (a.concern ?? -1) || b.created_at.localeCompare(a.created_at) || b.id - a.id
          : b.created_at.localeCompare(a.created_at) || b.id - a.id,
      );
    const start = before ? matching.findIndex((m) => m.id === before.id) + 1 : 0;
    const mentions = matching.slice(start, start + limit);
    const last = mentions[mentions.length - 1];
    const more = start + limit < matching.length && last !== undefined;
    return {
      mentions,
      next: more ? { created_at: last.created_at, id: last.id, ...(q.sort === 'most_unhappy' ? { concern: last.concern ?? 0 } : {}) } : null,
      total: Math.min(matching.length, this.cap),
      total_capped: matching.length > this.cap,
    };
  }
}

function highlightsOf(text: string, words: string[]): Span[] {
  const lower = text.toLowerCase();
  const spans: Span[] = [];
  for (const w of words) {
    for (let at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + w.length)) spans.push({ start: at, end: at + w.length });
  }
  return spans.sort((a, b) => a.start - b.start);
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
    usage: null,
    rate_limited_until: null,
    ...overrides,
  };
}

const NO_EXTRAS: Pick<PlatformInfo, 'secret_optional' | 'fields' | 'searches_watches' | 'cost_note'> = {
  secret_optional: false,
  fields: [],
  searches_watches: false,
  cost_note: null,
};

export const PLATFORMS: PlatformInfo[] = [
  {
    ...NO_EXTRAS,
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
    ...NO_EXTRAS,
    platform: 'mastodon',
    name: 'Mastodon',
    available: true,
    needs_url: true,
    url_label: 'Server address',
    needs_secret: true,
    secret_optional: true,
    secret_label: 'Access token',
    how_to: 'In Mastodon, open Preferences → Development → New application, then copy the access token.',
    fields: [
      {
        key: 'hashtag',
        label: 'Hashtag to follow',
        help: 'Without the #. Public hashtags need no access token.',
        required: false,
        placeholder: 'pedalandpine',
        secret: false,
      },
    ],
  },
  {
    ...NO_EXTRAS,
    platform: 'x',
    name: 'X (Twitter)',
    available: true,
    needs_url: false,
    url_label: null,
    needs_secret: true,
    secret_label: 'Bearer token',
    how_to: 'An app bearer token from the X developer portal. X charges per post read; you’ll set a monthly spending cap.',
    fields: [
      {
        key: 'monthly_cap_usd',
        label: 'Monthly spending cap (US$)',
        help: 'Hearken stops reading from X for the rest of the month when this much is spent.',
        required: true,
        placeholder: '5.00',
        secret: false,
      },
    ],
    searches_watches: true,
    cost_note: 'X charges about $0.005 per post read; set a monthly cap below.',
  },
  {
    ...NO_EXTRAS,
    platform: 'reddit',
    name: 'Reddit',
    available: true,
    needs_url: false,
    url_label: null,
    needs_secret: true,
    secret_label: 'App secret',
    how_to: 'Create a “script” app at reddit.com/prefs/apps, then copy its id and secret.',
    fields: [
      { key: 'client_id', label: 'App id', help: 'Under the app’s name on reddit.com/prefs/apps.', required: true, placeholder: null, secret: false },
      { key: 'password', label: 'Account password', help: 'The password of the Reddit account that owns the app.', required: true, placeholder: null, secret: true },
    ],
    searches_watches: true,
    cost_note: 'Free for approved apps, up to 100 requests a minute.',
  },
  {
    ...NO_EXTRAS,
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

let nextWatchId = 1;

export function watch(overrides: Partial<Watch> = {}): Watch {
  const w = {
    id: overrides.id ?? nextWatchId++,
    name: 'Shop name',
    terms: ['Pedal & Pine', '@pedalpine', '#pedalandpine'],
    include_terms: [],
    exclude_terms: [],
    purpose: 'To answer customers’ questions and complaints about the shop.',
    legitimate_interests: 'Looking after our customers.',
    necessity: 'Unhappy customers post instead of emailing us.',
    balance: 'Public posts only, kept 90 days, never for advertising.',
    enabled: true,
    mention_count: 0,
    ...overrides,
  };
  return { ...w, notes_complete: overrides.notes_complete ?? notesComplete(w) };
}

/** As the core decides it: a watch's note is complete when all four parts are written. */
function notesComplete(w: NewWatch): boolean {
  return [w.purpose, w.legitimate_interests, w.necessity, w.balance].every((s) => (s ?? '').trim() !== '');
}

/** The watches part of the core, in memory, with the same checks and words as the core. */
export class FakeWatches {
  watches: Watch[];
  private lastId = 100;

  constructor(watches: Watch[] = []) {
    this.watches = watches;
  }

  handlers(): Record<string, Handler> {
    return {
      watches_list: () => this.watches.map((w) => ({ ...w })),
      watch_add: (a) => {
        const input = this.check(a.input as NewWatch);
        const w = { ...input, id: ++this.lastId, mention_count: 0, notes_complete: notesComplete(input) };
        this.watches = [...this.watches, w];
        return w;
      },
      watch_update: (a) => {
        const old = this.find(a.id as number);
        const input = this.check(a.input as NewWatch, old.id);
        const w = { ...input, id: old.id, mention_count: old.mention_count, notes_complete: notesComplete(input) };
        this.watches = this.watches.map((x) => (x.id === old.id ? w : x));
        return w;
      },
      watch_remove: (a) => {
        this.find(a.id as number);
        this.watches = this.watches.filter((w) => w.id !== a.id);
        return null;
      },
    };
  }

  private find(id: number): Watch {
    const w = this.watches.find((x) => x.id === id);
    if (!w) throw { code: 'not_found', message: 'That watch was not found.' };
    return w;
  }

  private check(input: NewWatch, id?: number): NewWatch {
    const name = input.name.trim();
    if (name === '') throw invalid('Give the watch a short name (up to 80 characters), like "Shop name" or "Our handle".');
    if (this.watches.some((w) => w.id !== id && w.name.toLowerCase() === name.toLowerCase())) {
      throw invalid(`You already have a watch called "${name}". Give this one another name.`);
    }
    if (input.terms.length === 0) {
      throw invalid('Add at least one word to listen for: your shop\'s name, a product, your @handle or a #hashtag.');
    }
    if (input.purpose.trim().length < 10) {
      throw invalid('Say in a sentence why you listen for this, for example "To answer customers\' questions and complaints about the shop". It is kept for your privacy records.');
    }
    return { ...input, name, purpose: input.purpose.trim() };
  }
}

export function guideStep(overrides: Partial<GuideStep> = {}): GuideStep {
  return {
    id: 'facebook-future-posts',
    platform: 'facebook',
    title: 'Choose who sees your future posts',
    where_app: 'Menu (☰) → Settings & privacy → Settings → Audience and visibility → Posts',
    where_web: 'Your profile picture → Settings & privacy → Settings → Privacy → Your activity',
    why: 'Facebook remembers the audience you used last.',
    what_changes: 'New posts go to the audience you pick, such as Friends.',
    strength: 'basic',
    goals: ['lockdown', 'posts'],
    last_checked: '2026-11-30',
    reference: 'https://www.facebook.com/help/336801584336688',
    custom: false,
    ...overrides,
  };
}

function guideOf(platform: string, name: string, steps: GuideStep[], overrides: Partial<Guide> = {}): Guide {
  return {
    platform,
    name,
    summary: `Privacy settings for ${name}.`,
    review_period_days: 180,
    last_reviewed: '2026-11-30',
    may_be_out_of_date: false,
    steps,
    ...overrides,
  };
}

/** Three small guides: enough to pick apps, filter by goal and see an out-of-date one. */
export function sampleGuides(): Guide[] {
  return [
    guideOf('facebook', 'Facebook', [
      guideStep(),
      guideStep({
        id: 'facebook-search-engines',
        title: 'Stop search engines linking to your profile',
        where_app: 'Menu (☰) → Settings & privacy → How people find and contact you',
        where_web: 'Same as the app',
        why: 'Someone who types your name into a search engine may land on your profile.',
        what_changes: 'Search engines are asked to stop showing your profile.',
        goals: ['lockdown', 'findability'],
        reference: null,
      }),
    ]),
    guideOf(
      'youtube_google',
      'YouTube / Google account',
      [
        guideStep({
          id: 'youtube-subscriptions',
          platform: 'youtube_google',
          title: 'Keep your subscriptions private',
          where_app: 'You → Settings → Privacy',
          where_web: 'studio.youtube.com → Settings → Community',
          why: 'Your subscriptions say a lot about you.',
          what_changes: 'Only you see which channels you follow.',
          strength: 'strong',
          goals: ['lockdown', 'findability', 'posts'],
        }),
      ],
      { may_be_out_of_date: true },
    ),
    guideOf('google_maps', 'Google Maps reviews', [
      guideStep({
        id: 'maps-restrict-profile',
        platform: 'google_maps',
        title: 'Restrict your Maps profile',
        where_app: 'Your profile picture → Your profile → Edit profile',
        where_web: 'Not available on the website — use the app',
        why: 'Your reviews together show where you live and shop.',
        what_changes: 'Only people you approve see your reviews on your profile.',
        goals: ['lockdown', 'findability'],
      }),
    ]),
  ];
}

type Walk = { goal: Goal | null; platforms: string[]; stepIds: string[]; progress: Map<string, StepStatus>; position: number };

/**
 * The guide part of the core, in memory and kept simple: it answers the same
 * commands with the same rules (a goal or apps are needed, hidden steps are
 * left out, an answer moves to the next step, positions are clamped).
 */
export class FakeGuides {
  guides: Guide[];
  hidden = new Set<string>();
  walks = new Map<string, Walk>();
  business = { name: 'Corner Bakery', contact: '01234 567890 · hello@bakery.example' };
  private codes: string[];
  private customCount = 0;

  constructor(guides: Guide[] = sampleGuides(), codes: string[] = ['K7QM-3PXA', 'W4RT-9BNC', 'H2JD-6FPE']) {
    this.guides = guides;
    this.codes = [...codes];
  }

  handlers(): Record<string, Handler> {
    return {
      guide_list: () => this.list(),
      guide_start: (a) => this.start(a.platforms as string[], a.goal as Goal | null),
      guide_resume: (a) => this.session(this.key(a.code as string)),
      guide_answer: (a) => this.answer(a.code as string, a.step_id as string, a.status as StepStatus),
      guide_go: (a) => this.go(a.code as string, a.position as number),
      guide_handout: (a) => this.handout(a.code as string),
      guide_save_handout: (a) => {
        const key = this.key(a.code as string);
        return `/home/sam/Downloads/privacy-checklist-${key}.html`;
      },
      guide_step_add: (a) => this.add(a.input as Record<string, unknown>),
      guide_step_delete: (a) => this.remove(a.id as string),
      guide_step_hide: (a) => {
        this.find(a.step_id as string);
        if (a.hidden) this.hidden.add(a.step_id as string);
        else this.hidden.delete(a.step_id as string);
        return null;
      },
    };
  }

  list(): GuideWithHidden[] {
    return this.guides.map((guide) => ({ guide, hidden: guide.steps.filter((s) => this.hidden.has(s.id)).map((s) => s.id) }));
  }

  start(platforms: string[], goal: Goal | null): GuideSession {
    if (platforms.length === 0 && goal === null) {
      throw invalid('Choose the apps the customer uses, or what they want to achieve.');
    }
    const steps = this.guides
      .filter((g) => platforms.length === 0 || platforms.includes(g.platform))
      .flatMap((g) => g.steps)
      .filter((s) => !this.hidden.has(s.id) && (goal === null || s.goals.includes(goal)));
    if (steps.length === 0) throw invalid('No steps match that choice. Choose more apps or another goal.');
    const code = this.codes.shift() ?? `CODE-${this.walks.size}`;
    this.walks.set(code.replace('-', ''), { goal, platforms, stepIds: steps.map((s) => s.id), progress: new Map(), position: 0 });
    return this.session(code.replace('-', ''));
  }

  answer(code: string, stepId: string, status: StepStatus): GuideSession {
    const key = this.key(code);
    const walk = this.walk(key);
    const index = walk.stepIds.indexOf(stepId);
    if (index < 0) throw { code: 'not_found', message: 'That step was not found.' };
    walk.progress.set(stepId, status);
    walk.position = index + 1;
    return this.session(key);
  }

  go(code: string, position: number): GuideSession {
    const key = this.key(code);
    const walk = this.walk(key);
    walk.position = Math.min(Math.max(position, 0), walk.stepIds.length);
    return this.session(key);
  }

  handout(code: string): Handout {
    const session = this.session(this.key(code));
    const name = (platform: string) => this.guides.find((g) => g.platform === platform)?.name ?? platform;
    const short = (s: GuideStep): HandoutStep => ({
      platform: name(s.platform),
      title: s.title,
      where_app: s.where_app,
      where_web: s.where_web,
      strength: s.strength,
    });
    const done = session.steps.filter((_, i) => session.statuses[i] === 'done');
    const toDo = session.steps.filter((_, i) => session.statuses[i] !== 'done' && session.statuses[i] !== 'not_applicable');
    return {
      business_name: this.business.name,
      business_contact: this.business.contact,
      made_on: '30 November 2026',
      recheck_on: '28 February 2027',
      code: session.code,
      platforms: [...new Set(session.steps.map((s) => name(s.platform)))],
      done: done.map(short),
      to_do: toDo.map(short),
      not_applicable: session.statuses.filter((s) => s === 'not_applicable').length,
    };
  }

  add(input: Record<string, unknown>): GuideStep {
    const guide = this.guides.find((g) => g.platform === input.platform);
    if (!guide) throw invalid('Choose which platform’s guide this step belongs to.');
    for (const [field, what] of [
      ['title', 'what the setting is'],
      ['where_app', 'where to find it in the phone app'],
      ['why', 'why it matters'],
      ['what_changes', 'what changes once it is set'],
    ] as const) {
      if (String(input[field] ?? '').trim() === '') throw invalid(`Fill in ${what}.`);
    }
    const goals = input.goals as Goal[];
    if (goals.length === 0) {
      throw invalid('Choose whether this step helps stop strangers finding the customer, or controls who sees their posts (or both).');
    }
    const step = guideStep({
      id: `custom-${++this.customCount}`,
      platform: guide.platform,
      title: String(input.title).trim(),
      where_app: String(input.where_app).trim(),
      where_web: String(input.where_web).trim() || 'Same as the app',
      why: String(input.why).trim(),
      what_changes: String(input.what_changes).trim(),
      strength: (input.strength as GuideStep['strength'] | null) ?? 'basic',
      goals: ['lockdown', ...goals],
      last_checked: '2026-11-30',
      reference: null,
      custom: true,
    });
    guide.steps = [...guide.steps, step];
    return step;
  }

  remove(id: string): null {
    const guide = this.guides.find((g) => g.steps.some((s) => s.id === id && s.custom));
    if (!guide) throw { code: 'not_found', message: 'That step was not found.' };
    guide.steps = guide.steps.filter((s) => s.id !== id);
    return null;
  }

  session(key: string): GuideSession {
    const walk = this.walk(key);
    const steps = walk.stepIds.map((id) => this.find(id));
    const covered = new Set(steps.map((s) => s.platform));
    return {
      code: `${key.slice(0, 4)}-${key.slice(4)}`,
      goal: walk.goal,
      platforms: walk.platforms,
      steps,
      statuses: steps.map((s) => walk.progress.get(s.id) ?? null),
      position: walk.position,
      out_of_date: this.guides.filter((g) => g.may_be_out_of_date && covered.has(g.platform)).map((g) => g.name),
      updated_at: '2026-11-30T10:00:00Z',
    };
  }

  /** Accepts a code as typed: any case, with or without the dash. */
  key(code: string): string {
    return code.replace(/[\s-]/g, '').toUpperCase();
  }

  private walk(key: string): Walk {
    const walk = this.walks.get(key);
    if (!walk) {
      throw invalid(`No checklist has the code ${key.slice(0, 4)}-${key.slice(4)}. Codes are kept for 30 days after the last change; start a new one if it has gone.`);
    }
    return walk;
  }

  private find(id: string): GuideStep {
    const step = this.guides.flatMap((g) => g.steps).find((s) => s.id === id);
    if (!step) throw { code: 'not_found', message: 'That step was not found.' };
    return step;
  }
}

function invalid(message: string): { code: string; message: string } {
  return { code: 'invalid', message };
}

/**
 * The Dashboard's figures as the core sends them. With no buckets given:
 * 30 empty days ending 15 March 2026 (UTC midnights) and no mentions at all.
 */
export function dashboardData(overrides: Partial<Dashboard> = {}): Dashboard {
  const buckets: DashboardBucket[] = Array.from({ length: 30 }, (_, i) => {
    const start = new Date(Date.UTC(2026, 1, 14 + i));
    return {
      start: start.toISOString().slice(0, 10),
      start_unix: start.getTime() / 1000,
      total: 0,
      labels: { complaint: 0, negative: 0, neutral: 0, positive: 0, unscored: 0 },
      mean_sentiment: null,
    };
  });
  return {
    range: '30d',
    bucket: 'day',
    from: '2026-02-14',
    to: '2026-03-15',
    buckets,
    total: 0,
    labels: { complaint: 0, negative: 0, neutral: 0, positive: 0, unscored: 0 },
    mean_sentiment: null,
    by_platform: [],
    by_watch: [],
    open_complaints: 0,
    median_first_contact_secs: null,
    contacted: 0,
    any_mentions: false,
    ...overrides,
  };
}

// ---- Outreach (#5): the outreach log, templates, timelines and do-not-contact, in memory ----

import type { Channel } from '../src/lib/bindings/Channel';
import type { HandleRef } from '../src/lib/bindings/HandleRef';
import type { NewDnc } from '../src/lib/bindings/NewDnc';
import type { NewOutreach } from '../src/lib/bindings/NewOutreach';
import type { NewTemplate } from '../src/lib/bindings/NewTemplate';
import type { OutreachChange } from '../src/lib/bindings/OutreachChange';
import type { OutreachCheck } from '../src/lib/bindings/OutreachCheck';
import type { OutreachDraft } from '../src/lib/bindings/OutreachDraft';
import type { OutreachList } from '../src/lib/bindings/OutreachList';
import type { OutreachQuery } from '../src/lib/bindings/OutreachQuery';
import type { OutreachRevision } from '../src/lib/bindings/OutreachRevision';
import type { OutreachStatus } from '../src/lib/bindings/OutreachStatus';
import type { OutreachTemplate } from '../src/lib/bindings/OutreachTemplate';
import type { OutreachWarning } from '../src/lib/bindings/OutreachWarning';
import type { PersonTimeline } from '../src/lib/bindings/PersonTimeline';
import type { Platform } from '../src/lib/bindings/Platform';
import type { TimelineEntry } from '../src/lib/bindings/TimelineEntry';

/** Words the fake core flags as promotion in a DM or email (whole words, any case). */
export const PROMOTIONAL = ['discount', 'offer', 'buy', 'sale', 'coupon', 'voucher', 'promo', 'deal'];

function promotionalIn(text: string): string[] {
  const words = new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
  return PROMOTIONAL.filter((w) => words.has(w));
}

function isPrivate(channel: Channel): boolean {
  return channel === 'direct_message' || channel === 'email';
}

function isClosed(status: OutreachStatus): boolean {
  return status === 'resolved' || status === 'no_response' || status === 'declined';
}

function key(h: HandleRef): string {
  return `${h.platform}:${h.handle.trim().replace(/^@/, '').toLowerCase()}`;
}

export function outreachRecord(overrides: Partial<Outreach> = {}): Outreach {
  return {
    id: 1,
    mention_id: null,
    platform: 'mastodon',
    handle: '@sam@mastodon.example',
    channel: 'public_reply',
    message: 'Sorry about the wait, Sam. Could you tell us your order number?',
    status: 'sent',
    occurred_at: '2026-03-01T10:00:00Z',
    follow_up_at: null,
    outcome: null,
    notes: null,
    notice_given: true,
    notice_missing: false,
    promotional_words: [],
    follow_up_due: false,
    revisions: 0,
    created_at: '2026-03-01T10:00:00Z',
    updated_at: null,
    ...overrides,
  };
}

export const BUILTIN_TEMPLATES: OutreachTemplate[] = [
  {
    id: 1,
    name: 'Sorry, can we help?',
    body: 'Hi {name}, this is {business}. We saw your post on {platform} and we are sorry. Could you tell us what happened so we can put it right?',
    builtin: true,
    promotional_words: [],
  },
  {
    id: 2,
    name: 'Make it up to you',
    body: 'Hi {name}, we are sorry. Here is a discount code for your next visit: SORRY10.',
    builtin: true,
    promotional_words: ['discount'],
  },
];

/**
 * The outreach part of the core, in memory, with the contract's rules:
 * do-not-contact refuses on every channel (linked handles too), the first
 * contact needs the notice, a DM or email that reads as promotion needs an
 * acknowledgement, filters and due follow-ups, revisions on every change.
 * Installs itself on the FakeInbox so mentions carry their outreach and badge.
 */
export class FakeOutreach {
  outreach: Outreach[];
  templates: OutreachTemplate[];
  dnc: DncEntry[] = [];
  revisions = new Map<number, OutreachRevision[]>();
  /** Each group is one person's handles, the first asked for first. */
  groups: HandleRef[][] = [];
  /** Set to make the export fail with this message (as a folder that cannot be written). */
  exportError: string | null = null;
  business = 'Corner Bakery';
  private lastId = 100;

  constructor(
    readonly inbox: FakeInbox = new FakeInbox(),
    outreach: Outreach[] = [],
    templates: OutreachTemplate[] = BUILTIN_TEMPLATES.map((t) => ({ ...t })),
  ) {
    this.outreach = outreach;
    this.templates = templates;
    inbox.outreachOf = (m) => ({
      outreach: this.outreach.filter((o) => o.mention_id === m.id).map((o) => this.fresh(o)),
      dnc: m.author_handle ? this.dncFor({ platform: m.platform, handle: m.author_handle }) : null,
    });
  }

  handlers(): Record<string, Handler> {
    return {
      ...this.inbox.handlers(),
      outreach_check: (a) => this.check(a.draft as NewOutreach),
      outreach_draft: (a) =>
        this.draft(a.mentionId as number | null, a.platform as Platform, a.handle as string, a.templateId as number | null),
      outreach_log: (a) => this.log(a.draft as NewOutreach),
      outreach_update: (a) => this.update(a.id as number, a.change as OutreachChange),
      outreach_history: (a) => {
        this.find(a.id as number);
        return this.revisions.get(a.id as number) ?? [];
      },
      outreach_query: (a) => this.query(a.query as OutreachQuery),
      outreach_export: (a) => {
        if (this.exportError) throw { code: 'io', message: this.exportError };
        return `${(a.dir as string | null) ?? '/home/sam/Downloads'}/hearken-outreach.${a.format as string}`;
      },
      templates_list: () => this.templates.map((t) => ({ ...t })),
      template_save: (a) => this.saveTemplate(a.t as NewTemplate),
      template_delete: (a) => {
        const t = this.templates.find((x) => x.id === a.id);
        if (!t) throw { code: 'not_found', message: 'That template was not found.' };
        if (t.builtin) throw invalid('Built-in templates cannot be deleted.');
        this.templates = this.templates.filter((x) => x.id !== a.id);
        return null;
      },
      person_timeline: (a) => this.timeline({ platform: a.platform as Platform, handle: a.handle as string }),
      person_link: (a) => this.link(a.a as HandleRef, a.b as HandleRef),
      person_unlink: (a) => this.unlink(a.h as HandleRef),
      dnc_add: (a) => this.addDnc(a.entry as NewDnc),
    };
  }

  /** The handles of the person `h` belongs to, `h` first when it is not linked. */
  group(h: HandleRef): HandleRef[] {
    return this.groups.find((g) => g.some((x) => key(x) === key(h))) ?? [h];
  }

  dncFor(h: HandleRef): DncEntry | null {
    const keys = new Set(this.group(h).map(key));
    return this.dnc.find((d) => d.platform !== null && d.handle !== null && keys.has(key({ platform: d.platform, handle: d.handle }))) ?? null;
  }

  private personOf(draft: { mention_id: number | null; platform: Platform | null; handle: string | null }): HandleRef {
    if (draft.mention_id !== null) {
      const m = this.inbox.find(draft.mention_id);
      return { platform: m.platform, handle: m.author_handle ?? '' };
    }
    return { platform: draft.platform ?? 'rss', handle: draft.handle ?? '' };
  }

  private firstContact(person: HandleRef, except?: number): boolean {
    const keys = new Set(this.group(person).map(key));
    return !this.outreach.some((o) => o.id !== except && keys.has(key(o)));
  }

  check(draft: NewOutreach): OutreachCheck {
    const person = this.personOf(draft);
    const problems: string[] = [];
    if (person.handle.trim() === '') problems.push('Say who you contacted: their handle on the platform.');
    if (draft.message.trim() === '') problems.push('Write the message you sent, or will send.');
    if (draft.follow_up_at !== null && new Date(draft.follow_up_at).getTime() <= Date.now()) {
      problems.push('The follow-up date is in the past. Choose a later day.');
    }
    const first = this.firstContact(person);
    const promo = isPrivate(draft.channel) ? promotionalIn(draft.message) : [];
    const warnings: OutreachWarning[] = [];
    if (first && !draft.notice_given) warnings.push('notice_missing');
    if (promo.length > 0) warnings.push('promotional');
    return { person, first_contact: first, do_not_contact: this.dncFor(person), warnings, promotional_words: promo, problems };
  }

  draft(mentionId: number | null, platform: Platform, handle: string, templateId: number | null): OutreachDraft {
    const m = mentionId === null ? null : this.inbox.find(mentionId);
    const person = m ? { platform: m.platform, handle: m.author_handle ?? handle } : { platform, handle };
    const platformName = PLATFORMS.find((p) => p.platform === person.platform)?.name ?? person.platform;
    const template = templateId === null ? null : this.templates.find((t) => t.id === templateId);
    if (templateId !== null && !template) throw { code: 'not_found', message: 'That template was not found.' };
    const message = (template?.body ?? '')
      .replaceAll('{name}', m?.author_name ?? person.handle)
      .replaceAll('{handle}', person.handle)
      .replaceAll('{platform}', platformName)
      .replaceAll('{business}', this.business)
      .replaceAll('{link}', m?.url ?? '');
    const notice = `We saw your public post on ${platformName}. ${this.business} keeps this conversation for up to 2 years. Reply STOP and we will not contact you again.`;
    return { message, notice, first_contact: this.firstContact(person), do_not_contact: this.dncFor(person) };
  }

  log(draft: NewOutreach): Outreach {
    const check = this.check(draft);
    if (check.do_not_contact) {
      throw { code: 'do_not_contact', message: `${check.person.handle} asked not to be contacted (${check.do_not_contact.reason}). Nothing was logged.` };
    }
    if (check.problems.length > 0) throw invalid(check.problems.join(' '));
    const missing = check.warnings.filter((w) => !draft.acknowledged.includes(w));
    if (missing.length > 0) {
      throw { code: 'needs_confirmation', message: 'Confirm the warnings before logging this outreach.' };
    }
    const now = new Date().toISOString();
    const o: Outreach = {
      id: ++this.lastId,
      mention_id: draft.mention_id,
      platform: check.person.platform,
      handle: check.person.handle,
      channel: draft.channel,
      message: draft.message,
      status: draft.status,
      occurred_at: draft.occurred_at ?? now,
      follow_up_at: draft.follow_up_at,
      outcome: draft.outcome,
      notes: draft.notes,
      notice_given: draft.notice_given,
      notice_missing: check.first_contact && !draft.notice_given,
      promotional_words: check.promotional_words,
      follow_up_due: false,
      revisions: 0,
      created_at: now,
      updated_at: null,
    };
    this.outreach = [...this.outreach, o];
    void emit('outreach-changed');
    return o;
  }

  update(id: number, change: OutreachChange): Outreach {
    const old = this.find(id);
    const next: Outreach = { ...old };
    const revs: OutreachRevision[] = [];
    const now = new Date().toISOString();
    const set = <K extends 'status' | 'channel' | 'message' | 'follow_up_at' | 'outcome' | 'notes' | 'notice_given'>(field: K, value: Outreach[K]) => {
      if (value === old[field]) return;
      revs.push({ changed_at: now, field, old_value: old[field] === null ? null : String(old[field]), new_value: value === null ? null : String(value) });
      next[field] = value;
    };
    if (change.status !== null) set('status', change.status);
    if (change.channel !== null) set('channel', change.channel);
    if (change.message !== null) set('message', change.message);
    if (change.follow_up_at !== null) {
      if (change.follow_up_at !== '' && new Date(change.follow_up_at).getTime() <= Date.now()) {
        throw invalid('The follow-up date is in the past. Choose a later day.');
      }
      set('follow_up_at', change.follow_up_at === '' ? null : change.follow_up_at);
    }
    if (change.outcome !== null) set('outcome', change.outcome === '' ? null : change.outcome);
    if (change.notes !== null) set('notes', change.notes === '' ? null : change.notes);
    if (change.notice_given !== null) set('notice_given', change.notice_given);
    if (next.message.trim() === '') throw invalid('Write the message you sent, or will send.');
    next.promotional_words = isPrivate(next.channel) ? promotionalIn(next.message) : [];
    const newPromo = next.promotional_words.some((w) => !old.promotional_words.includes(w));
    if (newPromo && !change.acknowledged.includes('promotional')) {
      throw { code: 'needs_confirmation', message: `The message now reads as promotion (${next.promotional_words.join(', ')}).` };
    }
    if (revs.length === 0) return this.fresh(old);
    next.revisions = old.revisions + revs.length;
    next.updated_at = now;
    this.revisions.set(id, [...(this.revisions.get(id) ?? []), ...revs]);
    this.outreach = this.outreach.map((o) => (o.id === id ? next : o));
    void emit('outreach-changed');
    return this.fresh(next);
  }

  /** The record with its follow-up state as of now. */
  fresh(o: Outreach): Outreach {
    const due = o.follow_up_at !== null && new Date(o.follow_up_at).getTime() <= Date.now() && !isClosed(o.status);
    return { ...o, follow_up_due: due };
  }

  query(q: OutreachQuery): OutreachList {
    const all = this.outreach.map((o) => this.fresh(o));
    const person = q.person ? new Set(this.group(q.person).map(key)) : null;
    const matching = all
      .filter(
        (o) =>
          (q.statuses.length === 0 || q.statuses.includes(o.status)) &&
          (q.channels.length === 0 || q.channels.includes(o.channel)) &&
          (!q.due_only || o.follow_up_due) &&
          (person === null || person.has(key(o))),
      )
      .sort((a, b) => b.occurred_at.localeCompare(a.occurred_at) || b.id - a.id);
    const offset = q.offset ?? 0;
    return {
      items: matching.slice(offset, offset + (q.limit ?? 100)),
      total: matching.length,
      due: all.filter((o) => o.follow_up_due).length,
    };
  }

  saveTemplate(t: NewTemplate): OutreachTemplate {
    if (t.name.trim() === '') throw invalid('Give the template a short name.');
    if (t.body.trim() === '') throw invalid('Write the template’s message.');
    if (t.id !== null) {
      const old = this.templates.find((x) => x.id === t.id);
      if (!old) throw { code: 'not_found', message: 'That template was not found.' };
      if (old.builtin) throw invalid('Built-in templates cannot be changed. Write your own instead.');
    }
    const saved: OutreachTemplate = {
      id: t.id ?? ++this.lastId,
      name: t.name.trim(),
      body: t.body,
      builtin: false,
      promotional_words: promotionalIn(t.body),
    };
    this.templates = t.id === null ? [...this.templates, saved] : this.templates.map((x) => (x.id === t.id ? saved : x));
    return saved;
  }

  timeline(h: HandleRef): PersonTimeline {
    const handles = this.group(h);
    const ordered = [h, ...handles.filter((x) => key(x) !== key(h))];
    const keys = new Set(ordered.map(key));
    const entries: TimelineEntry[] = [
      ...this.inbox.mentions
        .filter((m) => m.author_handle !== null && keys.has(key({ platform: m.platform, handle: m.author_handle })))
        .map((m): TimelineEntry => ({ kind: 'mention', at: m.created_at, mention: m })),
      ...this.outreach.filter((o) => keys.has(key(o))).map((o): TimelineEntry => ({ kind: 'outreach', at: o.occurred_at, outreach: this.fresh(o) })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    return { handles: ordered, do_not_contact: this.dncFor(h), entries };
  }

  link(a: HandleRef, b: HandleRef): PersonTimeline {
    if (b.handle.trim() === '') throw invalid('Type the other handle.');
    if (key(a) === key(b)) throw invalid('That is the same handle.');
    const ga = this.group(a);
    const gb = this.group(b);
    const merged = [...ga, ...gb.filter((x) => !ga.some((y) => key(x) === key(y)))];
    this.groups = [...this.groups.filter((g) => g !== ga && g !== gb), merged];
    return this.timeline(a);
  }

  unlink(h: HandleRef): PersonTimeline {
    const g = this.group(h);
    if (g.length < 2) throw invalid(`${h.handle} is not linked to anyone.`);
    const rest = g.filter((x) => key(x) !== key(h));
    this.groups = [...this.groups.filter((x) => x !== g), ...(rest.length > 1 ? [rest] : [])];
    return this.timeline(rest[0]!);
  }

  addDnc(entry: NewDnc): DncEntry {
    // Like the core (store/dnc.rs): the handle is kept without its leading "@".
    const shown = entry.handle.trim().replace(/^@/, '').trim();
    if (shown === '') throw invalid('Say whose handle it is.');
    const existing = this.dnc.find((d) => d.platform === entry.platform && d.handle?.toLowerCase() === shown.toLowerCase());
    if (existing) return existing;
    const d: DncEntry = {
      id: ++this.lastId,
      platform: entry.platform,
      handle: shown,
      reason: entry.reason ?? 'Asked us to stop',
      since: new Date().toISOString(),
      erased: false,
    };
    this.dnc = [...this.dnc, d];
    return d;
  }

  find(id: number): Outreach {
    const o = this.outreach.find((x) => x.id === id);
    if (!o) throw { code: 'not_found', message: 'That outreach record was not found.' };
    return o;
  }
}
