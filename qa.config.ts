import { defineConfig } from 'qa-lanes';

export default defineConfig({
  include: ['demo-suite/**/*.test.ts'],

  // Registered marks, as in pytest.ini's `markers =`. With strictMarkers a typo such as
  // `marks: ['smok']` is a usage error instead of a test that silently never gets selected.
  markers: {
    smoke: 'critical-path checks that run on every commit',
    regression: 'the full regression suite, run on every pull request',
    security: 'authentication, authorisation, input handling and data exposure (nightly)',
    e2e: 'end-to-end user journeys across several endpoints (nightly, pre-release)',
    slow: 'tests that take more than half a second; deselect with -m "not slow"',
    performance: 'latency budgets (release candidates)',
    race: 'shares state across workers on purpose; expose it with: qa -m race --count 100 -n 4',
    flaky: 'fails intermittently on purpose (a sleep racing a random delay); kept to demo reruns',
  },
  strictMarkers: true,

  // The default selection: everything that must be green. A -m on the command line replaces it,
  // so `qa -m race` or `qa -m flaky` runs the demonstrations.
  mark: 'not race and not flaky',

  // Like `addopts = --dist loadgroup` in pytest.ini: tests that share a `group` (the legacy
  // inventory store, see demo-suite/integration/) stay on one worker; every other test is
  // spread one by one, exactly as with `load`.
  dist: 'loadgroup',

  timeout: 30_000,
});
