// Smoke checks: is the service up, and is this worker talking to its own database?
import { describe, expect, test } from '../fixtures.js';
import { VERSION } from '../app/server.js';

describe('service health', () => {
  test('GET /health is ok and uses this worker\'s database', { marks: ['smoke'] }, async ({ api, workerId }) => {
    const res = await api.get('/health');

    expect(res.status).toBe(200);
    // Each worker gets its own database (app_gw0, app_gw1, ...): the per-worker isolation that
    // keeps parallel tests from seeing each other's rows.
    expect(res.body).toEqual({ status: 'ok', database: `app_${workerId}` });
  });

  test('GET /version returns the deployed semver', { marks: ['smoke'] }, async ({ api }) => {
    const res = await api.get('/version');

    expect(res.status).toBe(200);
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(res.body.version).toBe(VERSION);
  });

  test('unknown routes get a JSON 404', { marks: ['regression'] }, async ({ api }) => {
    const res = await api.get('/no/such/thing');

    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toMatchObject({ error: 'not_found' });
  });

  test('catalog lists the seeded products', { marks: ['smoke'] }, async ({ api }) => {
    const res = await api.get('/catalog');

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(6);
    expect(res.body).toContainEqual(expect.objectContaining({ sku: 'MUG-001', priceCents: 1450 }));
  });

  test('p95 latency of GET /health stays within its 250 ms budget', { marks: ['performance'] }, async ({ api }) => {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) samples.push((await api.get('/health')).elapsedMs);
    samples.sort((a, b) => a - b);
    const p95 = samples[Math.ceil(samples.length * 0.95) - 1];

    // The budget is ~8x the service's normal latency, so a busy CI machine still passes while a
    // real regression (a missing index, an N+1 query) does not.
    expect(p95).toBeLessThan(250);
  });
});
