import type { Theme } from './bindings/Theme';

export const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Same as my computer' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Applies a theme at once; "system" follows prefers-color-scheme in app.css. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}
