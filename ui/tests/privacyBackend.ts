// The privacy part of the core, in memory, answering the same commands with
// the same rules: do-not-contact entries that survive erasure as a fingerprint,
// retention cut-offs and a purge that really removes, requests due one
// calendar month after they arrive, and a hash-chained audit trail whose
// verification finds an edited or deleted entry.
import type { AccessExport } from '../src/lib/bindings/AccessExport';
import type { AuditEntry } from '../src/lib/bindings/AuditEntry';
import type { AuditVerification } from '../src/lib/bindings/AuditVerification';
import type { DncEntry } from '../src/lib/bindings/DncEntry';
import type { ErasureReport } from '../src/lib/bindings/ErasureReport';
import type { Mention } from '../src/lib/bindings/Mention';
import type { NewDnc } from '../src/lib/bindings/NewDnc';
import type { NewPrivacyRequest } from '../src/lib/bindings/NewPrivacyRequest';
import type { Platform } from '../src/lib/bindings/Platform';
import type { PrivacyOverview } from '../src/lib/bindings/PrivacyOverview';
import type { PrivacyRequest } from '../src/lib/bindings/PrivacyRequest';
import type { PrivacySettings } from '../src/lib/bindings/PrivacySettings';
import type { PurgePlan } from '../src/lib/bindings/PurgePlan';
import type { PurgeReport } from '../src/lib/bindings/PurgeReport';
import type { WatchRef } from '../src/lib/bindings/WatchRef';
import { mention, type Handler } from './backend';

const DAY_MS = 86_400_000;

export const DEFAULT_NOTICE =
  'We saw your post on {platform}. {business} keeps it for {days} days to help put things right. To stop hearing from us, reply STOP or contact {contact}.';

/** A stored mention and whether the owner acted on it (replied, or waiting on it). */
export type HeldMention = { mention: Mention; actioned: boolean; corrections: number };
/** A stored outreach record, as far as retention and erasure care. */
export type HeldOutreach = { id: number; platform: Platform; handle: string; closedAt: string | null };

type Chained = AuditEntry & { prev: string; hash: string };

/** `YYYY-MM-DD` of a moment, in UTC (as the core stores calendar days). */
function ymd(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** One calendar month after `day`, clamped to the month's last day (31 Jan → 28 Feb). */
export function oneMonthAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return ymd(new Date(Date.UTC(y, m, Math.min(d, last))));
}

/** FNV-1a, 32-bit, as hex: enough for a chain that a test can break. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function linkOf(e: AuditEntry, prev: string): string {
  return fnv([prev, e.id, e.at, e.actor, e.action, e.subject ?? '', e.detail ?? ''].join('|'));
}

function invalid(message: string): { code: string; message: string } {
  return { code: 'invalid', message };
}

function notFound(message: string): { code: string; message: string } {
  return { code: 'not_found', message };
}

function same(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** A mention by someone, posted `daysAgo` days ago. */
export function heldMention(handle: string, daysAgo: number, text: string, overrides: Partial<Mention> = {}): HeldMention {
  const m: Mention = {
    ...mention({ author_handle: handle, text, created_at: new Date(Date.now() - daysAgo * DAY_MS).toISOString(), ...overrides }),
    do_not_contact: false,
  };
  return { mention: m, actioned: false, corrections: 0 };
}

export class FakePrivacy {
  settings: PrivacySettings = { mention_days: 90, outreach_days: 730, mode: 'delete', notice_template: DEFAULT_NOTICE };
  dnc: (DncEntry & { fingerprint: string })[] = [];
  requests: PrivacyRequest[] = [];
  mentions: HeldMention[] = [];
  outreach: HeldOutreach[] = [];
  lastPurge: PurgeReport | null = null;
  watchesMissingNotes: WatchRef[] = [];
  audit: Chained[] = [];
  /** Where exports go; unwritable answers as the core does when the folder refuses. */
  folder = '/home/sam/Downloads';
  folderWritable = true;
  private lastId = 0;
  private exports = 0;

  handlers(): Record<string, Handler> {
    return {
      privacy_overview: () => this.overview(),
      privacy_settings_save: (a) => this.saveSettings(a.p as PrivacySettings),
      dnc_add: (a) => this.addDnc(a.entry as NewDnc),
      dnc_list: () => this.listDnc(),
      dnc_remove: (a) => this.removeDnc(a.id as number),
      purge_preview: () => this.plan(),
      purge_run: () => this.purge(),
      requests_list: () => this.requests.map((r) => this.withOverdue(r)),
      request_add: (a) => this.addRequest(a.r as NewPrivacyRequest),
      privacy_export: (a) => this.exportData(a.requestId as number, a.dir as string | null),
      privacy_erase: (a) => this.erase(a.requestId as number),
      audit_list: (a) => this.auditList(a.before as number | null, a.limit as number),
      audit_verify: () => this.verify(),
      privacy_notes_export: (a) => {
        this.writable(a.dir as string | null);
        this.record('export', null, 'Privacy notes exported');
        return `${a.dir ?? this.folder}/hearken-privacy-notes.html`;
      },
    };
  }

