// chokidar over the project root: file events, debounced into one batch per burst of saves.
import { relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { trace, traceFile } from './trace.js';

export interface FileChanges {
  /** Created files (root-relative posix paths). */
  added: string[];
  /** Modified files. */
  changed: string[];
  /** Deleted files. */
  deleted: string[];
}

/** Directories never watched: dependencies, VCS, qa's cache, build output. */
const IGNORED_DIRS = new Set(['node_modules', '.git', '.qa', 'dist']);

export function isIgnored(rel: string): boolean {
  return rel.split('/').some((part) => IGNORED_DIRS.has(part));
}

export class FileWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Last event per file: a file created then changed is added; changed then deleted is deleted. */
  private pending = new Map<string, 'add' | 'change' | 'unlink'>();

  constructor(
    private root: string,
    private onBatch: (changes: FileChanges) => void,
    private debounceMs = 100,
  ) {}

  /** Resolves once the initial scan is done and events will be seen. */
  start(): Promise<void> {
    const watcher = watch(this.root, {
      ignoreInitial: true,
      ignored: (path: string) => {
        if (path === traceFile) return true;
        const rel = this.rel(path);
        return rel !== '' && isIgnored(rel);
      },
    });
    this.watcher = watcher;
    const record = (kind: 'add' | 'change' | 'unlink') => (path: string) => {
      const rel = this.rel(path);
      trace('fs', { kind, file: rel });
      const before = this.pending.get(rel);
      this.pending.set(rel, before === 'add' && kind === 'change' ? 'add' : before === 'unlink' && kind === 'add' ? 'change' : kind);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), this.debounceMs);
    };
    watcher.on('add', record('add')).on('change', record('change')).on('unlink', record('unlink'));
    return new Promise((resolve, reject) => {
      watcher.once('ready', () => resolve());
      watcher.once('error', reject);
    });
  }

  private rel(path: string): string {
    const rel = relative(this.root, path);
    return sep === '/' ? rel : rel.split(sep).join('/');
  }

  private flush(): void {
    const changes: FileChanges = { added: [], changed: [], deleted: [] };
    for (const [file, kind] of this.pending) (kind === 'add' ? changes.added : kind === 'change' ? changes.changed : changes.deleted).push(file);
    this.pending.clear();
    for (const list of Object.values(changes)) list.sort();
    trace('batch', { ...changes });
    this.onBatch(changes);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
  }
}
