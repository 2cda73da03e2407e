import { privacyApi, toAppError } from '../api';
import type { AccessExport } from '../bindings/AccessExport';
import type { AuditEntry } from '../bindings/AuditEntry';
import type { AuditVerification } from '../bindings/AuditVerification';
import type { DncEntry } from '../bindings/DncEntry';
import type { ErasureReport } from '../bindings/ErasureReport';
import type { NewDnc } from '../bindings/NewDnc';
import type { NewPrivacyRequest } from '../bindings/NewPrivacyRequest';
import type { PrivacyRequest } from '../bindings/PrivacyRequest';
import type { PrivacySettings } from '../bindings/PrivacySettings';
import type { PurgePlan } from '../bindings/PurgePlan';
import type { PurgeReport } from '../bindings/PurgeReport';
import type { WatchRef } from '../bindings/WatchRef';

export const AUDIT_PAGE = 20;

const NOT_READ = 'Hearken could not read your privacy records. Please try again; if it keeps happening, restart the app.';

/**
 * What the Privacy screen shows, as the core reports it. The core applies
 * every rule (do-not-contact, due dates, what a purge or erasure removes);
 * this store keeps the latest answers. Methods that change something reject
 * with an AppError whose message is written for the owner.
 */
export class PrivacyState {
  loaded = $state(false);
  error = $state<string | null>(null);
  settings = $state.raw<PrivacySettings | null>(null);
  dnc = $state.raw<DncEntry[]>([]);
  requests = $state.raw<PrivacyRequest[]>([]);
  plan = $state.raw<PurgePlan | null>(null);
  lastPurge = $state.raw<PurgeReport | null>(null);
  watchesMissingNotes = $state.raw<WatchRef[]>([]);
  auditCount = $state(0);

  audit = $state.raw<AuditEntry[]>([]);
  auditLoaded = $state(false);
  auditError = $state<string | null>(null);
  /** More (older) entries may be there. */
  auditMore = $state(false);

  async load(): Promise<void> {
    try {
      const o = await privacyApi.privacyOverview();
      if (!o) throw { message: NOT_READ };
      this.settings = o.settings;
      this.dnc = o.do_not_contact;
      this.requests = o.requests;
      this.plan = o.plan;
      this.lastPurge = o.last_purge;
      this.watchesMissingNotes = o.watches_missing_notes;
      this.auditCount = o.audit_entries;
      this.error = null;
    } catch (err) {
      this.error = toAppError(err).message;
    } finally {
      this.loaded = true;
    }
  }

  async addDnc(entry: NewDnc): Promise<DncEntry> {
    const added = await privacyApi.dncAdd(entry);
    this.dnc = await privacyApi.dncList();
    this.afterChange();
    return added;
  }

  async removeDnc(id: number): Promise<void> {
    await privacyApi.dncRemove(id);
    this.dnc = await privacyApi.dncList();
    this.afterChange();
  }

  /** Saves, then asks again what a purge would remove under the saved periods. */
  async saveSettings(settings: PrivacySettings): Promise<PrivacySettings> {
    this.settings = await privacyApi.privacySettingsSave(settings);
    this.afterChange();
    await this.preview();
    return this.settings;
  }

  async preview(): Promise<PurgePlan> {
    this.plan = await privacyApi.purgePreview();
    return this.plan;
  }

  async purge(): Promise<PurgeReport> {
    const report = await privacyApi.purgeRun();
    this.lastPurge = report;
    this.afterChange();
    await this.preview().catch(() => {});
    return report;
  }

  async addRequest(r: NewPrivacyRequest): Promise<PrivacyRequest> {
    const added = await privacyApi.requestAdd(r);
    this.requests = await privacyApi.requestsList();
    this.afterChange();
    return added;
  }

  async exportRequest(id: number): Promise<AccessExport> {
    const done = await privacyApi.privacyExport(id, null);
    this.replaceRequest(done.request);
    this.afterChange();
    return done;
  }

  /** After an erasure the person's do-not-contact entry is only a fingerprint: the lists are read again. */
  async eraseRequest(id: number): Promise<ErasureReport> {
    const report = await privacyApi.privacyErase(id);
    this.replaceRequest(report.request);
    this.afterChange();
    // The person's other requests lose their handle too, and a purge may have less to do.
    await Promise.all([
      privacyApi.dncList().then((list) => (this.dnc = list)),
      privacyApi.requestsList().then((list) => (this.requests = list)),
      this.preview(),
    ]).catch(() => {});
    return report;
  }

  async exportNotes(): Promise<string> {
    return privacyApi.privacyNotesExport(null);
  }

  /** The newest page of the audit trail. */
  async loadAudit(): Promise<void> {
    try {
      const page = (await privacyApi.auditList(null, AUDIT_PAGE)) ?? [];
      this.audit = page;
      this.auditMore = page.length === AUDIT_PAGE;
      this.auditError = null;
    } catch (err) {
      this.auditError = toAppError(err).message;
    } finally {
      this.auditLoaded = true;
    }
  }

  /** The page before the oldest entry shown. Rejects with an AppError. */
  async moreAudit(): Promise<void> {
    const oldest = this.audit[this.audit.length - 1];
    if (!oldest) return;
    const page = await privacyApi.auditList(oldest.id, AUDIT_PAGE);
    this.audit = [...this.audit, ...page.filter((e) => e.id < oldest.id)];
    this.auditMore = page.length === AUDIT_PAGE;
  }

  verifyAudit(): Promise<AuditVerification> {
    return privacyApi.auditVerify();
  }

  private replaceRequest(request: PrivacyRequest) {
    this.requests = this.requests.map((r) => (r.id === request.id ? request : r));
  }

  /** Every change is written to the audit trail: show its newest entries. */
  private afterChange() {
    if (this.auditLoaded) void this.loadAudit();
  }
}