  overview(): PrivacyOverview {
    return {
      settings: { ...this.settings },
      do_not_contact: this.listDnc(),
      requests: this.requests.map((r) => this.withOverdue(r)),
      plan: this.plan(),
      last_purge: this.lastPurge,
      watches_missing_notes: this.watchesMissingNotes,
      audit_entries: this.audit.length,
    };
  }

  // ── do-not-contact ──

  listDnc(): DncEntry[] {
    return this.dnc.map(({ fingerprint: _, ...entry }) => ({ ...entry }));
  }

  addDnc(entry: NewDnc): DncEntry {
    const handle = entry.handle.trim();
    if (handle === '') throw invalid('Enter their handle as it appears on the platform.');
    const fingerprint = fnv(`${entry.platform}:${handle.toLowerCase()}`);
    if (this.dnc.some((d) => d.fingerprint === fingerprint)) {
      throw invalid(`${handle} is already on the do-not-contact list.`);
    }
    const added = {
      id: ++this.lastId,
      platform: entry.platform,
      handle,
      reason: entry.reason?.trim() || 'Asked us to stop',
      since: new Date().toISOString(),
      erased: false,
      fingerprint,
    };
    this.dnc = [...this.dnc, added];
    this.record('dnc_added', fingerprint, null);
    const { fingerprint: _, ...shown } = added;
    return shown;
  }

  removeDnc(id: number): null {
    const entry = this.dnc.find((d) => d.id === id);
    if (!entry) throw notFound('That person is no longer on the list.');
    this.dnc = this.dnc.filter((d) => d.id !== id);
    this.record('dnc_removed', entry.fingerprint, null);
    return null;
  }

  // ── retention ──

  saveSettings(p: PrivacySettings): PrivacySettings {
    for (const [days, what] of [
      [p.mention_days, 'Mentions'],
      [p.outreach_days, 'Finished outreach'],
    ] as const) {
      if (!Number.isInteger(days) || days < 1 || days > 3650) {
        throw invalid(`${what} must be kept for a whole number of days from 1 to 3650.`);
      }
    }
    if (p.notice_template.trim() === '') throw invalid('Write the transparency notice: it cannot be empty.');
    this.settings = { ...p, notice_template: p.notice_template.trim() };
    this.record('setting_changed', null, `Keep mentions ${p.mention_days} days, outreach ${p.outreach_days} days, ${p.mode}`);
    return { ...this.settings };
  }

  private cutoffs(): { mentions: string; outreach: string } {
    const now = Date.now();
    return {
      mentions: new Date(now - this.settings.mention_days * DAY_MS).toISOString(),
      outreach: new Date(now - this.settings.outreach_days * DAY_MS).toISOString(),
    };
  }

  private due(): { mentions: HeldMention[]; outreach: HeldOutreach[] } {
    const cut = this.cutoffs();
    return {
      mentions: this.mentions.filter((m) => !m.actioned && m.mention.author_handle !== null && m.mention.created_at < cut.mentions),
      outreach: this.outreach.filter((o) => o.closedAt !== null && o.closedAt < cut.outreach),
    };
  }

  plan(): PurgePlan {
    const cut = this.cutoffs();
    const due = this.due();
    return {
      mode: this.settings.mode,
      mentions: due.mentions.length,
      outreach: due.outreach.length,
      mentions_before: cut.mentions,
      outreach_before: cut.outreach,
      sample: [...due.mentions]
        .sort((a, b) => b.mention.created_at.localeCompare(a.mention.created_at))
        .slice(0, 3)
        .map((m) => m.mention),
    };
  }

  purge(): PurgeReport {
    const due = this.due();
    const goes = new Set(due.mentions);
    if (this.settings.mode === 'delete') {
      this.mentions = this.mentions.filter((m) => !goes.has(m));
    } else {
      // Anonymised: no words, no author; a bare record for the figures.
      for (const m of goes) m.mention = { ...m.mention, author_handle: null, author_name: null, text: '', url: null };
    }
    const outGoes = new Set(due.outreach);
    this.outreach = this.outreach.filter((o) => !outGoes.has(o));
    const report: PurgeReport = {
      mode: this.settings.mode,
      mentions: goes.size,
      outreach: outGoes.size,
      ran_at: new Date().toISOString(),
    };
    this.lastPurge = report;
    this.record('purge', null, `${report.mode}: ${report.mentions} mentions, ${report.outreach} outreach`);
    return report;
  }

  // ── requests ──

  private withOverdue(r: PrivacyRequest): PrivacyRequest {
    return { ...r, overdue: r.state === 'open' && ymd(new Date()) > r.due_on };
  }

