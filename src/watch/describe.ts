// What a watch run or skip says about itself, in words: the same for the headless and TUI frontends.
import { safe } from '../report/format.js';
import type { WatchEvent } from './controller.js';
import type { FileChanges } from './watcher.js';

export function describeChanges(c: FileChanges): string {
  const parts: string[] = [];
  if (c.changed.length) parts.push(`changed ${c.changed.map(safe).join(', ')}`);
  if (c.added.length) parts.push(`added ${c.added.map(safe).join(', ')}`);
  if (c.deleted.length) parts.push(`deleted ${c.deleted.map(safe).join(', ')}`);
  return parts.join(' · ');
}

/** Why a run starts: `changed src/a.ts`, `config changed, rerunning all · …`, `first run`. */
export function describeRun(e: Extract<WatchEvent, { type: 'watch-run' }>): string {
  const changes = e.changes ? describeChanges(e.changes) : '';
  switch (e.why) {
    case 'start':
      return 'first run';
    case 'config':
      return `config changed, rerunning all · ${changes}`;
    case 'save':
      return e.all ? `${changes} · rerunning all` : changes;
    case 'all':
      return 'running all';
    case 'failed':
      return 'rerunning the failing tests';
  }
}

/** Why nothing runs: the saved files reach no selected test file, or the file filter matches none. */
export function describeSkip(e: Extract<WatchEvent, { type: 'watch-skip' }>): string {
  return e.changes ? `${describeChanges(e.changes)} · no test file depends on it` : 'no test file matches the file filter';
}
