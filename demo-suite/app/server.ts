// A real HTTP server in front of the Shop, with per-route latency so that every request costs
// what a call to a deployed service would. Tests start one per file on a free port (see
// fixtures.ts), which is what lets many of them run side by side on one machine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from './db.js';
import { simulateIo } from './io.js';
import { AppError, Shop, toPublic, type User } from './shop.js';

export const VERSION = '1.4.2';

interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  headers: IncomingMessage['headers'];
  /** The authenticated caller; throws a 401 when the request has no valid token. */
  user(): User;
  token(): string;
}

interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: Ctx) => Promise<Reply> | Reply;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  /** Simulated network + service time, in ms. */
  latency: [number, number];
  handler: Handler;
}

function route(method: string, path: string, latency: [number, number], handler: Handler): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/:(\w+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    })}$`,
  );
  return { method, pattern, keys, latency, handler };
}

function routes(shop: Shop): Route[] {
  return [
    route('GET', '/health', [15, 25], () => ({ body: { status: 'ok', database: shop.db.name } })),
    route('GET', '/version', [15, 25], () => ({ body: { version: VERSION } })),

    route('POST', '/auth/login', [20, 30], async ({ body }) => ({ body: await shop.login(body?.email, body?.password) })),
    route('POST', '/auth/logout', [20, 30], async (ctx) => {
      ctx.user();
      await shop.logout(ctx.token());
      return { status: 204 };
    }),

    route('POST', '/users', [20, 30], async ({ body }) => {
      // Only the fields a visitor may set are read: a `role` in the body is ignored.
      const user = await shop.createUser({ email: body?.email, name: body?.name, password: body?.password });
      return { status: 201, body: toPublic(user) };
    }),
    route('POST', '/users/bulk', [20, 30], async (ctx) => ({
      status: 201,
      body: await shop.bulkImport(ctx.user(), Array.isArray(ctx.body?.users) ? ctx.body.users : []),
    })),
    route('GET', '/users', [20, 30], (ctx) => ({ body: shop.listUsers(ctx.user(), ctx.query.get('search') ?? undefined) })),
    route('GET', '/users/:id', [15, 25], (ctx) => ({ body: shop.getUser(ctx.user(), ctx.params.id) })),

    route('GET', '/catalog', [15, 25], () => ({ body: shop.catalog() })),
    route('POST', '/orders', [20, 35], async (ctx) => ({ status: 201, body: await shop.createOrder(ctx.user(), ctx.body ?? {}) })),
    route('GET', '/orders', [20, 30], (ctx) => ({ body: shop.listOrders(ctx.user()) })),
    route('GET', '/orders/:id', [15, 25], (ctx) => ({ body: shop.getOrder(ctx.user(), ctx.params.id) })),
    route('POST', '/orders/:id/cancel', [20, 35], async (ctx) => ({ body: await shop.cancelOrder(ctx.user(), ctx.params.id) })),
    route('POST', '/orders/:id/ship', [20, 35], async (ctx) => ({ body: await shop.shipOrder(ctx.user(), ctx.params.id) })),

    // The payment provider is the slowest dependency, as it usually is.
    route('POST', '/payments', [35, 55], async (ctx) => {
      const key = ctx.headers['idempotency-key'];
      const { payment, replayed } = await shop.pay(ctx.user(), ctx.body ?? {}, typeof key === 'string' ? key : undefined);
      return { status: 201, body: payment, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
    }),
    route('POST', '/payments/:id/refund', [35, 55], async (ctx) => ({ body: await shop.refund(ctx.user(), ctx.params.id) })),
  ];
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError(400, 'invalid_json', 'request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(payload);
}

export interface RunningServer {
  url: string;
  port: number;
  shop: Shop;
  close(): Promise<void>;
}

export async function startServer(options: { db: Db; port: number; host?: string }): Promise<RunningServer> {
  const shop = new Shop(options.db);
  const table = routes(shop);
  const host = options.host ?? '127.0.0.1';

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    let match: { route: Route; params: Record<string, string> } | undefined;
    for (const r of table) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(url.pathname);
      if (m) {
        match = { route: r, params: Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1] ?? '')])) };
        break;
      }
    }
    try {
      await simulateIo(...(match?.route.latency ?? [10, 20]));
      if (!match) throw new AppError(404, 'not_found', `no route for ${req.method} ${url.pathname}`);
      const body = await readJson(req);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const ctx: Ctx = {
        params: match.params,
        query: url.searchParams,
        body,
        headers: req.headers,
        user: () => shop.authenticate(bearer),
        token: () => bearer ?? '',
      };
      const reply = await match.route.handler(ctx);
      send(res, reply.status ?? 200, reply.body, reply.headers);
    } catch (err) {
      if (err instanceof AppError) {
        send(res, err.status, { error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
      } else {
        send(res, 500, { error: 'internal', message: err instanceof Error ? err.message : String(err) });
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    shop,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
