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

/**
 * Calls `callback` whenever the colours may have changed: the owner picked
 * another theme, or (with "system") the computer switched between light and
 * dark. Things drawn on a canvas, which CSS cannot restyle, redraw then.
 * Returns the function that stops listening.
 */
export function onThemeChange(callback: () => void): () => void {
  const observer = new MutationObserver(() => callback());
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  media?.addEventListener('change', callback);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', callback);
  };
}
