// A counter kept in a JSON file — think "next invoice number" in a legacy system. Its
// increment() is a read-modify-write with an await in the middle and no lock: correct when one
// caller uses it at a time, and a textbook lost update when two processes interleave.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { simulateIo } from './io.js';

export interface CounterState {
  value: number;
  /** Who wrote `value`: makes a failed race assertion say who got in between. */
  lastWriter: string;
}

export class FileCounter {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async read(): Promise<CounterState> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as CounterState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { value: 0, lastWriter: 'nobody' };
      throw err;
    }
  }

  /**
   * Writes via a temporary file and a rename, so a reader never sees half a file. Note that this
   * makes each write atomic, not the read-modify-write in increment(): that still races.
   */
  async write(state: CounterState): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(state));
    await rename(tmp, this.file);
  }

  /** Reads, "thinks" for a few ms (validation, a call to another service), writes value + 1. */
  async increment(writer: string): Promise<number> {
    const { value } = await this.read();
    await simulateIo(5, 20);
    await this.write({ value: value + 1, lastWriter: writer });
    return value + 1;
  }
}
