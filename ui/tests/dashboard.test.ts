import { emit } from '@tauri-apps/api/event';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import App from '../src/App.svelte';
import type { Dashboard } from '../src/lib/bindings/Dashboard';
import type { DashboardQuery } from '../src/lib/bindings/DashboardQuery';
import { dashboardData, fakeCore, watch, type Handler } from './backend';

/** A busy month: 3 March has 6 mentions, other days 1 to 4; nothing on 1 March is scored. */
function busyMonth(overrides: Partial<Dashboard> = {}): Dashboard {
  const d = dashboardData();
  const buckets = d.buckets.map((b, i) => {
    const complaint = i === 17 ? 3 : i % 5 === 0 ? 1 : 0;
    const negative = i % 3 === 0 ? 1 : 0;
    const positive = i === 17 ? 3 : i % 2 === 0 ? 2 : 1;
    const total = complaint + negative + positive;
    return {
      ...b,
      total,
      labels: { complaint, negative, neutral: 0, positive, unscored: 0 },
      mean_sentiment: i === 15 ? null : (positive - complaint - negative) / (2 * total),
    };
  });
  const sum = (k: 'complaint' | 'negative' | 'positive') => buckets.reduce((a, b) => a + b.labels[k], 0);
  return {
    ...d,
    buckets,
    total: buckets.reduce((a, b) => a + b.total, 0),
    labels: { complaint: sum('complaint'), negative: sum('negative'), neutral: 0, positive: sum('positive'), unscored: 0 },
    mean_sentiment: 0.21,
    by_platform: [
      { platform: 'mastodon', total: 50, unhappy: 12 },
      { platform: 'x', total: 20, unhappy: 9 },
    ],
    by_watch: [{ watch_id: 7, name: 'Shop name', total: 61, unhappy: 18 }],
    open_complaints: 3,
    median_first_contact_secs: 3 * 3600 + 20 * 60,
    contacted: 12,
    any_mentions: true,
    ...overrides,
  };
}

async function openDashboard(handlers: Record<string, Handler>) {
  const core = fakeCore(handlers);
  render(App);
  await screen.findByTestId('screen-inbox');
  await fireEvent.click(screen.getByTestId('nav-dashboard'));
  const root = await screen.findByTestId('screen-dashboard');
  return { core, root };
}

function queries(core: ReturnType<typeof fakeCore>): DashboardQuery[] {
  return core.called('dashboard').map((c) => c.args.query as DashboardQuery);
}

