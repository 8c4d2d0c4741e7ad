// Shared fixtures: this suite's conftest.py. API tests import `test` from here instead of from
// 'qa-lanes' and destructure what they need; only the fixtures a test names are set up.
//
//   database  worker  one database per worker, `app_gw0`, `app_gw1`, ... (pytest-xdist's
//                     `test_db_{worker_id}`): created once, dropped when the worker exits
//   server    file    the HTTP API on a free port, backed by this worker's database
//   db        test    the worker's database, emptied and re-seeded before every test
//   api       test    an anonymous client for `server` (implies a clean `db`)
//   customer  test    a signed-up customer and a client authenticated as them
//   otherCustomer     a second customer, for "cannot see someone else's ..." tests
//   admin     test    the same for an administrator
import { test as base } from 'qa-lanes';
import { ApiClient } from './app/client.js';
import { openDb, type Db } from './app/db.js';
import { startServer, type RunningServer } from './app/server.js';
import { resetDatabase, type PublicUser, type Role, toPublic } from './app/shop.js';

export { describe, expect, beforeAll, afterAll, beforeEach, afterEach } from 'qa-lanes';

export interface Account {
  user: PublicUser;
  password: string;
  token: string;
  /** A client that sends this account's bearer token. */
  api: ApiClient;
}

export const DEFAULT_PASSWORD = 'Correct-Horse-42';

const withDatabase = base.extend<{ database: Db }>({
  // Worker scope: creating a database and running migrations costs ~0.1 s, so each worker does it
  // once. The name carries the worker id, so parallel workers never see each other's rows.
  database: [
    async ({ workerId }, use) => {
      const database = await openDb(`app_${workerId}`);
      await use(database);
      await database.drop();
    },
    { scope: 'worker' },
  ],
});

const withServer = withDatabase.extend<{ server: RunningServer }>({
  // File scope: one server per test file and worker. freePort() asks the OS for an unused port,
  // so four workers can each run a server at once without anyone picking port numbers.
  server: [
    async ({ database, freePort }, use) => {
      const server = await startServer({ db: database, port: await freePort() });
      await use(server);
      await server.close();
    },
    { scope: 'file' },
  ],
});

const withClients = withServer.extend<{ db: Db; api: ApiClient }>({
  // Test scope, and cheap: truncating tables is much faster than re-creating the database. This
  // is what makes the worker-scoped database safe — no test sees rows another test left behind.
  db: async ({ database }, use) => {
    await resetDatabase(database);
    await use(database);
  },
  // Taking `db` as a dependency (unused by name) guarantees a clean database for every API test.
  api: async ({ server, db }, use) => {
    void db;
    await use(new ApiClient(server.url));
  },
});

/**
 * Accounts are created straight through the application layer instead of the HTTP API: a data
 * factory is faster than a sign-up round trip and keeps the auth tests the only ones that
 * exercise the login endpoint.
 */
async function makeAccount(server: RunningServer, api: ApiClient, role: Role, email: string, name: string): Promise<Account> {
  const user = await server.shop.createUser({ email, name, password: DEFAULT_PASSWORD }, role);
  const token = server.shop.issueToken(user.id);
  return { user: toPublic(user), password: DEFAULT_PASSWORD, token, api: api.as(token) };
}

export const test = withClients.extend<{ customer: Account; otherCustomer: Account; admin: Account }>({
  customer: async ({ server, api }, use) => {
    await use(await makeAccount(server, api, 'customer', 'ada@example.com', 'Ada Lovelace'));
  },
  otherCustomer: async ({ server, api }, use) => {
    await use(await makeAccount(server, api, 'customer', 'grace@example.com', 'Grace Hopper'));
  },
  admin: async ({ server, api }, use) => {
    await use(await makeAccount(server, api, 'admin', 'root@example.com', 'Site Admin'));
  },
});

export const it = test;

/** A card number the fake payment gateway accepts, and two it declines. */
export const CARDS = {
  visa: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
} as const;
