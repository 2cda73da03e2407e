import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { api, toAppError } from '../api';
import type { Goal } from '../bindings/Goal';
import type { GuideSession } from '../bindings/GuideSession';
import type { GuideStep } from '../bindings/GuideStep';
import type { GuideWithHidden } from '../bindings/GuideWithHidden';
import type { Handout } from '../bindings/Handout';
import type { NewGuideStep } from '../bindings/NewGuideStep';
import type { StepStatus } from '../bindings/StepStatus';
import { humanize } from '../words';

export type GuideView = 'start' | 'step' | 'end' | 'customise';

/**
 * The Customer guide: the owner's guides, the walk on screen (kept by the
 * core under an anonymous code) and its handout. Nothing here identifies the
 * customer; the core decides which steps a walk covers and where it goes next.
 */
export class GuideState {
  guides = $state.raw<GuideWithHidden[]>([]);
  guidesLoaded = $state(false);
  guidesError = $state<string | null>(null);

  /** What the customer picked on the start view. */
  goal = $state<Goal | null>(null);
  platforms = $state<string[]>([]);
  starting = $state(false);
  startError = $state<string | null>(null);
  resuming = $state(false);
  resumeError = $state<string | null>(null);

  session = $state.raw<GuideSession | null>(null);
  /** Answering or moving: the step's buttons wait. */
  moving = $state(false);
  stepError = $state<string | null>(null);

  handout = $state.raw<Handout | null>(null);
  handoutError = $state<string | null>(null);
  saving = $state(false);
  savedPath = $state<string | null>(null);
  saveError = $state<string | null>(null);

  customising = $state(false);
  /** Per step: why its last Hide / Show / Delete did not work. */
  changeProblems = new SvelteMap<string, string>();
  /** Step ids with a Hide / Show / Delete running. */
  changing = new SvelteSet<string>();

  /** Counts moves to another step or view, so focus can follow the owner. */
  moves = $state(0);

  get view(): GuideView {
    if (this.customising) return 'customise';
    if (!this.session) return 'start';
    return this.session.position >= this.session.steps.length ? 'end' : 'step';
  }

  /** The step on screen, if the walk is not at its end. */
  get step(): GuideStep | null {
    return this.session?.steps[this.session.position] ?? null;
  }

  get status(): StepStatus | null {
    return this.session?.statuses[this.session.position] ?? null;
  }

  get answered(): number {
    return this.session?.statuses.filter((s) => s !== null).length ?? 0;
  }

  /** "Facebook" for "facebook", from the core's guides; readable until they have loaded. */
  platformName(platform: string): string {
    return this.guides.find((g) => g.guide.platform === platform)?.guide.name ?? humanize(platform);
  }

  async loadGuides(): Promise<void> {
    try {
      this.guides = await api.guideList();
      this.guidesError = null;
    } catch (err) {
      this.guidesError = toAppError(err).message;
    } finally {
      this.guidesLoaded = true;
    }
  }

  chooseGoal(goal: Goal): void {
    this.goal = this.goal === goal ? null : goal;
    this.startError = null;
  }

  togglePlatform(platform: string, on: boolean): void {
    const others = this.platforms.filter((p) => p !== platform);
    this.platforms = on ? [...others, platform] : others;
    this.startError = null;
  }

