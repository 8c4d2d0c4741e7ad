// The demo application's business logic: users and sessions, a catalog, orders and payments,
// all stored in a Db. The HTTP layer (server.ts) adds routing and network latency on top.
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Db, Row } from './db.js';
import { simulateIo } from './io.js';
import { COUPONS, priceCart, type CartLine, type PriceBreakdown, type Region, TAX_RATES_BP } from './pricing.js';
import { isValidEmail, isValidSku, luhnValid, normaliseEmail, passwordProblems } from './validation.js';

export type Role = 'customer' | 'admin';

export interface User extends Row {
  email: string;
  name: string;
  role: Role;
  /** Empty for invited users who have not chosen a password yet. */
  passwordHash: string;
  salt: string;
  createdAt: string;
}

/** What the API may show of a user: never the hash or the salt. */
export type PublicUser = Omit<User, 'passwordHash' | 'salt'>;

export interface Product extends Row {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'cancelled' | 'refunded';

export interface Order extends Row {
  userId: string;
  lines: CartLine[];
  region: Region;
  couponCode?: string;
  totals: PriceBreakdown;
  status: OrderStatus;
  paymentId?: string;
  createdAt: string;
}

export interface Payment extends Row {
  orderId: string;
  userId: string;
  amountCents: number;
  cardLast4: string;
  status: 'succeeded' | 'refunded';
  idempotencyKey?: string;
}

interface LoginFailures extends Row {
  email: string;
  count: number;
}

interface RevokedToken extends Row {
  token: string;
}

/** An error the API turns into an HTTP response. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const CATALOG: ReadonlyArray<Omit<Product, 'id'>> = [
  { sku: 'MUG-001', name: 'Enamel mug', priceCents: 1450, stock: 40 },
  { sku: 'TEE-002', name: 'Logo t-shirt', priceCents: 2400, stock: 25 },
  { sku: 'CAP-003', name: 'Baseball cap', priceCents: 1800, stock: 10 },
  { sku: 'BOOK-004', name: 'Testing at Scale (paperback)', priceCents: 3990, stock: 5 },
  { sku: 'STKR-005', name: 'Sticker pack', priceCents: 350, stock: 200 },
  { sku: 'LAMP-006', name: 'Desk lamp', priceCents: 6500, stock: 2 },
];

/** Card numbers the fake gateway declines, like a payment provider's documented test cards. */
export const DECLINED_CARDS: Record<string, string> = {
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
};

export const MAX_LOGIN_FAILURES = 5;
const TOKEN_TTL_MS = 15 * 60_000;

/** Empties every table and seeds the catalog: the state every test starts from. */
export async function resetDatabase(db: Db): Promise<void> {
  await db.truncateAll();
  await db.table<Product>('products', 'prd').insertMany(CATALOG);
}

function hashPassword(password: string, salt: string): string {
  // A deliberately low scrypt cost keeps the demo fast; production would use the defaults or argon2.
  return scryptSync(password, salt, 32, { N: 1024 }).toString('hex');
}

export function toPublic(user: User): PublicUser {
  const { passwordHash: _hash, salt: _salt, ...rest } = user;
  return rest;
}

export interface Registration {
  email: string;
  name: string;
  password: string;
}

export class Shop {
  readonly db: Db;
  readonly #secret = randomBytes(32);

  constructor(db: Db) {
    this.db = db;
  }

