// A tiny document "database": named tables of JSON rows, kept in memory and persisted as one
// JSON file per database. It stands in for the Postgres/MySQL instance a real suite would
// create per worker (`test_db_gw0`, `test_db_gw1`, ...).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateIo } from './io.js';

/** Where databases live, like a database server's data directory. */
export const DATA_DIR = join(tmpdir(), 'qa-lanes-demo', 'databases');

export interface Row {
  id: string;
}

type Snapshot = Record<string, { seq: number; rows: Record<string, Row> }>;

export class Table<T extends Row> {
  readonly #db: Db;
  readonly #name: string;
  readonly #prefix: string;

  constructor(db: Db, name: string, prefix: string) {
    this.#db = db;
    this.#name = name;
    this.#prefix = prefix;
  }

  async insert(data: Omit<T, 'id'>): Promise<T> {
    const state = this.#db.state(this.#name);
    const row = { ...data, id: `${this.#prefix}_${++state.seq}` } as T;
    state.rows[row.id] = structuredClone(row);
    await this.#db.persist();
    return row;
  }

  /** Inserts many rows with a single write, like a multi-row INSERT. */
  async insertMany(data: ReadonlyArray<Omit<T, 'id'>>): Promise<T[]> {
    const state = this.#db.state(this.#name);
    const rows = data.map((d) => ({ ...d, id: `${this.#prefix}_${++state.seq}` }) as T);
    for (const row of rows) state.rows[row.id] = structuredClone(row);
    await this.#db.persist();
    return rows;
  }

  get(id: string): T | undefined {
    const row = this.#db.state(this.#name).rows[id];
    return row ? (structuredClone(row) as T) : undefined;
  }

  all(): T[] {
    return Object.values(this.#db.state(this.#name).rows).map((r) => structuredClone(r) as T);
  }

  find(predicate: (row: T) => boolean): T[] {
    return this.all().filter(predicate);
  }

  findOne(predicate: (row: T) => boolean): T | undefined {
    return this.all().find(predicate);
  }

  count(): number {
    return Object.keys(this.#db.state(this.#name).rows).length;
  }

  async update(id: string, patch: Partial<Omit<T, 'id'>>): Promise<T> {
    const rows = this.#db.state(this.#name).rows;
    const current = rows[id];
    if (!current) throw new Error(`${this.#name}: no row with id ${id}`);
    const next = { ...current, ...patch, id } as T;
    rows[id] = structuredClone(next);
    await this.#db.persist();
    return next;
  }

  async delete(id: string): Promise<boolean> {
    const rows = this.#db.state(this.#name).rows;
    const existed = id in rows;
    delete rows[id];
    await this.#db.persist();
    return existed;
  }
}

export class Db {
  readonly name: string;
  readonly file: string;
  #tables: Snapshot = {};
  #dropped = false;
  /** Writes are chained so that two awaited mutations never interleave their file writes. */
  #writes: Promise<void> = Promise.resolve();

  constructor(name: string) {
    if (!/^[a-z][a-z0-9_]*$/i.test(name)) throw new Error(`invalid database name: ${name}`);
    this.name = name;
    this.file = join(DATA_DIR, `${name}.json`);
  }

  table<T extends Row>(name: string, idPrefix = name.slice(0, 3)): Table<T> {
    return new Table<T>(this, name, idPrefix);
  }

  /** Empties every table and restarts id sequences: the cheap per-test reset. */
  async truncateAll(): Promise<void> {
    this.#tables = {};
    await this.persist();
  }

  /** @internal used by Table */
  state(table: string): { seq: number; rows: Record<string, Row> } {
    if (this.#dropped) throw new Error(`database ${this.name} was dropped`);
    return (this.#tables[table] ??= { seq: 0, rows: {} });
  }

  /** @internal used by Table: flushes a snapshot to disk (write + rename, never half a file). */
  persist(): Promise<void> {
    const json = JSON.stringify(this.#tables);
    const tmp = `${this.file}.${process.pid}.tmp`;
    this.#writes = this.#writes.then(async () => {
      await writeFile(tmp, json);
      await rename(tmp, this.file);
    });
    return this.#writes;
  }

  async drop(): Promise<void> {
    await this.#writes.catch(() => undefined);
    this.#dropped = true;
    await rm(this.file, { force: true });
  }
}

/**
 * Creates (or re-creates) the database `name` and runs the "migrations". This is the expensive
 * part — about a tenth of a second — which is why the suite does it once per worker, not per test.
 */
export async function openDb(name: string): Promise<Db> {
  await mkdir(DATA_DIR, { recursive: true });
  const db = new Db(name);
  await simulateIo(80, 120); // CREATE DATABASE + migrations
  await db.persist();
  return db;
}
