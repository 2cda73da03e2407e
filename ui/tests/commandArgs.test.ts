// The names each api.ts call passes must be the names the Rust command takes,
// as Tauri spells them on the wire (camelCase unless the command says
// `rename_all = "snake_case"`). The fake cores in these tests accept whatever
// the UI sends, so only this check catches a mismatch before the real app does.
import { describe, expect, it } from 'vitest';
import apiSource from '../src/lib/api.ts?raw';

const commandSources = import.meta.glob<string>('../../src-tauri/commands/*.rs', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Rust command → the argument keys the web view must send. */
function rustCommands(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const src of Object.values(commandSources)) {
    const re = /#\[tauri::command(\(rename_all = "snake_case"\))?\]\s*pub (?:async )?fn (\w+)\s*(?:<[^>]*>)?\(([^)]*)\)/g;
    for (const m of src.matchAll(re)) {
      const snake = Boolean(m[1]);
      const params = m[3]!
        .replace(/<[^>]*>/g, '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
        .filter((p) => !/:\s*(State|AppHandle|Window|WebviewWindow|tauri::)/.test(p))
        .map((p) => p.split(':')[0]!.trim().replace(/^mut\s+/, ''))
        .map((name) => (snake ? name : name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())));
      out.set(m[2]!, params.sort());
    }
  }
  return out;
}

/** Every `call<…>('command', { keys })` in api.ts. */
function uiCalls(): { command: string; keys: string[] }[] {
  const src = apiSource;
  const calls: { command: string; keys: string[] }[] = [];
  const re = /call<[^(]*>\(\s*'(\w+)'\s*(?:,\s*\{([^}]*)\})?\s*\)/g;
  for (const m of src.matchAll(re)) {
    const keys = (m[2] ?? '')
      .split(',')
      .map((k) => k.trim().split(':')[0]!.trim())
      .filter(Boolean)
      .sort();
    calls.push({ command: m[1]!, keys });
  }
  return calls;
}

describe('the web view calls the Rust commands with their own argument names', () => {
  const rust = rustCommands();
  const calls = uiCalls();

  it('finds the commands and the calls', () => {
    expect(rust.size).toBeGreaterThan(50);
    expect(calls.length).toBeGreaterThan(50);
  });

  it('every call names a command that exists, with exactly its arguments', () => {
    const wrong = calls
      .filter(({ command, keys }) => {
        const want = rust.get(command);
        // Optional arguments may be left out; unknown ones never pass.
        return !want || keys.some((k) => !want.includes(k));
      })
      .map(({ command, keys }) => `${command}({${keys.join(', ')}}) but Rust takes (${rust.get(command)?.join(', ') ?? 'no such command'})`);
    expect(wrong).toEqual([]);
  });
});