  /** Starts a walk with the chosen apps (in the guides' order) and goal. */
  async start(): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    this.startError = null;
    const order = this.guides.map((g) => g.guide.platform);
    const platforms = [...this.platforms].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    try {
      this.show(await api.guideStart(platforms, this.goal));
    } catch (err) {
      this.startError = toAppError(err).message;
    } finally {
      this.starting = false;
    }
  }

  /** Picks a walk up again from the code the customer noted. */
  async resume(code: string): Promise<boolean> {
    if (this.resuming) return false;
    this.resuming = true;
    this.resumeError = null;
    try {
      this.show(await api.guideResume(code));
      return true;
    } catch (err) {
      this.resumeError = toAppError(err).message;
      return false;
    } finally {
      this.resuming = false;
    }
  }

  /** Records what the customer did with the step on screen; the core moves on. */
  async answer(status: StepStatus): Promise<void> {
    const session = this.session;
    const step = this.step;
    if (!session || !step) return;
    await this.move(() => api.guideAnswer(session.code, step.id, status));
  }

  async go(position: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.move(() => api.guideGo(session.code, position));
  }

  back(): Promise<void> {
    return this.go((this.session?.position ?? 0) - 1);
  }

  forward(): Promise<void> {
    return this.go((this.session?.position ?? 0) + 1);
  }

  /** Back to the last step from the end. */
  backToSteps(): Promise<void> {
    return this.go((this.session?.steps.length ?? 1) - 1);
  }

  /** Fetches the handout for the walk's end (again, e.g. after the shop's details changed). */
  async loadHandout(): Promise<void> {
    const session = this.session;
    if (!session) return;
    try {
      const handout = await api.guideHandout(session.code);
      if (this.session?.code !== session.code) return;
      this.handout = handout;
      this.handoutError = null;
    } catch (err) {
      this.handoutError = toAppError(err).message;
    }
  }

  async saveHandout(): Promise<void> {
    const session = this.session;
    if (!session || this.saving) return;
    this.saving = true;
    this.savedPath = null;
    this.saveError = null;
    try {
      this.savedPath = await api.guideSaveHandout(session.code);
    } catch (err) {
      this.saveError = toAppError(err).message;
    } finally {
      this.saving = false;
    }
  }

  /** For the next customer: forgets the walk on screen and what was picked. */
  newChecklist(): void {
    this.session = null;
    this.handout = null;
    this.handoutError = null;
    this.savedPath = null;
    this.saveError = null;
    this.stepError = null;
    this.goal = null;
    this.platforms = [];
    this.startError = null;
    this.resumeError = null;
    this.moves++;
  }

  openCustomise(): void {
    this.customising = true;
    this.changeProblems.clear();
    this.moves++;
  }

  closeCustomise(): void {
    this.customising = false;
    this.moves++;
  }

  /** Adds the owner's own step. Rejects with an AppError whose message says what to fill in. */
  async addStep(input: NewGuideStep): Promise<GuideStep> {
    const step = await api.guideStepAdd(input);
    await this.loadGuides();
    return step;
  }

  async deleteStep(id: string): Promise<void> {
    await this.change(id, () => api.guideStepDelete(id));
  }

  async setHidden(stepId: string, hidden: boolean): Promise<void> {
    await this.change(stepId, () => api.guideStepHide(stepId, hidden));
  }

  isHidden(stepId: string): boolean {
    return this.guides.some((g) => g.hidden.includes(stepId));
  }

  private show(session: GuideSession): void {
    const previous = this.session;
    this.session = session;
    this.stepError = null;
    if (previous?.code !== session.code) {
      this.handout = null;
      this.savedPath = null;
      this.saveError = null;
    }
    if (previous?.code !== session.code || previous.position !== session.position) this.moves++;
    if (session.position >= session.steps.length) void this.loadHandout();
  }

  private async move(work: () => Promise<GuideSession>): Promise<void> {
    if (this.moving) return;
    this.moving = true;
    this.stepError = null;
    try {
      this.show(await work());
    } catch (err) {
      this.stepError = toAppError(err).message;
    } finally {
      this.moving = false;
    }
  }

  private async change(stepId: string, work: () => Promise<unknown>): Promise<void> {
    if (this.changing.has(stepId)) return;
    this.changing.add(stepId);
    this.changeProblems.delete(stepId);
    try {
      await work();
      await this.loadGuides();
    } catch (err) {
      this.changeProblems.set(stepId, toAppError(err).message);
    } finally {
      this.changing.delete(stepId);
    }
  }
}
