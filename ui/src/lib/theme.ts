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
 * The font stack for the window's text: the desktop's interface font family
 * (from the core, which reads GTK's setting), then `sans-serif`. Nothing
 * else: WebKitGTK looks up every family named before one it finds, for each
 * size and weight on screen, and those lookups made the Inbox's first layout
 * four times slower (see src-tauri/desktop_font.rs).
 */
export function fontStack(family: string | null): string {
  const name = family?.replace(/[\u0000-\u001f\u007f"\\]/g, '').trim();
  return name ? `"${name}", sans-serif` : 'sans-serif';
}

/** Sets the window's text in the desktop's interface font (app.css reads --ui-font). */
export function applyFont(family: string | null): void {
  document.documentElement.style.setProperty('--ui-font', fontStack(family));
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
