// Typed calls into the Rust core. One function per command; no logic here.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AppInfo } from './bindings/AppInfo';
import type { Dashboard } from './bindings/Dashboard';
import type { DashboardQuery } from './bindings/DashboardQuery';
import type { DemoSummary } from './bindings/DemoSummary';
import type { Goal } from './bindings/Goal';
import type { GuideSession } from './bindings/GuideSession';
import type { GuideStep } from './bindings/GuideStep';
import type { GuideWithHidden } from './bindings/GuideWithHidden';
import type { Handout } from './bindings/Handout';
import type { InboxCounts } from './bindings/InboxCounts';
import type { InboxQuery } from './bindings/InboxQuery';
import type { Label } from './bindings/Label';
import type { MentionCursor } from './bindings/MentionCursor';
import type { MentionDetail } from './bindings/MentionDetail';
import type { MentionPage } from './bindings/MentionPage';
import type { MentionsAdded } from './bindings/MentionsAdded';
import type { MentionStatus } from './bindings/MentionStatus';
import type { NewGuideStep } from './bindings/NewGuideStep';
import type { NewSource } from './bindings/NewSource';
import type { NewWatch } from './bindings/NewWatch';
import type { PlatformInfo } from './bindings/PlatformInfo';
import type { PollingStatus } from './bindings/PollingStatus';
import type { PollReport } from './bindings/PollReport';
import type { Settings } from './bindings/Settings';
import type { Source } from './bindings/Source';
import type { SourceTestReport } from './bindings/SourceTestReport';
import type { StepStatus } from './bindings/StepStatus';
import type { Watch } from './bindings/Watch';
// ── Privacy (#5) types ──
import type { AccessExport } from './bindings/AccessExport';
import type { AuditEntry } from './bindings/AuditEntry';
import type { AuditVerification } from './bindings/AuditVerification';
import type { DncEntry } from './bindings/DncEntry';
import type { ErasureReport } from './bindings/ErasureReport';
import type { NewDnc } from './bindings/NewDnc';
import type { NewPrivacyRequest } from './bindings/NewPrivacyRequest';
import type { PrivacyOverview } from './bindings/PrivacyOverview';
import type { PrivacyRequest } from './bindings/PrivacyRequest';
import type { PrivacySettings } from './bindings/PrivacySettings';
import type { PurgePlan } from './bindings/PurgePlan';
import type { PurgeReport } from './bindings/PurgeReport';
// ── end of privacy types ──

/** How every command fails: `message` is already written for the shop owner. */
export type AppError = { code: string; message: string };

const FALLBACK_MESSAGE =
  'Something went wrong inside Hearken. Please try again; if it keeps happening, restart the app.';

/** Turns whatever a rejected call gave us into an AppError, without inventing details. */
export function toAppError(err: unknown): AppError {
  if (typeof err === 'string' && err.trim() !== '') {
    return { code: 'unknown', message: err };
  }
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof message === 'string' && message.trim() !== '') {
      return { code: typeof code === 'string' ? code : 'unknown', message };
    }
  }
  return { code: 'unknown', message: FALLBACK_MESSAGE };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw toAppError(err);
  }
}

export const PAGE_SIZE = 50;

