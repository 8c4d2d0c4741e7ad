// The warehouse's legacy inventory store: ONE file at a fixed path that the old sync job
// hard-codes, guarded by a lock file like a single-user database. It cannot be given a
// per-worker name, so tests that touch it must share one worker (see the `inventory-db` group).
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simulateIo } from './io.js';

export const LEGACY_INVENTORY_FILE = join(tmpdir(), 'qa-lanes-demo', 'legacy-inventory.json');

export type StockLevels = Record<string, number>;

export class InventoryLockedError extends Error {
  override name = 'InventoryLockedError';
}

interface LockInfo {
  owner: string;
  pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LegacyInventory {
  readonly file: string;
  readonly owner: string;
  #open = true;

  private constructor(file: string, owner: string) {
    this.file = file;
    this.owner = owner;
  }

  /**
   * Opens the store for exclusive use. A second opener gets InventoryLockedError naming the
   * holder; a lock left behind by a process that died is taken over.
   */
  static async open(owner: string, file: string = LEGACY_INVENTORY_FILE): Promise<LegacyInventory> {
    await mkdir(dirname(file), { recursive: true });
    const lockFile = `${file}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(lockFile, 'wx');
        await handle.writeFile(JSON.stringify({ owner, pid: process.pid } satisfies LockInfo));
        await handle.close();
        await simulateIo(15, 25); // connection handshake
        return new LegacyInventory(file, owner);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = await readFile(lockFile, 'utf8')
          .then((text) => JSON.parse(text) as LockInfo)
          .catch(() => undefined);
        if (holder && alive(holder.pid)) {
          throw new InventoryLockedError(
            `${file} is locked by ${holder.owner} (pid ${holder.pid}); tests using it must run on one worker: --dist loadgroup`,
          );
        }
        await rm(lockFile, { force: true }); // stale lock from a crashed run
      }
    }
    throw new InventoryLockedError(`could not lock ${file}`);
  }

  async read(): Promise<StockLevels> {
    this.#check();
    await simulateIo(10, 20);
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as StockLevels;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }

  async #write(levels: StockLevels): Promise<void> {
    await simulateIo(10, 20);
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(levels, null, 2));
    await rename(tmp, this.file);
  }

  /** Replaces every stock level: what the nightly full sync does. */
  async reset(levels: StockLevels): Promise<void> {
    this.#check();
    await this.#write({ ...levels });
  }

  async restock(sku: string, quantity: number): Promise<number> {
    const levels = await this.read();
    levels[sku] = (levels[sku] ?? 0) + quantity;
    await this.#write(levels);
    return levels[sku];
  }

  /** Takes `quantity` out of stock; refuses (changing nothing) when there is not enough. */
  async reserve(sku: string, quantity: number): Promise<number> {
    const levels = await this.read();
    const onHand = levels[sku] ?? 0;
    if (onHand < quantity) throw new RangeError(`cannot reserve ${quantity} × ${sku}: ${onHand} on hand`);
    levels[sku] = onHand - quantity;
    await this.#write(levels);
    return levels[sku];
  }

  /** Applies a ledger of stock movements in one write. */
  async applyLedger(movements: ReadonlyArray<{ sku: string; delta: number }>): Promise<StockLevels> {
    const levels = await this.read();
    for (const { sku, delta } of movements) levels[sku] = (levels[sku] ?? 0) + delta;
    await this.#write(levels);
    return levels;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await rm(`${this.file}.lock`, { force: true });
  }

  #check(): void {
    if (!this.#open) throw new Error('inventory store is closed');
  }
}
