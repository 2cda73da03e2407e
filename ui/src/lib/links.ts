// Platform links are untrusted: only https links open, and only in the system browser.
import { openUrl } from '@tauri-apps/plugin-opener';

export function isOpenableUrl(url: string | null | undefined): url is string {
  return typeof url === 'string' && url.startsWith('https://') && !/\s/.test(url);
}

export async function openOriginal(url: string): Promise<void> {
  if (!isOpenableUrl(url)) throw new Error('Only secure (https) links can be opened.');
  await openUrl(url);
}