  addRequest(input: NewPrivacyRequest): PrivacyRequest {
    const handle = input.handle.trim();
    if (handle === '') throw invalid('Enter the handle of the person who asked.');
    const received = input.received_on ?? ymd(new Date());
    if (!/^\d{4}-\d{2}-\d{2}$/.test(received)) throw invalid('Enter the date the request reached you.');
    if (received > ymd(new Date(Date.now() + DAY_MS))) throw invalid('The date received cannot be in the future.');
    const request = this.withOverdue({
      id: ++this.lastId,
      kind: input.kind,
      platform: input.platform,
      handle,
      received_on: received,
      due_on: oneMonthAfter(received),
      state: 'open',
      overdue: false,
      completed_at: null,
      result: null,
    });
    this.requests = [request, ...this.requests];
    this.record('request_added', String(request.id), input.kind);
    return request;
  }

  private request(id: number, kind: PrivacyRequest['kind']): PrivacyRequest {
    const r = this.requests.find((x) => x.id === id);
    if (!r) throw notFound('That request was not found.');
    if (r.kind !== kind) throw invalid(`That is ${r.kind === 'access' ? 'an access' : 'an erasure'} request.`);
    return r;
  }

  private held(r: PrivacyRequest): { mentions: HeldMention[]; outreach: HeldOutreach[] } {
    return {
      mentions: this.mentions.filter((m) => m.mention.platform === r.platform && same(m.mention.author_handle, r.handle)),
      outreach: this.outreach.filter((o) => o.platform === r.platform && same(o.handle, r.handle)),
    };
  }

  private writable(dir: string | null) {
    if (!this.folderWritable) {
      throw {
        code: 'io',
        message: `Hearken could not save the files in ${dir ?? this.folder}: the folder cannot be written to. Free some space or check the folder's permissions, then try again.`,
      };
    }
  }

  private finish(r: PrivacyRequest, result: string, changes: Partial<PrivacyRequest> = {}): PrivacyRequest {
    const done = this.withOverdue({ ...r, ...changes, state: 'done', completed_at: new Date().toISOString(), result });
    this.requests = this.requests.map((x) => (x.id === r.id ? done : x));
    return done;
  }

  exportData(id: number, dir: string | null): AccessExport {
    const r = this.request(id, 'access');
    if (r.handle === null) throw invalid('Their data was erased, so there is nothing to export.');
    this.writable(dir);
    const held = this.held(r);
    const base = `${dir ?? this.folder}/hearken-access-${r.id}${++this.exports > 1 ? `-${this.exports}` : ''}`;
    const request = this.finish(r, `Exported ${held.mentions.length} mentions and ${held.outreach.length} outreach records`);
    this.record('access_export', String(r.id), request.result);
    return { json_path: `${base}.json`, html_path: `${base}.html`, request };
  }

  erase(id: number): ErasureReport {
    const r = this.request(id, 'erasure');
    if (r.state === 'done') throw invalid('This request was already carried out.');
    const held = this.held(r);
    const fingerprint = fnv(`${r.platform}:${(r.handle ?? '').toLowerCase()}`);
    const gone = new Set(held.mentions);
    this.mentions = this.mentions.filter((m) => !gone.has(m));
    const outGone = new Set(held.outreach);
    this.outreach = this.outreach.filter((o) => !outGone.has(o));
    let kept = false;
    this.dnc = this.dnc.map((d) => {
      if (d.fingerprint !== fingerprint) return d;
      kept = true;
      return { ...d, platform: null, handle: null, erased: true };
    });
    const corrections = held.mentions.reduce((n, m) => n + m.corrections, 0);
    this.requests = this.requests.map((x) =>
      x.platform === r.platform && same(x.handle, r.handle) ? { ...x, handle: null } : x,
    );
    const request = this.finish({ ...r, handle: null }, `Erased ${held.mentions.length} mentions and ${held.outreach.length} outreach records`);
    this.record('erasure', fingerprint, request.result);
    return { mentions: held.mentions.length, outreach: held.outreach.length, corrections, do_not_contact_kept: kept, request };
  }

  // ── audit ──

  /** Appends a linked entry, as every change in the core does. */
  record(action: string, subject: string | null, detail: string | null) {
    const prev = this.audit[this.audit.length - 1]?.hash ?? '';
    const id = (this.audit[this.audit.length - 1]?.id ?? 0) + 1;
    const entry: AuditEntry = { id, at: new Date().toISOString(), actor: 'you', action, subject, detail };
    this.audit.push({ ...entry, prev, hash: linkOf(entry, prev) });
  }

  auditList(before: number | null, limit: number): AuditEntry[] {
    return this.audit
      .filter((e) => before === null || e.id < before)
      .sort((a, b) => b.id - a.id)
      .slice(0, limit)
      .map(({ prev: _, hash: __, ...e }) => e);
  }

  verify(): AuditVerification {
    let prev = '';
    for (const e of this.audit) {
      if (e.prev !== prev || linkOf(e, prev) !== e.hash) {
        return {
          ok: false,
          entries: this.audit.length,
          first_broken: e.id,
          message: `Entry ${e.id} does not match the entries before it. Keep a copy of the database file as it is, and ask whoever looks after your computer to find out what changed it.`,
        };
      }
      prev = e.hash;
    }
    return { ok: true, entries: this.audit.length, first_broken: null, message: 'Every entry links to the one before it.' };
  }
}