// Argument keys: Tauri maps camelCase keys to a command's snake_case parameters
// (`extraSecrets` → `extra_secrets`), except for commands declared with
// `rename_all = "snake_case"` (guide_answer, guide_step_hide), which take them as is.
export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  /** One page of the Inbox for `query`; `total` counts the whole query. */
  mentionsQuery: (query: InboxQuery, before: MentionCursor | null, limit: number = PAGE_SIZE) =>
    call<MentionPage>('mentions_query', { query, before, limit }),
  mentionDetail: (id: number) => call<MentionDetail>('mention_detail', { id }),
  /** Answers how many mentions changed. */
  mentionsSetStatus: (ids: number[], status: MentionStatus) => call<number>('mentions_set_status', { ids, status }),
  mentionCorrectLabel: (id: number, label: Label) => call<MentionDetail>('mention_correct_label', { id, label }),
  mentionsMarkSeen: (ids: number[]) => call<number>('mentions_mark_seen', { ids }),
  inboxCounts: () => call<InboxCounts>('inbox_counts'),
  /** The Dashboard's figures; the query carries the owner's offset from UTC (their days). */
  dashboard: (query: DashboardQuery) => call<Dashboard>('dashboard', { query }),
  platforms: () => call<PlatformInfo[]>('platforms'),
  sourcesList: () => call<Source[]>('sources_list'),
  sourceAdd: (input: NewSource) => call<Source>('source_add', { input }),
  sourceTest: (id: number) => call<SourceTestReport>('source_test', { id }),
  sourcePoll: (id: number) => call<PollReport>('source_poll', { id }),
  pollAll: () => call<PollReport[]>('poll_all'),
  sourceRemove: (id: number) => call<null>('source_remove', { id }),
  /** A new key after the platform refused the old one; the core puts it in the keyring. */
  sourceReplaceKey: (id: number, secret: string | null, extraSecrets: Record<string, string>) =>
    call<Source>('source_replace_key', { id, secret, extraSecrets }),
  /** Replaces the source's non-secret settings (send them all, changed or not). */
  sourceUpdateSettings: (id: number, settings: Record<string, string>) =>
    call<Source>('source_update_settings', { id, settings }),
  pollingStatus: () => call<PollingStatus | null>('polling_status'),
  watchesList: () => call<Watch[]>('watches_list'),
  watchAdd: (input: NewWatch) => call<Watch>('watch_add', { input }),
  watchUpdate: (id: number, input: NewWatch) => call<Watch>('watch_update', { id, input }),
  watchRemove: (id: number) => call<null>('watch_remove', { id }),
  demoLoad: () => call<DemoSummary>('demo_load'),
  settingsSave: (settings: Settings) => call<Settings>('settings_save', { settings }),
  guideList: () => call<GuideWithHidden[]>('guide_list'),
  /** Platforms are guide ids ("facebook"); with none, the goal picks steps from every guide. */
  guideStart: (platforms: string[], goal: Goal | null) => call<GuideSession>('guide_start', { platforms, goal }),
  /** The code as typed: the core accepts any case, with or without the dash. */
  guideResume: (code: string) => call<GuideSession>('guide_resume', { code }),
  guideAnswer: (code: string, stepId: string, status: StepStatus) =>
    call<GuideSession>('guide_answer', { code, step_id: stepId, status }),
  /** Moves to a step; `position === steps.length` is the end. */
  guideGo: (code: string, position: number) => call<GuideSession>('guide_go', { code, position }),
  guideHandout: (code: string) => call<Handout>('guide_handout', { code }),
  /** Saves the handout as a web page in Downloads; answers with its path. */
  guideSaveHandout: (code: string) => call<string>('guide_save_handout', { code }),
  guideStepAdd: (input: NewGuideStep) => call<GuideStep>('guide_step_add', { input }),
  guideStepDelete: (id: string) => call<null>('guide_step_delete', { id }),
  guideStepHide: (stepId: string, hidden: boolean) => call<null>('guide_step_hide', { step_id: stepId, hidden }),
  /** Tells the core the first Inbox page is on screen, `firstPageMs` after the window asked for it (start-up timing). */
  uiPainted: (firstPageMs: number, stages: string) =>
    call<null>('ui_painted', { first_page_ms: firstPageMs, stages }),
};