/** The uPlot legend's rows, as uPlot drew them: label and colour. */
function legend(chart: HTMLElement): { label: string; colour: string }[] {
  return [...chart.querySelectorAll<HTMLElement>('.u-legend .u-series')]
    .slice(1)
    .map((row) => ({
      label: row.querySelector('.u-label')?.textContent ?? '',
      // uPlot fills a bar's marker and outlines a line's.
      colour: (() => {
        const marker = row.querySelector<HTMLElement>('.u-marker');
        return marker?.style.backgroundColor || marker?.style.borderColor || '';
      })(),
    }));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the dashboard', () => {
  test('sits in the sidebar right after the Inbox', async () => {
    fakeCore();
    render(App);
    await screen.findByTestId('screen-inbox');
    const items = [...screen.getByRole('navigation', { name: 'Main' }).querySelectorAll('[data-testid^="nav-"]')].map((e) =>
      e.getAttribute('data-testid'),
    );
    expect(items.slice(0, 3)).toEqual(['nav-inbox', 'nav-dashboard', 'nav-outreach']);
  });

  test('shows the tiles, both charts with their summaries, the table and the breakdowns', async () => {
    const { root } = await openDashboard({ dashboard: () => busyMonth() });
    const tiles = await within(root).findByTestId('tile-mentions');
    expect(tiles.textContent).toContain(String(busyMonth().total));
    expect(tiles.textContent).toContain('in the last 30 days');
    expect(screen.getByTestId('tile-open-complaints-value').textContent).toBe('3');
    expect(screen.getByTestId('tile-first-contact-value').textContent).toBe('3 h 20 min');
    expect(screen.getByTestId('tile-first-contact').textContent).toContain('median over 12 mentions you contacted');
    expect(screen.getByTestId('tile-sentiment-value').textContent).toBe('Positive');

    const volume = screen.getByTestId('chart-volume');
    expect(volume.getAttribute('role')).toBe('img');
    expect(volume.getAttribute('aria-label')).toBe('Bar chart of mentions per day in the last 30 days, by label');
    await waitFor(() => expect(volume.querySelector('.uplot canvas')).toBeTruthy());
    // Top of the stack first; no layer for a label nobody got (neutral, unscored).
    expect(legend(volume).map((l) => l.label)).toEqual(['Positive', 'Negative', 'Complaints']);
    expect(screen.getByTestId('volume-summary').textContent).toMatch(
      /^\d+ mentions in the last 30 days: 9 complaints \(\d+%\), \d+ negative, 0 neutral, \d+ positive\. The busiest day was 3 Mar 2026, with 6 mentions\.$/,
    );
    const sentiment = screen.getByTestId('chart-sentiment');
    await waitFor(() => expect(legend(sentiment).map((l) => l.label)).toEqual(['Average sentiment']));
    expect(screen.getByTestId('sentiment-summary').textContent).toContain('positive (+0.21 on a scale from −1 to +1)');

    const table = within(screen.getByTestId('dashboard-table')).getByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(31);
    expect(rows[16]?.textContent).toContain('1 Mar 2026');
    expect(rows[16]?.textContent).toContain('–'); // that day has nothing scored

    const platforms = screen
      .getAllByTestId('by-platform-row')
      .map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent?.trim()));
    expect(platforms).toEqual([
      ['Mastodon', '50', '12'],
      ['X (Twitter)', '20', '9'],
    ]);
    expect(screen.getByTestId('by-watch').textContent).toContain('Shop name');
  });

  test('choosing a period or a filter asks the core again, with the owner’s own time zone', async () => {
    const { core } = await openDashboard({
      dashboard: (a) => busyMonth({ range: (a.query as DashboardQuery).range }),
      watches_list: () => [watch({ id: 7, name: 'Shop name' })],
    });
    await screen.findByTestId('chart-volume');
    expect(queries(core)).toEqual([{ range: '30d', platform: null, watch_id: null, utc_offset_minutes: 0 - new Date().getTimezoneOffset() }]);

    await fireEvent.click(screen.getByTestId('dashboard-range-1y'));
    await waitFor(() => expect(queries(core).at(-1)?.range).toBe('1y'));
    expect(screen.getByTestId('dashboard-range-1y').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('dashboard-range-30d').getAttribute('aria-pressed')).toBe('false');
    await waitFor(() => expect(screen.getByTestId('tile-mentions').textContent).toContain('in the last 12 months'));

    await fireEvent.change(screen.getByTestId('dashboard-platform'), { target: { value: 'mastodon' } });
    await waitFor(() => expect(queries(core).at(-1)).toMatchObject({ range: '1y', platform: 'mastodon', watch_id: null }));
    const watchSelect = await screen.findByTestId('dashboard-watch');
    await fireEvent.change(watchSelect, { target: { value: '7' } });
    await waitFor(() => expect(queries(core).at(-1)).toMatchObject({ platform: 'mastodon', watch_id: 7 }));
    await waitFor(() => expect(screen.getByTestId('tile-mentions').textContent).toContain('on Mastodon caught by “Shop name”'));
  });

  test('the charts are drawn again in the new theme’s colours', async () => {
    await openDashboard({ dashboard: () => busyMonth() });
    const chart = await screen.findByTestId('chart-volume');
    document.documentElement.dataset.theme = 'light';
    await waitFor(() => expect(legend(chart).find((l) => l.label === 'Complaints')?.colour).toBe('rgb(179, 65, 44)'));
    const before = chart.querySelector('.uplot');

    document.documentElement.dataset.theme = 'dark';
    await waitFor(() => expect(legend(chart).find((l) => l.label === 'Complaints')?.colour).toBe('rgb(240, 144, 126)'));
    expect(chart.querySelector('.uplot')).not.toBe(before);
    expect(chart.querySelectorAll('.uplot')).toHaveLength(1);
    await waitFor(() => expect(legend(screen.getByTestId('chart-sentiment'))[0]?.colour).toBe('rgb(124, 196, 173)'));
  });

  test('the charts follow their box when the window is resized', async () => {
    const resizers: (() => void)[] = [];
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(callback: () => void) {
          resizers.push(callback);
        }
        observe(): void {}
        disconnect(): void {}
      },
    );
    await openDashboard({ dashboard: () => busyMonth() });
    const chart = await screen.findByTestId('chart-volume');
    const wrap = () => chart.querySelector('.u-wrap') as HTMLElement | null;
    await waitFor(() => expect(wrap()?.style.width).toBe('640px'));
    Object.defineProperty(chart, 'clientWidth', { configurable: true, value: 900 });
    for (const resized of resizers) resized();
    await waitFor(() => expect(wrap()?.style.width).toBe('900px'));
    expect(chart.querySelectorAll('.uplot')).toHaveLength(1);
  });

  test('leaving the screen takes the charts down', async () => {
    await openDashboard({ dashboard: () => busyMonth() });
    await screen.findByTestId('chart-volume');
    await waitFor(() => expect(document.querySelectorAll('.uplot')).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('nav-inbox'));
    await screen.findByTestId('screen-inbox');
    expect(document.querySelectorAll('.uplot')).toHaveLength(0);
  });

  test('new mentions and triage in the Inbox refresh the figures while it is open', async () => {
    let open = 3;
    const { core } = await openDashboard({ dashboard: () => busyMonth({ open_complaints: open }) });
    await waitFor(() => expect(screen.getByTestId('tile-open-complaints-value').textContent).toBe('3'));
    open = 2;
    await emit('inbox-changed');
    await waitFor(() => expect(screen.getByTestId('tile-open-complaints-value').textContent).toBe('2'));
    open = 4;
    await emit('mentions-added', { count: 2 });
    await waitFor(() => expect(screen.getByTestId('tile-open-complaints-value').textContent).toBe('4'));
    const asked = core.called('dashboard').length;

    await fireEvent.click(screen.getByTestId('nav-inbox'));
    await screen.findByTestId('screen-inbox');
    await emit('inbox-changed');
    await new Promise((r) => setTimeout(r, 20));
    expect(core.called('dashboard')).toHaveLength(asked);
  });

  test('with no mentions at all it says so and offers a way in', async () => {
    const { core } = await openDashboard({});
    const empty = await screen.findByTestId('dashboard-empty');
    expect(empty.textContent).toContain('Nothing to chart yet');
    expect(screen.queryByTestId('chart-volume')).toBeNull();
    await fireEvent.click(within(empty).getByRole('button', { name: 'Add a source' }));
    expect(await screen.findByTestId('screen-sources')).toBeTruthy();
    expect(core.called('dashboard')).toHaveLength(1);
  });

  test('a quiet period says so instead of drawing empty charts, and still counts open complaints', async () => {
    await openDashboard({ dashboard: () => dashboardData({ any_mentions: true, open_complaints: 1 }) });
    expect((await screen.findByTestId('dashboard-none-in-range')).textContent).toContain('No mentions in the last 30 days');
    expect(screen.getByTestId('tile-open-complaints-value').textContent).toBe('1');
    expect(screen.getByTestId('tile-first-contact-value').textContent).toBe('No contacts yet');
    expect(screen.queryByTestId('chart-volume')).toBeNull();
  });

  test('a failure says what happened and can be tried again', async () => {
    let fail = true;
    await openDashboard({
      dashboard: () => (fail ? Promise.reject({ code: 'database', message: 'Hearken could not read its database.' }) : busyMonth()),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Hearken could not read its database.');
    fail = false;
    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('chart-volume')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
