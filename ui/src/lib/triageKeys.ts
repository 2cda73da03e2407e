// The Inbox's one-key commands, as a table: the screen acts on them, the help
// panel lists them, and neither can drift from the other.
import type { MentionStatus } from './bindings/MentionStatus';

export type TriageCommand =
  | { kind: 'move'; by: 1 | -1 }
  | { kind: 'open' }
  | { kind: 'toggle' }
  | { kind: 'select-all' }
  | { kind: 'status'; status: MentionStatus }
  | { kind: 'label' }
  | { kind: 'escape' }
  | { kind: 'help' }
  | { kind: 'search' };

export const STATUS_KEYS: Record<string, MentionStatus> = {
  r: 'needs_reply',
  c: 'contacted',
  e: 'resolved',
  i: 'ignored',
  n: 'new',
};

/** The key that sets each status, for hints on the buttons. */
export const KEY_FOR_STATUS: Record<MentionStatus, string> = {
  needs_reply: 'r',
  contacted: 'c',
  resolved: 'e',
  ignored: 'i',
  new: 'n',
};

/** The help panel's rows. */
export const KEY_HELP: { keys: string[]; what: string }[] = [
  { keys: ['j', '↓'], what: 'Next mention' },
  { keys: ['k', '↑'], what: 'Previous mention' },
  { keys: ['Enter', 'o'], what: 'Open the mention' },
  { keys: ['x'], what: 'Select or unselect the mention' },
  { keys: ['Shift + x'], what: 'Select all loaded mentions (again to clear)' },
  { keys: ['r'], what: 'Needs reply' },
  { keys: ['c'], what: 'Contacted' },
  { keys: ['e'], what: 'Done' },
  { keys: ['i'], what: 'Ignored' },
  { keys: ['n'], what: 'Back to new' },
  { keys: ['l'], what: 'Correct the label' },
  { keys: ['/'], what: 'Search' },
  { keys: ['Esc'], what: 'Close the mention, then clear the selection' },
  { keys: ['?'], what: 'Show or hide these keys' },
];

const TEXT_INPUT_TYPES = new Set([
  'text',
  'search',
  'url',
  'email',
  'password',
  'number',
  'tel',
  'date',
  'datetime-local',
  'month',
  'week',
  'time',
]);

/** Focus is somewhere keys type or choose (a text box, a menu): single keys are not commands there. */
export function isTextEntry(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(el.type);
  return el instanceof HTMLElement && el.isContentEditable;
}

/** What a key press means in the Inbox, or null when it means nothing here. */
export function triageCommand(event: KeyboardEvent): TriageCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const key = event.key;
  if (key === 'Escape') return { kind: 'escape' };
  if (key === '?') return { kind: 'help' };
  if (key === 'X') return { kind: 'select-all' };
  if (event.shiftKey) return null;
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return { kind: 'move', by: 1 };
    case 'k':
    case 'ArrowUp':
      return { kind: 'move', by: -1 };
    case 'Enter':
    case 'o':
      return { kind: 'open' };
    case 'x':
      return { kind: 'toggle' };
    case 'l':
      return { kind: 'label' };
    case '/':
      return { kind: 'search' };
  }
  const status = STATUS_KEYS[key];
  return status ? { kind: 'status', status } : null;
}