// ── Privacy (#5): do-not-contact, retention, requests, audit ──
// Kept apart from `api` so the outreach calls can grow beside it without clashing.
// `dir: null` lets the core choose the folder (the owner's Downloads).
export const privacyApi = {
  privacyOverview: () => call<PrivacyOverview>('privacy_overview'),
  privacySettingsSave: (p: PrivacySettings) => call<PrivacySettings>('privacy_settings_save', { p }),
  dncAdd: (entry: NewDnc) => call<DncEntry>('dnc_add', { entry }),
  dncList: () => call<DncEntry[]>('dnc_list'),
  dncRemove: (id: number) => call<null>('dnc_remove', { id }),
  purgePreview: () => call<PurgePlan>('purge_preview'),
  purgeRun: () => call<PurgeReport>('purge_run'),
  requestsList: () => call<PrivacyRequest[]>('requests_list'),
  requestAdd: (r: NewPrivacyRequest) => call<PrivacyRequest>('request_add', { r }),
  /** Saves everything held about the request's person as JSON and as a readable page. */
  privacyExport: (requestId: number, dir: string | null = null) =>
    call<AccessExport>('privacy_export', { requestId, dir }),
  privacyErase: (requestId: number) => call<ErasureReport>('privacy_erase', { requestId }),
  /** Newest first; `before` is the id of the oldest entry already shown. */
  auditList: (before: number | null, limit: number) => call<AuditEntry[]>('audit_list', { before, limit }),
  auditVerify: () => call<AuditVerification>('audit_verify'),
  /** The watches' purpose and legitimate-interests notes as a web page; answers with its path. */
  privacyNotesExport: (dir: string | null = null) => call<string>('privacy_notes_export', { dir }),
};
// ── end of privacy ──

/** Subscribes to the core's events. A failed subscription never stops the app. */
export async function onCoreEvents(handlers: {
  mentionsAdded: (payload: MentionsAdded) => void;
  /** A mention's status, label or seen mark changed (here or elsewhere). */
  inboxChanged: () => void;
  sourcesChanged: () => void;
  watchesChanged: () => void;
  pollingStatus: (status: PollingStatus) => void;
}): Promise<() => void> {
  const unlisteners: UnlistenFn[] = [];
  // Each subscription on its own: one that fails does not stop the others.
  const subscriptions: Promise<UnlistenFn>[] = [
    listen<MentionsAdded>('mentions-added', (event) => handlers.mentionsAdded(event.payload)),
    listen('inbox-changed', () => handlers.inboxChanged()),
    listen('sources-changed', () => handlers.sourcesChanged()),
    listen('watches-changed', () => handlers.watchesChanged()),
    listen<PollingStatus>('polling-status', (event) => handlers.pollingStatus(event.payload)),
  ];
  for (const result of await Promise.allSettled(subscriptions)) {
    if (result.status === 'fulfilled') unlisteners.push(result.value);
    else console.warn('Hearken: could not listen for updates', result.reason);
  }
  return () => {
    for (const unlisten of unlisteners) {
      // Unlistening is asynchronous inside Tauri; a failure there (window closing) is harmless.
      void Promise.resolve()
        .then(() => unlisten())
        .catch(() => {});
    }
  };
}

/**
 * Calls `handler` when stored mentions change: new ones arrived
 * (`mentions-added`) or the owner triaged some (`inbox-changed`).
 * For screens that show figures over all mentions while they are open.
 */
export async function onMentionsChanged(handler: () => void): Promise<() => void> {
  const results = await Promise.allSettled([listen('mentions-added', () => handler()), listen('inbox-changed', () => handler())]);
  const unlisteners: UnlistenFn[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') unlisteners.push(result.value);
    else console.warn('Hearken: could not listen for updates', result.reason);
  }
  return () => {
    for (const unlisten of unlisteners) {
      void Promise.resolve()
        .then(() => unlisten())
        .catch(() => {});
    }
  };
}

