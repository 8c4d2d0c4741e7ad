// The users API: sign-up, profiles, the admin listing and a bulk import.
import { describe, expect, test } from '../fixtures.js';

const signup = { email: 'Linus@Example.com ', name: 'Linus', password: 'Penguins-Rule-1991' };

describe('users api', () => {
  describe('sign-up', () => {
    test('creates a customer and normalises the email', { marks: ['smoke'] }, async ({ api }) => {
      const res = await api.post('/users', signup);

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: expect.stringMatching(/^usr_\d+$/), email: 'linus@example.com', name: 'Linus', role: 'customer' });
    });

    test('a duplicate email is a 409', { marks: ['regression'] }, async ({ api }) => {
      expect((await api.post('/users', signup)).status).toBe(201);

      const again = await api.post('/users', { ...signup, email: 'LINUS@example.com' });

      expect(again.status).toBe(409);
      expect(again.body.error).toBe('email_taken');
    });

    test('a role in the request body is ignored (no mass assignment)', { marks: ['security'] }, async ({ api }) => {
      const res = await api.post('/users', { ...signup, role: 'admin' });

      expect(res.status).toBe(201);
      expect(res.body.role).toBe('customer');
    });

    // One test per bad payload, each reporting exactly which field was refused.
    const invalid: Array<[string, Record<string, unknown>, string]> = [
      ['a malformed email', { ...signup, email: 'linus@' }, 'email'],
      ['a short password', { ...signup, password: 'Tux-1' }, 'password'],
      ['a blank name', { ...signup, name: '   ' }, 'name'],
    ];
    for (const [what, body, field] of invalid) {
      test(`rejects ${what} with a 400`, { marks: ['regression'] }, async ({ api }) => {
        const res = await api.post('/users', body);

        expect(res.status).toBe(400);
        expect(res.body.error).toBe('validation_failed');
        expect(Object.keys(res.body.details)).toEqual([field]);
      });
    }
  });

  describe('profiles', () => {
    test('a customer can read their own profile', { marks: ['regression'] }, async ({ customer }) => {
      const res = await customer.api.get(`/users/${customer.user.id}`);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(customer.user);
    });

    test("a customer cannot read someone else's profile", { marks: ['security'] }, async ({ customer, otherCustomer }) => {
      const res = await customer.api.get(`/users/${otherCustomer.user.id}`);

      expect(res.status).toBe(403);
    });
  });

  describe('admin listing', () => {
    test('admins can list every user', { marks: ['regression'] }, async ({ admin, customer, otherCustomer }) => {
      const res = await admin.api.get('/users');

      expect(res.status).toBe(200);
      // The database was reset for this test, so these three accounts are all there is.
      expect(res.body.map((u: { email: string }) => u.email).sort()).toEqual(
        [admin.user.email, customer.user.email, otherCustomer.user.email].sort(),
      );
    });

    test('customers cannot list users', { marks: ['security'] }, async ({ customer }) => {
      expect((await customer.api.get('/users')).status).toBe(403);
    });

    // `customer` / `otherCustomer` are requested only so that they exist: rows the search must
    // not return. Naming a fixture is enough to set it up.
    test('search treats SQL-looking input as plain text', { marks: ['security'] }, async ({ admin, customer }) => {
      void customer;
      const res = await admin.api.get(`/users?search=${encodeURIComponent("' OR '1'='1")}`);

      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    test('search finds users by name', { marks: ['regression'] }, async ({ admin, customer, otherCustomer }) => {
      void otherCustomer;
      const res = await admin.api.get('/users?search=lovelace');

      expect(res.body).toEqual([customer.user]);
    });
  });

  test('bulk import of 200 users from the HR feed', { marks: ['slow', 'regression'], timeout: 10_000 }, async ({ admin }) => {
    const users = Array.from({ length: 200 }, (_, i) => ({ email: `employee${i}@corp.example`, name: `Employee ${i}` }));
    users.push({ email: 'EMPLOYEE7@corp.example', name: 'duplicate' }, { email: 'not-an-email', name: 'broken row' });

    const res = await admin.api.post('/users/bulk', { users });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ created: 200, skipped: 2 });
    expect((await admin.api.get('/users?search=corp.example')).body).toHaveLength(200);
  });
});
