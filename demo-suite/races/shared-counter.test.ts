// A race you can watch happen. Both tests below do the same thing — bump a counter kept in a
// file, then check that the value they wrote is still there — and differ only in WHERE the file
// lives. Neither runs by default (config `mark` excludes `race`); try:
//
//   qa -m race                        both pass: nothing runs concurrently
//   qa -m race --count 100 -n 4       100 copies of each spread over 4 workers: the shared one
//                                     fails a good share of its runs, the isolated one never
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'qa-lanes';
import { FileCounter } from '../app/counter.js';
import { simulateIo } from '../app/io.js';

// One path for every worker (and every copy of the test): the bug.
const SHARED_COUNTER = join(tmpdir(), 'qa-lanes-demo', 'shared-counter.json');

describe('invoice numbers', { marks: ['race'] }, () => {
  test('shared counter: my increment is the latest value', async ({ workerId, testInfo }) => {
    const counter = new FileCounter(SHARED_COUNTER);
    const me = `${workerId} copy ${testInfo.iteration}`;

    // increment() reads, awaits, then writes. When two workers interleave, both read N and both
    // write N+1 (a lost update), or one writes N+2 just after we wrote N+1 — either way the
    // number we handed out is not the one on file any more. Run alone, this cannot happen.
    const mine = await counter.increment(me);
    await simulateIo(5, 15); // the rest of the request: render the invoice, send the email...

    // On failure the diff shows which worker and copy got in between.
    expect(await counter.read()).toEqual({ value: mine, lastWriter: me });
  });

  test('isolated counter: the same steps on a file of my own', async ({ tmpPath, workerId, testInfo }) => {
    // tmpPath is a fresh directory for this test alone (pytest's tmp_path). A per-worker name such
    // as `counter-${workerId}.json` would work too: one worker runs one test at a time.
    const counter = new FileCounter(join(tmpPath, 'counter.json'));
    const me = `${workerId} copy ${testInfo.iteration}`;

    const mine = await counter.increment(me);
    await simulateIo(5, 15);

    expect(mine).toBe(1);
    expect(await counter.read()).toEqual({ value: 1, lastWriter: me });
  });
});
