// Authentication: the whole file is a security suite, so the mark sits on the describe block.
import { DEFAULT_PASSWORD, describe, expect, test } from '../fixtures.js';
import { MAX_LOGIN_FAILURES } from '../app/shop.js';

describe('auth', { marks: ['security'] }, () => {
  test('valid credentials return a bearer token', { marks: ['smoke'] }, async ({ api, customer }) => {
    const res = await api.post('/auth/login', { email: customer.user.email, password: DEFAULT_PASSWORD });

    expect(res.status).toBe(200);
    expect(res.body.token).toEqual(expect.any(String));
    expect(res.body.user).toMatchObject({ id: customer.user.id, email: 'ada@example.com' });

    const me = await api.as(res.body.token).get(`/users/${customer.user.id}`);
    expect(me.status).toBe(200);
  });

  test('login is case-insensitive on the email', { marks: ['regression'] }, async ({ api, customer }) => {
    const res = await api.post('/auth/login', { email: '  ADA@Example.COM ', password: customer.password });

    expect(res.status).toBe(200);
  });

  test('a wrong password is a 401', async ({ api, customer }) => {
    const res = await api.post('/auth/login', { email: customer.user.email, password: 'Wrong-Password-1' });

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_credentials', message: 'invalid email or password' });
  });

  test('an unknown email gets exactly the same 401 (no account enumeration)', async ({ api, customer }) => {
    const wrongPassword = await api.post('/auth/login', { email: customer.user.email, password: 'Wrong-Password-1' });
    const unknownEmail = await api.post('/auth/login', { email: 'nobody@example.com', password: 'Wrong-Password-1' });

    expect(unknownEmail.status).toBe(wrongPassword.status);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
  });

  test('protected routes need a token', async ({ api, customer }) => {
    const res = await api.get(`/users/${customer.user.id}`);

    expect(res.status).toBe(401);
  });

  test('a tampered token is rejected', async ({ api, customer, admin }) => {
    // Swap the payload for the admin's while keeping the customer's signature.
    const [, signature] = customer.token.split('.');
    const [adminPayload] = admin.token.split('.');
    const forged = `${adminPayload}.${signature}`;

    const res = await api.as(forged).get('/users');

    expect(res.status).toBe(401);
  });

  test(`${MAX_LOGIN_FAILURES} failed logins lock the account, even against the right password`, async ({ api, customer }) => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      const res = await api.post('/auth/login', { email: customer.user.email, password: `guess-${i}` });
      expect(res.status).toBe(401);
    }

    const res = await api.post('/auth/login', { email: customer.user.email, password: customer.password });

    expect(res.status).toBe(429);
  });

  test('logout revokes the token', { marks: ['regression'] }, async ({ customer }) => {
    expect((await customer.api.post('/auth/logout')).status).toBe(204);

    const res = await customer.api.get(`/users/${customer.user.id}`);

    expect(res.status).toBe(401);
  });

  test('password hashes and salts never leave the API', async ({ api, admin, customer }) => {
    const responses = [
      await api.post('/auth/login', { email: customer.user.email, password: customer.password }),
      await customer.api.get(`/users/${customer.user.id}`),
      await admin.api.get('/users'),
    ];

    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|salt|Correct-Horse/);
    }
  });
});