  get users() {
    return this.db.table<User>('users', 'usr');
  }
  get products() {
    return this.db.table<Product>('products', 'prd');
  }
  get orders() {
    return this.db.table<Order>('orders', 'ord');
  }
  get payments() {
    return this.db.table<Payment>('payments', 'pay');
  }
  get #failures() {
    return this.db.table<LoginFailures>('login_failures', 'lf');
  }
  get #revoked() {
    return this.db.table<RevokedToken>('revoked_tokens', 'rvk');
  }

  // ── users and sessions ────────────────────────────────────────────────────────────────

  static validate(input: Partial<Registration>): Record<string, string> {
    const problems: Record<string, string> = {};
    if (typeof input.email !== 'string' || !isValidEmail(input.email)) problems.email = 'a valid email address';
    if (typeof input.name !== 'string' || input.name.trim() === '') problems.name = 'a non-empty name';
    const pw = typeof input.password === 'string' ? passwordProblems(input.password) : ['a password'];
    if (pw.length) problems.password = pw.join(', ');
    return problems;
  }

  /** Creates a user. `role` is only settable here, by trusted code — never from a request body. */
  async createUser(input: Registration, role: Role = 'customer'): Promise<User> {
    const problems = Shop.validate(input);
    if (Object.keys(problems).length) throw new AppError(400, 'validation_failed', 'invalid registration', problems);
    const email = normaliseEmail(input.email);
    if (this.users.findOne((u) => u.email === email)) throw new AppError(409, 'email_taken', 'email already registered');
    const salt = randomBytes(8).toString('hex');
    return this.users.insert({
      email,
      name: input.name.trim(),
      role,
      salt,
      passwordHash: hashPassword(input.password, salt),
      createdAt: new Date().toISOString(),
    });
  }

  issueToken(userId: string, now = Date.now()): string {
    const payload = Buffer.from(JSON.stringify({ sub: userId, exp: now + TOKEN_TTL_MS })).toString('base64url');
    return `${payload}.${this.#sign(payload)}`;
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }

  async login(emailInput: unknown, password: unknown): Promise<{ token: string; user: PublicUser }> {
    const email = normaliseEmail(typeof emailInput === 'string' ? emailInput : '');
    const failures = this.#failures.findOne((f) => f.email === email);
    if (failures && failures.count >= MAX_LOGIN_FAILURES) {
      throw new AppError(429, 'locked', 'too many failed attempts; try again later');
    }
    const user = this.users.findOne((u) => u.email === email);
    const ok =
      user !== undefined &&
      user.passwordHash !== '' &&
      timingSafeEqual(Buffer.from(hashPassword(typeof password === 'string' ? password : '', user.salt), 'hex'), Buffer.from(user.passwordHash, 'hex'));
    if (!user || !ok) {
      if (failures) await this.#failures.update(failures.id, { count: failures.count + 1 });
      else await this.#failures.insert({ email, count: 1 });
      // Same status and message whether the email exists or not: no account enumeration.
      throw new AppError(401, 'invalid_credentials', 'invalid email or password');
    }
    if (failures) await this.#failures.delete(failures.id);
    return { token: this.issueToken(user.id), user: toPublic(user) };
  }

  /** The user a bearer token belongs to; 401 when it is missing, forged, expired or revoked. */
  authenticate(token: string | undefined, now = Date.now()): User {
    const unauthorized = () => new AppError(401, 'unauthorized', 'missing or invalid token');
    if (!token) throw unauthorized();
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) throw unauthorized();
    const expected = Buffer.from(this.#sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unauthorized();
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw unauthorized();
    }
    if (typeof claims.exp !== 'number' || claims.exp < now) throw unauthorized();
    if (this.#revoked.findOne((r) => r.token === token)) throw unauthorized();
    const user = typeof claims.sub === 'string' ? this.users.get(claims.sub) : undefined;
    if (!user) throw unauthorized();
    return user;
  }

  async logout(token: string): Promise<void> {
    await this.#revoked.insert({ token });
  }

  getUser(actor: User, id: string): PublicUser {
    if (actor.id !== id && actor.role !== 'admin') throw new AppError(403, 'forbidden', 'not your profile');
    const user = this.users.get(id);
    if (!user) throw new AppError(404, 'not_found', 'no such user');
    return toPublic(user);
  }

  listUsers(actor: User, search?: string): PublicUser[] {
    if (actor.role !== 'admin') throw new AppError(403, 'forbidden', 'admins only');
    // Search is a plain substring match on data, never spliced into a query language.
    const term = search?.toLowerCase();
    const users = term ? this.users.find((u) => u.email.includes(term) || u.name.toLowerCase().includes(term)) : this.users.all();
    return users.map(toPublic);
  }

  /**
   * Imports users from a CSV-like list in batches, the way a nightly sync would. Imported users
   * are invited (no password yet), and each batch costs one round trip to the "directory service".
   */
  async bulkImport(actor: User, rows: Array<{ email: string; name: string }>, batchSize = 50): Promise<{ created: number; skipped: number }> {
    if (actor.role !== 'admin') throw new AppError(403, 'forbidden', 'admins only');
    const seen = new Set(this.users.all().map((u) => u.email));
    let created = 0;
    for (let i = 0; i < rows.length; i += batchSize) {
      await simulateIo(120, 140);
      const fresh: Array<Omit<User, 'id'>> = [];
      for (const row of rows.slice(i, i + batchSize)) {
        const email = normaliseEmail(String(row.email));
        if (!isValidEmail(email) || seen.has(email)) continue;
        seen.add(email);
        fresh.push({ email, name: String(row.name), role: 'customer', salt: '', passwordHash: '', createdAt: new Date().toISOString() });
      }
      created += (await this.users.insertMany(fresh)).length;
    }
    return { created, skipped: rows.length - created };
  }

  // ── catalog and orders ────────────────────────────────────────────────────────────────

  catalog(): Product[] {
    return this.products.all();
  }

  async createOrder(actor: User, input: { items?: unknown; region?: unknown; coupon?: unknown }): Promise<Order> {
    if (!Array.isArray(input.items) || input.items.length === 0) throw new AppError(400, 'validation_failed', 'items must be a non-empty array');
    const region = String(input.region ?? 'US-OR') as Region;
    if (!(region in TAX_RATES_BP)) throw new AppError(400, 'validation_failed', `unknown region ${region}`);
    const coupon = input.coupon === undefined ? undefined : COUPONS[String(input.coupon)];
    if (input.coupon !== undefined && !coupon) throw new AppError(400, 'invalid_coupon', `unknown coupon ${String(input.coupon)}`);

    const lines: CartLine[] = [];
    const reserved: Array<[Product, number]> = [];
    for (const item of input.items as Array<{ sku?: unknown; quantity?: unknown }>) {
      const sku = String(item.sku ?? '');
      const quantity = Number(item.quantity);
      if (!isValidSku(sku)) throw new AppError(400, 'validation_failed', `bad sku ${sku}`);
      if (!Number.isInteger(quantity) || quantity < 1) throw new AppError(400, 'validation_failed', `bad quantity for ${sku}`);
      const product = this.products.findOne((p) => p.sku === sku);
      if (!product) throw new AppError(422, 'unknown_sku', `no product ${sku}`);
      if (product.stock < quantity) throw new AppError(422, 'out_of_stock', `only ${product.stock} of ${sku} left`);
      // The price always comes from the catalog; whatever price the client sent is ignored.
      lines.push({ sku, quantity, unitPriceCents: product.priceCents });
      reserved.push([product, quantity]);
    }
    for (const [product, quantity] of reserved) await this.products.update(product.id, { stock: product.stock - quantity });
    return this.orders.insert({
      userId: actor.id,
      lines,
      region,
      couponCode: coupon?.code,
      totals: priceCart(lines, region, coupon),
      status: 'pending',
      createdAt: new Date().toISOString(),
    });
  }

  listOrders(actor: User): Order[] {
    return this.orders.find((o) => o.userId === actor.id);
  }

  /** Someone else's order is a 404, not a 403: its existence is none of the caller's business. */
  getOrder(actor: User, id: string): Order {
    const order = this.orders.get(id);
    if (!order || (order.userId !== actor.id && actor.role !== 'admin')) throw new AppError(404, 'not_found', 'no such order');
    return order;
  }

  async cancelOrder(actor: User, id: string): Promise<Order> {
    const order = this.getOrder(actor, id);
    if (order.status !== 'pending' && order.status !== 'paid') {
      throw new AppError(409, 'not_cancellable', `a ${order.status} order cannot be cancelled`);
    }
    if (order.status === 'paid' && order.paymentId) await this.payments.update(order.paymentId, { status: 'refunded' });
    for (const line of order.lines) {
      const product = this.products.findOne((p) => p.sku === line.sku);
      if (product) await this.products.update(product.id, { stock: product.stock + line.quantity });
    }
    return this.orders.update(id, { status: order.status === 'paid' ? 'refunded' : 'cancelled' });
  }

  async shipOrder(actor: User, id: string): Promise<Order> {
    if (actor.role !== 'admin') throw new AppError(403, 'forbidden', 'admins only');
    const order = this.getOrder(actor, id);
    if (order.status !== 'paid') throw new AppError(409, 'not_shippable', `a ${order.status} order cannot be shipped`);
    return this.orders.update(id, { status: 'shipped' });
  }

  // ── payments ──────────────────────────────────────────────────────────────────────────

  async pay(
    actor: User,
    input: { orderId?: unknown; amountCents?: unknown; card?: { number?: unknown } },
    idempotencyKey?: string,
  ): Promise<{ payment: Payment; replayed: boolean }> {
    if (idempotencyKey) {
      const earlier = this.payments.findOne((p) => p.idempotencyKey === idempotencyKey && p.userId === actor.id);
      if (earlier) return { payment: earlier, replayed: true };
    }
    const order = this.getOrder(actor, String(input.orderId ?? ''));
    if (order.status !== 'pending') throw new AppError(409, 'already_paid', `order is ${order.status}`);
    if (input.amountCents !== order.totals.totalCents) {
      throw new AppError(400, 'amount_mismatch', 'amount does not match the order total');
    }
    const card = String(input.card?.number ?? '').replace(/\s/g, '');
    if (!luhnValid(card)) throw new AppError(400, 'invalid_card', 'card number is invalid');
    const declined = DECLINED_CARDS[card];
    if (declined) throw new AppError(402, declined, 'the card was declined');
    const payment = await this.payments.insert({
      orderId: order.id,
      userId: actor.id,
      amountCents: order.totals.totalCents,
      cardLast4: card.slice(-4),
      status: 'succeeded',
      idempotencyKey,
    });
    await this.orders.update(order.id, { status: 'paid', paymentId: payment.id });
    return { payment, replayed: false };
  }

  async refund(actor: User, paymentId: string): Promise<Payment> {
    if (actor.role !== 'admin') throw new AppError(403, 'forbidden', 'admins only');
    const payment = this.payments.get(paymentId);
    if (!payment) throw new AppError(404, 'not_found', 'no such payment');
    if (payment.status !== 'succeeded') throw new AppError(409, 'already_refunded', 'payment already refunded');
    await this.orders.update(payment.orderId, { status: 'refunded' });
    return this.payments.update(paymentId, { status: 'refunded' });
  }
}
