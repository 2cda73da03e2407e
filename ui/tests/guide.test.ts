import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test, vi } from 'vitest';
import GuideScreen from '../src/lib/components/GuideScreen.svelte';
import { GuideState } from '../src/lib/stores/guide.svelte';
import { FakeGuides, fakeCore, guideStep, refuse, sampleGuides, type Handler } from './backend';

function setUp(guides = new FakeGuides(), extra: Record<string, Handler> = {}) {
  const core = fakeCore({ ...guides.handlers(), ...extra });
  const state = new GuideState();
  const onsettings = vi.fn();
  render(GuideScreen, { guide: state, onsettings });
  return { core, guides, state, onsettings };
}

const byId = (testid: string) => screen.getByTestId(testid);
const text = (testid: string) => byId(testid).textContent?.replace(/\s+/g, ' ').trim();

async function startWith(platforms: string[], goal?: string) {
  await screen.findByTestId('guide-platform-facebook');
  for (const p of platforms) await fireEvent.click(byId(`guide-platform-${p}`));
  if (goal) await fireEvent.click(byId(`guide-goal-${goal}`));
  await fireEvent.click(byId('guide-start'));
  return screen.findByTestId('guide-step');
}

describe('starting a checklist', () => {
  test('the start view reassures the owner that nothing about the customer is asked for', async () => {
    setUp();
    expect(await screen.findByText(/Hearken doesn’t ask for or keep their name/)).toBeTruthy();
    expect(screen.queryByLabelText(/name|email|phone/i)).toBeNull();
    const youtube = (await screen.findByTestId('guide-platform-youtube_google')).closest('li')!;
    expect(youtube.textContent).toContain('YouTube / Google account');
    expect(youtube.textContent).toContain('May be out of date');
    expect(byId('guide-platform-facebook').closest('li')!.textContent).not.toContain('May be out of date');
  });

  test('with only a goal, it asks for that goal from every app', async () => {
    const { core } = setUp();
    await screen.findByTestId('guide-platform-facebook');
    const card = byId('guide-goal-findability');
    expect(card.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(card);
    expect(card.getAttribute('aria-pressed')).toBe('true');
    expect(byId('guide-goal-lockdown').getAttribute('aria-pressed')).toBe('false');

    await fireEvent.click(byId('guide-start'));
    await screen.findByTestId('guide-step');
    expect(core.called('guide_start')[0]!.args).toEqual({ platforms: [], goal: 'findability' });
    expect(text('guide-step-count')).toBe('Step 1 of 3');
  });

  test('picking apps sends them, in the order of the guides', async () => {
    const { core } = setUp();
    await startWith(['google_maps', 'facebook']);
    expect(core.called('guide_start')[0]!.args).toEqual({ platforms: ['facebook', 'google_maps'], goal: null });
  });

  test('shows the core’s reason when nothing was chosen, and stays on the start view', async () => {
    setUp();
    await screen.findByTestId('guide-platform-facebook');
    await fireEvent.click(byId('guide-start'));
    expect((await screen.findByTestId('guide-start-error')).textContent).toBe(
      'Choose the apps the customer uses, or what they want to achieve.',
    );
    expect(screen.queryByTestId('guide-step')).toBeNull();
  });
});

describe('one step at a time', () => {
  test('a step says where to find it, why it matters and what changes', async () => {
    setUp();
    await startWith(['facebook']);
    expect(text('guide-step-platform')).toBe('Facebook');
    expect(text('guide-step-count')).toBe('Step 1 of 2');
    expect(text('guide-step-title')).toBe('Choose who sees your future posts');
    const step = byId('guide-step');
    expect(step.textContent).toContain('On your phone');
    expect(step.textContent).toContain('Menu (☰) → Settings & privacy → Settings → Audience and visibility → Posts');
    expect(step.textContent).toContain('On a computer');
    expect(step.textContent).toContain('Your profile picture → Settings & privacy → Settings → Privacy → Your activity');
    expect(step.textContent).toContain('Facebook remembers the audience you used last.');
    expect(step.textContent).toContain('New posts go to the audience you pick, such as Friends.');
    expect(step.textContent).toContain('Basic');
    expect(step.textContent).toContain('Last checked: 30 Nov 2026');
    expect(text('guide-code')).toBe('K7QM-3PXA');
    expect(step.textContent).toContain('To carry on later, note this code');
    const progress = byId('guide-progress') as HTMLProgressElement;
    expect(progress.value).toBe(0);
    expect(progress.max).toBe(2);
  });

  test('Done records the answer with the step’s id and moves on, with focus on the new title', async () => {
    const { core } = setUp();
    await startWith(['facebook']);
    await fireEvent.click(byId('guide-done'));

    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 2'));
    expect(core.called('guide_answer')[0]!.args).toEqual({
      code: 'K7QM-3PXA',
      step_id: 'facebook-future-posts',
      status: 'done',
    });
    expect(text('guide-step-title')).toBe('Stop search engines linking to your profile');
    expect((byId('guide-progress') as HTMLProgressElement).value).toBe(1);
    await waitFor(() => expect(document.activeElement).toBe(byId('guide-step-title')));
  });

  test('Skip and Doesn’t apply send their own statuses', async () => {
    const { core } = setUp();
    await startWith(['facebook']);
    await fireEvent.click(byId('guide-skip'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 2'));
    await fireEvent.click(byId('guide-na'));
    await screen.findByTestId('guide-end');
    expect(core.called('guide_answer').map((c) => c.args.status)).toEqual(['skipped', 'not_applicable']);
  });

  test('Back is disabled on the first step, and goes one step back after that, showing the answer given', async () => {
    const { core } = setUp();
    await startWith(['facebook']);
    expect((byId('guide-back') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(byId('guide-done'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 2'));
    expect((byId('guide-back') as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(byId('guide-back'));

    await waitFor(() => expect(text('guide-step-count')).toBe('Step 1 of 2'));
    expect(core.called('guide_go')[0]!.args).toEqual({ code: 'K7QM-3PXA', position: 0 });
    expect(byId('guide-done').getAttribute('aria-pressed')).toBe('true');
    expect(byId('guide-skip').getAttribute('aria-pressed')).toBe('false');
    expect(byId('guide-step').textContent).toContain('Marked: Done');
  });

  test('"Stop here for now" leaves the walk for the next customer; its code brings it back', async () => {
    const { core } = setUp();
    await startWith(['facebook']);
    await fireEvent.click(byId('guide-done'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 2'));
    const code = text('guide-code')!;
    await fireEvent.click(byId('guide-leave'));
    const input = (await screen.findByTestId('guide-resume-code')) as HTMLInputElement;
    expect(screen.queryByTestId('guide-step')).toBeNull();
    await fireEvent.input(input, { target: { value: code.toLowerCase() } });
    await fireEvent.click(byId('guide-resume'));
    await screen.findByTestId('guide-step');
    expect(core.called('guide_resume')[0]!.args).toEqual({ code: code.toLowerCase() });
    expect(text('guide-step-count')).toBe('Step 2 of 2');
  });

  test('Forward moves on without answering', async () => {
    const { core } = setUp();
    await startWith(['facebook']);
    await fireEvent.click(byId('guide-forward'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 2'));
    expect(core.called('guide_go')[0]!.args).toEqual({ code: 'K7QM-3PXA', position: 1 });
    expect(core.called('guide_answer')).toHaveLength(0);
  });

  test('“Not yet confirmed” shows only for a shipped step without a help page', async () => {
    setUp();
    await startWith(['facebook']);
    expect(screen.queryByText(/Not yet confirmed against the platform’s own help page/)).toBeNull();
    await fireEvent.click(byId('guide-forward'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 2'));
    expect(screen.getByText(/Not yet confirmed against the platform’s own help page/)).toBeTruthy();
    // Its website path is the app's: said briefly rather than repeated.
    expect(byId('guide-step').textContent).toContain('The same as on the phone.');
  });

  test('the owner’s own step is marked, and not called unconfirmed', async () => {
    const guides = sampleGuides();
    guides[0]!.steps = [guideStep({ id: 'custom-1', title: 'Hide your birthday', reference: null, custom: true })];
    setUp(new FakeGuides(guides));
    await startWith(['facebook']);
    expect(byId('guide-step').textContent).toContain('Your own step');
    expect(screen.queryByText(/Not yet confirmed/)).toBeNull();
  });

  test('a guide past its review period says menus may have moved', async () => {
    setUp();
    await startWith(['facebook', 'youtube_google']);
    expect(screen.queryByText(/This guide may be out of date/)).toBeNull();
    await fireEvent.click(byId('guide-forward'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 3'));
    await fireEvent.click(byId('guide-forward'));
    await waitFor(() => expect(text('guide-step-platform')).toBe('YouTube / Google account'));
    expect(screen.getByText('This guide may be out of date — menus may have moved.')).toBeTruthy();
    expect(byId('guide-step').textContent).toContain('Stronger');
  });
});

describe('the end and the handout', () => {
  async function walkToTheEnd(guides = new FakeGuides()) {
    const setup = setUp(guides);
    await startWith(['facebook', 'google_maps']);
    await fireEvent.click(byId('guide-done'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 2 of 3'));
    await fireEvent.click(byId('guide-skip'));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 3 of 3'));
    await fireEvent.click(byId('guide-na'));
    await screen.findByTestId('handout');
    return setup;
  }

  test('shows what was done, what is left and where, and when to check again', async () => {
    const { core } = await walkToTheEnd();
    expect(byId('guide-end').textContent).toContain('1 step done · 1 step still to do · 1 didn’t apply.');
    const handout = byId('handout');
    expect(handout.textContent).toContain('Your privacy settings checklist');
    expect(handout.textContent).toContain('Corner Bakery');
    expect(handout.textContent).toContain('01234 567890 · hello@bakery.example');
    expect(handout.textContent).toContain('Made on 30 November 2026');
    expect(text('handout-recheck')).toContain('Check these settings again around 28 February 2027');

    const done = within(byId('handout-done')).getAllByRole('listitem');
    expect(done.map((li) => li.textContent?.trim())).toEqual(['Facebook: Choose who sees your future posts']);
    const todo = within(byId('handout-todo')).getAllByRole('listitem');
    expect(todo).toHaveLength(1);
    expect(todo[0]!.textContent).toContain('Stop search engines linking to your profile');
    expect(todo[0]!.textContent).toContain('On your phone: Menu (☰) → Settings & privacy → How people find and contact you');
    // Same path on the website: not repeated.
    expect(todo[0]!.textContent).not.toContain('On a computer');
    expect(handout.textContent).toContain('1 step didn’t apply.');
    expect(handout.textContent).toContain('K7QM-3PXA');
    expect(core.called('guide_handout')[0]!.args).toEqual({ code: 'K7QM-3PXA' });
    await waitFor(() => expect(document.activeElement?.textContent).toBe('That’s the whole checklist'));
  });

  test('step text is shown as text, never as markup', async () => {
    const guides = sampleGuides();
    guides[0]!.steps[1]!.title = 'Hide <img src=x onerror=alert(1)> from strangers';
    await walkToTheEnd(new FakeGuides(guides));
    expect(byId('handout-todo').textContent).toContain('Hide <img src=x onerror=alert(1)> from strangers');
    expect(byId('guide-end').querySelector('img')).toBeNull();
  });

  test('saving as a web page shows where the file went', async () => {
    const { core } = await walkToTheEnd();
    await fireEvent.click(byId('guide-save'));
    expect((await screen.findByTestId('guide-saved-path')).textContent).toBe(
      'Saved to /home/sam/Downloads/privacy-checklist-K7QM3PXA.html',
    );
    expect(core.called('guide_save_handout')[0]!.args).toEqual({ code: 'K7QM-3PXA' });
  });

  test('a failed save says why', async () => {
    const guides = new FakeGuides();
    const { core } = setUp(guides, {
      guide_save_handout: refuse('io', 'The handout could not be saved: the Downloads folder is full.'),
    });
    await startWith(['google_maps']);
    await fireEvent.click(byId('guide-done'));
    await screen.findByTestId('handout');
    await fireEvent.click(byId('guide-save'));
    expect(await screen.findByText('The handout could not be saved: the Downloads folder is full.')).toBeTruthy();
    expect(screen.queryByTestId('guide-saved-path')).toBeNull();
    expect(core.called('guide_save_handout')).toHaveLength(1);
  });

  test('printing uses the browser’s print dialog', async () => {
    await walkToTheEnd();
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    await fireEvent.click(byId('guide-print'));
    expect(print).toHaveBeenCalledOnce();
    print.mockRestore();
  });

  test('without the shop’s contact details, a note offers to open Settings', async () => {
    const guides = new FakeGuides();
    guides.business = { name: 'Corner Bakery', contact: '' };
    const { onsettings } = await walkToTheEnd(guides);
    expect(screen.getByText('Add your shop’s contact details so they appear on the handout.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Go to Settings' }));
    expect(onsettings).toHaveBeenCalledOnce();
  });

  test('with the details filled in there is no note', async () => {
    await walkToTheEnd();
    expect(screen.queryByText(/Add your shop’s contact details/)).toBeNull();
  });

  test('“Back to the steps” returns to the last step', async () => {
    const { core } = await walkToTheEnd();
    await fireEvent.click(screen.getByRole('button', { name: /Back to the steps/ }));
    await waitFor(() => expect(text('guide-step-count')).toBe('Step 3 of 3'));
    expect(core.called('guide_go').at(-1)!.args).toEqual({ code: 'K7QM-3PXA', position: 2 });
    expect(byId('guide-na').getAttribute('aria-pressed')).toBe('true');
  });

  test('a new checklist starts from nothing', async () => {
    await walkToTheEnd();
    await fireEvent.click(byId('guide-new'));
    await screen.findByTestId('guide-start');
    expect(screen.queryByTestId('handout')).toBeNull();
    expect((byId('guide-platform-facebook') as HTMLInputElement).checked).toBe(false);
    expect(byId('guide-goal-lockdown').getAttribute('aria-pressed')).toBe('false');
  });
});

describe('continuing a checklist', () => {
  test('the code as typed opens the walk where it was left', async () => {
    const guides = new FakeGuides();
    guides.start(['facebook'], null);
    guides.go('K7QM-3PXA', 1);
    const { core } = setUp(guides);

    await fireEvent.input(await screen.findByTestId('guide-resume-code'), { target: { value: 'k7qm3pxa' } });
    await fireEvent.click(byId('guide-resume'));

    await screen.findByTestId('guide-step');
    expect(core.called('guide_resume')[0]!.args).toEqual({ code: 'k7qm3pxa' });
    expect(text('guide-step-count')).toBe('Step 2 of 2');
    expect(text('guide-step-title')).toBe('Stop search engines linking to your profile');
    expect(text('guide-code')).toBe('K7QM-3PXA');
  });

  test('a finished walk opens at its handout', async () => {
    const guides = new FakeGuides();
    guides.start(['google_maps'], null);
    guides.go('K7QM-3PXA', 1);
    setUp(guides);
    await fireEvent.input(await screen.findByTestId('guide-resume-code'), { target: { value: 'K7QM-3PXA' } });
    await fireEvent.click(byId('guide-resume'));
    expect(await screen.findByTestId('handout')).toBeTruthy();
  });

  test('an unknown code says so', async () => {
    setUp();
    await fireEvent.input(await screen.findByTestId('guide-resume-code'), { target: { value: 'ZZZZ-9999' } });
    await fireEvent.click(byId('guide-resume'));
    expect(await screen.findByText(/No checklist has the code ZZZZ-9999/)).toBeTruthy();
    expect(screen.queryByTestId('guide-step')).toBeNull();
    expect((byId('guide-resume-code') as HTMLInputElement).value).toBe('ZZZZ-9999');
  });
});

describe('customising the guides', () => {
  async function openCustomise(guides = new FakeGuides()) {
    const setup = setUp(guides);
    await screen.findByTestId('guide-platform-facebook');
    await fireEvent.click(byId('guide-customise'));
    await screen.findByTestId('guide-customise-view');
    return setup;
  }

  function rowOf(title: string): HTMLElement {
    return screen.getByText(title).closest('li')!;
  }

  test('lists every step per app and says changes are kept across updates', async () => {
    await openCustomise();
    const view = byId('guide-customise-view');
    expect(view.textContent).toContain('Your changes are kept when Hearken’s guides are updated.');
    for (const name of ['Facebook', 'YouTube / Google account', 'Google Maps reviews']) {
      expect(within(view).getByRole('heading', { name })).toBeTruthy();
    }
    expect(within(view).getAllByTestId('guide-customise-step')).toHaveLength(4);
  });

  test('Hide and Show tell the core, and a hidden step is marked', async () => {
    const { core } = await openCustomise();
    await fireEvent.click(within(rowOf('Keep your subscriptions private')).getByRole('button', { name: /^Hide/ }));
    await waitFor(() =>
      expect(rowOf('Keep your subscriptions private').textContent).toContain('Hidden — not used in new checklists'),
    );
    expect(core.called('guide_step_hide')[0]!.args).toEqual({ step_id: 'youtube-subscriptions', hidden: true });

    await fireEvent.click(within(rowOf('Keep your subscriptions private')).getByRole('button', { name: /^Show/ }));
    await waitFor(() => expect(rowOf('Keep your subscriptions private').textContent).not.toContain('Hidden'));
    expect(core.called('guide_step_hide')[1]!.args).toEqual({ step_id: 'youtube-subscriptions', hidden: false });
  });

  test('a hide the core refuses shows its reason on that step', async () => {
    fakeCore({
      ...new FakeGuides().handlers(),
      guide_step_hide: refuse('store', 'The change could not be saved: the disk is full.'),
    });
    render(GuideScreen, { guide: new GuideState(), onsettings: () => {} });
    await fireEvent.click(await screen.findByTestId('guide-customise'));
    await fireEvent.click(within(rowOf('Restrict your Maps profile')).getByRole('button', { name: /^Hide/ }));
    await waitFor(() =>
      expect(rowOf('Restrict your Maps profile').textContent).toContain('The change could not be saved: the disk is full.'),
    );
  });

  test('adding a step shows the core’s message and keeps what was typed', async () => {
    const { core } = await openCustomise();
    const form = byId('custom-step-form');
    await fireEvent.change(within(form).getByLabelText('Which app?'), { target: { value: 'google_maps' } });
    await fireEvent.input(within(form).getByLabelText('What the setting is'), { target: { value: 'Hide your photos' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Add step' }));

    expect((await within(form).findByRole('alert')).textContent).toBe('Fill in where to find it in the phone app.');
    expect((within(form).getByLabelText('What the setting is') as HTMLInputElement).value).toBe('Hide your photos');
    expect(core.called('guide_step_add')[0]!.args.input).toMatchObject({ platform: 'google_maps', title: 'Hide your photos' });
  });

  test('a complete step is added, marked as the owner’s, and the form empties', async () => {
    const { core } = await openCustomise();
    const form = byId('custom-step-form');
    const fill = (label: string, value: string) => fireEvent.input(within(form).getByLabelText(label), { target: { value } });
    await fireEvent.change(within(form).getByLabelText('Which app?'), { target: { value: 'google_maps' } });
    await fill('What the setting is', 'Hide your photos');
    await fill('Where to find it in the phone app', 'Your profile → Photos → Hide');
    await fill('Why it matters', 'Photos show where you go.');
    await fill('What changes once it is set', 'Only you see your photos.');
    await fireEvent.click(within(form).getByLabelText('Stronger'));
    await fireEvent.click(within(form).getByLabelText('helps stop strangers finding them'));
    await fireEvent.click(within(form).getByRole('button', { name: 'Add step' }));

    expect(await within(form).findByText('Added “Hide your photos” to the Google Maps reviews guide.')).toBeTruthy();
    expect(core.called('guide_step_add')[0]!.args.input).toEqual({
      platform: 'google_maps',
      title: 'Hide your photos',
      where_app: 'Your profile → Photos → Hide',
      where_web: '',
      why: 'Photos show where you go.',
      what_changes: 'Only you see your photos.',
      strength: 'strong',
      goals: ['findability'],
    });
    expect((within(form).getByLabelText('What the setting is') as HTMLInputElement).value).toBe('');
    expect((within(form).getByLabelText('helps stop strangers finding them') as HTMLInputElement).checked).toBe(false);
    await waitFor(() => expect(rowOf('Hide your photos').textContent).toContain('Your own step'));
  });

  test('the owner’s own step can be deleted, after saying yes', async () => {
    const guides = sampleGuides();
    guides[2]!.steps.push(guideStep({ id: 'custom-9', platform: 'google_maps', title: 'Hide your photos', custom: true }));
    const { core } = await openCustomise(new FakeGuides(guides));
    expect(within(rowOf('Restrict your Maps profile')).queryByRole('button', { name: /^Delete/ })).toBeNull();

    await fireEvent.click(within(rowOf('Hide your photos')).getByRole('button', { name: /^Delete/ }));
    expect(core.called('guide_step_delete')).toHaveLength(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.getByText('Hide your photos')).toBeTruthy();

    await fireEvent.click(within(rowOf('Hide your photos')).getByRole('button', { name: /^Delete/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Delete the step' }));
    await waitFor(() => expect(screen.queryByText('Hide your photos')).toBeNull());
    expect(core.called('guide_step_delete')[0]!.args).toEqual({ id: 'custom-9' });
  });

  test('going back returns to the start view', async () => {
    await openCustomise();
    await fireEvent.click(screen.getByRole('button', { name: /Back to the customer guide/ }));
    expect(await screen.findByTestId('guide-start')).toBeTruthy();
  });
});
