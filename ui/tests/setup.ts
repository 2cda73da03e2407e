// uPlot (the Dashboard's charts) needs a canvas and matchMedia as soon as it loads.
import './canvas';
import { clearMocks } from '@tauri-apps/api/mocks';
import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

// Unmount first (components stop listening while the fake core still exists), then drop the fake core.
afterEach(() => {
  cleanup();
  clearMocks();
  document.documentElement.dataset.theme = 'system';
});