// ---- Outreach (#5): the outreach log, templates, a person's timeline, do-not-contact from a mention ----
// Kept in one block (with its own imports) so it merges beside the Privacy screen's wrappers.
import type { ExportFormat } from './bindings/ExportFormat';
import type { HandleRef } from './bindings/HandleRef';
import type { NewOutreach } from './bindings/NewOutreach';
import type { NewTemplate } from './bindings/NewTemplate';
import type { Outreach } from './bindings/Outreach';
import type { OutreachChange } from './bindings/OutreachChange';
import type { OutreachCheck } from './bindings/OutreachCheck';
import type { OutreachDraft } from './bindings/OutreachDraft';
import type { OutreachList } from './bindings/OutreachList';
import type { OutreachQuery } from './bindings/OutreachQuery';
import type { OutreachRevision } from './bindings/OutreachRevision';
import type { OutreachTemplate } from './bindings/OutreachTemplate';
import type { PersonTimeline } from './bindings/PersonTimeline';
import type { Platform } from './bindings/Platform';


export const outreachApi = {
  /** What Hearken says about a draft: do-not-contact, first contact, warnings, problems. Saves nothing. */
  check: (draft: NewOutreach) => call<OutreachCheck>('outreach_check', { draft }),
  /** A message from a template (or none), with the transparency notice filled in for this person. */
  draft: (mentionId: number | null, platform: Platform, handle: string, templateId: number | null) =>
    call<OutreachDraft>('outreach_draft', { mentionId, platform, handle, templateId }),
  /** Refuses a do-not-contact person (code "do_not_contact") and unacknowledged warnings ("needs_confirmation"). */
  log: (draft: NewOutreach) => call<Outreach>('outreach_log', { draft }),
  /** Only the fields that are not null change; each change is kept in the record's history. */
  update: (id: number, change: OutreachChange) => call<Outreach>('outreach_update', { id, change }),
  history: (id: number) => call<OutreachRevision[]>('outreach_history', { id }),
  query: (query: OutreachQuery) => call<OutreachList>('outreach_query', { query }),
  /** Writes the file (to Downloads when `dir` is null) and answers with its path. */
  export: (format: ExportFormat, dir: string | null = null) => call<string>('outreach_export', { format, dir }),
  templates: () => call<OutreachTemplate[]>('templates_list'),
  templateSave: (t: NewTemplate) => call<OutreachTemplate>('template_save', { t }),
  templateDelete: (id: number) => call<null>('template_delete', { id }),
  timeline: (platform: Platform, handle: string) => call<PersonTimeline>('person_timeline', { platform, handle }),
  link: (a: HandleRef, b: HandleRef) => call<PersonTimeline>('person_link', { a, b }),
  unlink: (h: HandleRef) => call<PersonTimeline>('person_unlink', { h }),
};

/** Outreach was logged or changed (here, from the CLI or by a purge); follow-ups fell due. */
export async function onOutreachEvents(handlers: {
  outreachChanged: () => void;
  /** The number of follow-ups due now. */
  followUpDue: (due: number) => void;
}): Promise<() => void> {
  const results = await Promise.allSettled([
    listen('outreach-changed', () => handlers.outreachChanged()),
    listen<number>('follow-up-due', (event) => {
      if (typeof event.payload === 'number') handlers.followUpDue(event.payload);
    }),
  ]);
  const unlisteners: UnlistenFn[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') unlisteners.push(result.value);
    else console.warn('Hearken: could not listen for outreach updates', result.reason);
  }
  return () => {
    for (const unlisten of unlisteners) {
      void Promise.resolve()
        .then(() => unlisten())
        .catch(() => {});
    }
  };
}

/** The core changed privacy data by itself (the daily purge) or from the CLI. */
export async function onPrivacyChanged(handler: () => void): Promise<() => void> {
  try {
    const unlisten = await listen('privacy-changed', () => handler());
    return () => {
      void Promise.resolve()
        .then(() => unlisten())
        .catch(() => {});
    };
  } catch (err) {
    console.warn('Hearken: could not listen for privacy updates', err);
    return () => {};
  }
}
