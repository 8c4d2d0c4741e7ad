import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import type { ErrorInfo, RunEvent, RunSummary, TestResult } from '../../src/core/types.ts';
import { JUnitReporter } from '../../src/report/junit.ts';
import { JsonReporter, type JsonReport } from '../../src/report/json.ts';
import { GithubReporter } from '../../src/report/github.ts';

// ---------------------------------------------------------------- synthetic events

function result(over: Partial<TestResult> & { id?: string }): TestResult {
  const file = over.file ?? 'demo-suite/api/users.test.ts';
  const suitePath = over.suitePath ?? [];
  const name = over.name ?? 'works';
  return {
    id: over.id ?? [file, ...suitePath, name].join('::'),
    file,
    suitePath,
    name,
    marks: [],
    workerId: 'w1',
    status: 'passed',
    durationMs: 12,
    stdout: '',
    stderr: '',
    attempt: 1,
    iteration: 1,
    ...over,
  };
}

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    counts: { passed: 0, failed: 0, skipped: 0, todo: 0, flaky: 0 },
    total: 0,
    collectErrors: 0,
    deselected: 0,
    notRun: 0,
    wallMs: 1500,
    sumDurationsMs: 0,
    speedup: 0,
    workers: [],
    slowest: [],
    retries: 0,
    retryRate: 0,
    flakyRate: 0,
    interrupted: false,
    exitCode: 1,
    ...over,
  };
}

const start = (count = 1): RunEvent => ({ type: 'run-start', mode: 'run', workers: 2, files: 1, tests: 1, deselected: 0, dist: 'load', count });
const end = (s: RunSummary = summary()): RunEvent => ({ type: 'run-end', summary: s });
const ended = (r: TestResult): RunEvent => ({ type: 'test-end', result: r });

function feed(reporter: { onEvent: (e: RunEvent) => void }, events: RunEvent[]): void {
  for (const e of events) reporter.onEvent(e);
}

const err = (message: string, stack?: string, name = 'Error'): ErrorInfo => ({ name, message, ...(stack ? { stack } : {}) });

// ---------------------------------------------------------------- a tiny XML tree via saxes

interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

function parseXml(xml: string): { root: XNode; errors: string[] } {
  const parser = new SaxesParser();
  const errors: string[] = [];
  const doc: XNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XNode[] = [doc];
  parser.on('error', (e) => errors.push(e.message));
  parser.on('opentag', (tag) => {
    const node: XNode = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, children: [], text: '' };
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => {
    stack[stack.length - 1].text += t;
  });
  parser.on('cdata', (t) => {
    stack[stack.length - 1].text += t;
  });
  parser.write(xml).close();
  assert.equal(doc.children.length, 1, 'one root element');
  return { root: doc.children[0], errors };
}

const kids = (n: XNode, name: string): XNode[] => n.children.filter((c) => c.name === name);
const kid = (n: XNode, name: string): XNode => {
  const found = kids(n, name);
  assert.equal(found.length, 1, `expected one <${name}> in <${n.name} name="${n.attrs.name}">, found ${found.length}`);
  return found[0];
};
const suiteOf = (root: XNode, name: string): XNode => {
  const s = kids(root, 'testsuite').find((x) => x.attrs.name === name);
  assert.ok(s, `testsuite ${name} present; have ${kids(root, 'testsuite').map((x) => x.attrs.name).join(', ')}`);
  return s;
};
const caseOf = (suite: XNode, name: string): XNode => {
  const c = kids(suite, 'testcase').find((x) => x.attrs.name === name);
  assert.ok(c, `testcase ${JSON.stringify(name)} present; have ${kids(suite, 'testcase').map((x) => JSON.stringify(x.attrs.name)).join(', ')}`);
  return c;
};

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'qa-reports-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function junit(events: RunEvent[]): { xml: string; root: XNode; errors: string[]; path: string } {
  const path = join(dir, `junit-${++n}`, 'nested', 'report.xml');
  feed(new JUnitReporter(path), events);
  const xml = readFileSync(path, 'utf8');
  const { root, errors } = parseXml(xml);
  return { xml, root, errors, path };
}

// ---------------------------------------------------------------- JUnit

describe('JUnitReporter', () => {
  const F = 'demo-suite/api/users.test.ts';

  test('stays well-formed XML for hostile names, messages and output', () => {
    const nasty = `a<b>&"c'\u0000d\u001b[31me\u001b[39m\uFFFFf\uD800g\nh\r\ti 😀 ]]>`;
    const cleanName = `a<b>&"c'defg\nh\r\ti 😀 ]]>`;
    const big = 'x'.repeat(1024 * 1024);
    const stdout = `${big}\nend ]]> of <output> & "quotes" \u001b[2Jcleared\u0007\u0001 \uFFFE\uD800 \r\nlast`;
    const cleanStdout = `${big}\nend ]]> of <output> & "quotes" cleared  \r\nlast`;
    const message = `expected <a> & 'b' ]]>\u001b[31m red\u0000\nsecond line`;
    const { xml, root, errors } = junit([
      start(),
      ended(
        result({
          file: F,
          suitePath: ['su<i>te\u0000'],
          name: nasty,
          status: 'failed',
          error: err(message, `    at Object.fn (${F}:12:5)`, 'Assert"ion<Error>'),
          stdout,
          stderr: 'err ]]> \u0000',
        }),
      ),
      end(),
    ]);
    assert.deepEqual(errors, []);
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
    assert.ok(!xml.includes('<![CDATA['), 'no CDATA');
    const tc = caseOf(suiteOf(root, F), `su<i>te › ${cleanName}`);
    assert.equal(tc.attrs.classname, 'demo-suite.api.users.test.su<i>te');
    const failure = kid(tc, 'failure');
    assert.equal(failure.attrs.message, `expected <a> & 'b' ]]> red`);
    assert.equal(failure.attrs.type, 'Assert"ion<Error>');
    assert.equal(failure.text, `Assert"ion<Error>: expected <a> & 'b' ]]> red\nsecond line\n    at Object.fn (${F}:12:5)`);
    assert.equal(kid(tc, 'system-out').text, cleanStdout);
    assert.equal(kid(tc, 'system-err').text, 'err ]]> ');
  });

  test('counts in <testsuites> and each <testsuite> match their testcases', () => {
    const G = 'demo-suite/cart.test.ts';
    const { root, errors } = junit([
      start(),
      { type: 'collect-error', error: { file: 'demo-suite/broken.test.ts', error: err('SyntaxError: nope') } },
      ended(result({ file: F, name: 'a', status: 'passed', durationMs: 100 })),
      ended(result({ file: F, name: 'b', status: 'failed', durationMs: 250, error: err('boom') })),
      ended(result({ file: F, name: 'c', status: 'skipped', durationMs: 0 })),
      ended(result({ file: G, name: 'd', status: 'todo', durationMs: 0 })),
      ended(result({ file: G, name: 'e', status: 'failed', attempt: 1, willRetry: true, error: err('first') })),
      ended(result({ file: G, name: 'e', status: 'flaky', attempt: 2, durationMs: 40 })),
      { type: 'worker-error', workerId: 'w2', error: err('afterAll exploded'), file: G },
      end(summary({ wallMs: 2345 })),
    ]);
    assert.deepEqual(errors, []);
    assert.equal(root.name, 'testsuites');
    assert.equal(root.attrs.name, 'qa');
    assert.deepEqual(
      { tests: root.attrs.tests, failures: root.attrs.failures, errors: root.attrs.errors, skipped: root.attrs.skipped, time: root.attrs.time },
      { tests: '7', failures: '1', errors: '2', skipped: '2', time: '2.345' },
    );
    const f = suiteOf(root, F);
    assert.deepEqual([f.attrs.tests, f.attrs.failures, f.attrs.errors, f.attrs.skipped, f.attrs.time], ['3', '1', '0', '1', '0.350']);
    const g = suiteOf(root, G);
    assert.deepEqual([g.attrs.tests, g.attrs.failures, g.attrs.errors, g.attrs.skipped], ['2', '0', '0', '1']);
    const broken = suiteOf(root, 'demo-suite/broken.test.ts');
    assert.deepEqual([broken.attrs.tests, broken.attrs.failures, broken.attrs.errors, broken.attrs.skipped], ['1', '0', '1', '0']);
    const w = suiteOf(root, 'qa worker errors');
    assert.deepEqual([w.attrs.tests, w.attrs.failures, w.attrs.errors, w.attrs.skipped], ['1', '0', '1', '0']);
    // Every suite's numbers agree with its children, and the totals with the suites.
    let sum = 0;
    for (const s of kids(root, 'testsuite')) {
      const cases = kids(s, 'testcase');
      assert.equal(Number(s.attrs.tests), cases.length, s.attrs.name);
      assert.equal(Number(s.attrs.failures), cases.filter((c) => kids(c, 'failure').length).length, s.attrs.name);
      assert.equal(Number(s.attrs.errors), cases.filter((c) => kids(c, 'error').length).length, s.attrs.name);
      assert.equal(Number(s.attrs.skipped), cases.filter((c) => kids(c, 'skipped').length).length, s.attrs.name);
      assert.match(s.attrs.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      assert.ok(s.attrs.hostname, 'hostname');
      sum += cases.length;
    }
    assert.equal(sum, 7);
  });

  test('classname, name, time and file attributes', () => {
    const { root } = junit([
      start(),
      ended(result({ file: F, suitePath: ['Users', 'create'], name: 'rejects a duplicate email', durationMs: 1234.5678 })),
      ended(result({ file: 'top.spec.mjs', suitePath: [], name: 'at the top', durationMs: 0.4 })),
      end(),
    ]);
    const tc = caseOf(suiteOf(root, F), 'Users › create › rejects a duplicate email');
    assert.deepEqual(tc.attrs, {
      classname: 'demo-suite.api.users.test.Users.create',
      name: 'Users › create › rejects a duplicate email',
      time: '1.235',
      file: F,
    });
    assert.deepEqual(tc.children, [], 'a plain pass has no children');
    const top = caseOf(suiteOf(root, 'top.spec.mjs'), 'at the top');
    assert.equal(top.attrs.classname, 'top.spec');
    assert.equal(top.attrs.time, '0.000');
    assert.equal(top.attrs.file, 'top.spec.mjs');
  });

  test('flaky tests get <flakyFailure> per failed attempt; always-failing tests <failure> + <rerunFailure>', () => {
    const { root, errors } = junit([
      start(),
      ended(result({ file: F, name: 'flaky', status: 'failed', attempt: 1, willRetry: true, error: err('try 1 <bad>', `    at ${F}:3:9`), stdout: 'out 1\n', stderr: 'err 1\n' })),
      ended(result({ file: F, name: 'flaky', status: 'failed', attempt: 2, willRetry: true, error: err('try 2', undefined, 'TypeError'), stdout: '', stderr: '' })),
      ended(result({ file: F, name: 'flaky', status: 'flaky', attempt: 3, stdout: 'final out\n' })),
      ended(result({ file: F, name: 'broken', status: 'failed', attempt: 1, willRetry: true, error: err('first'), stdout: 'o1' })),
      ended(result({ file: F, name: 'broken', status: 'failed', attempt: 2, error: err('last', undefined, 'Timeout'), stdout: 'o2' })),
      end(),
    ]);
    assert.deepEqual(errors, []);
    const suite = suiteOf(root, F);
    assert.equal(kids(suite, 'testcase').length, 2, 'one testcase per test, not per attempt');
    assert.equal(suite.attrs.failures, '1');

    const flaky = caseOf(suite, 'flaky');
    assert.equal(kids(flaky, 'failure').length, 0, 'flaky is a pass');
    const ff = kids(flaky, 'flakyFailure');
    assert.equal(ff.length, 2);
    assert.deepEqual(ff[0].attrs, { message: 'try 1 <bad>', type: 'Error' });
    assert.equal(kid(ff[0], 'stackTrace').text, `try 1 <bad>\n    at ${F}:3:9`);
    assert.equal(kid(ff[0], 'system-out').text, 'out 1\n');
    assert.equal(kid(ff[0], 'system-err').text, 'err 1\n');
    assert.deepEqual(ff[1].attrs, { message: 'try 2', type: 'TypeError' });
    assert.equal(kids(ff[1], 'system-out').length, 0, 'empty output is left out');
    assert.equal(kid(flaky, 'system-out').text, 'final out\n');

    const broken = caseOf(suite, 'broken');
    assert.deepEqual(kid(broken, 'failure').attrs, { message: 'last', type: 'Timeout' });
    const rr = kids(broken, 'rerunFailure');
    assert.equal(rr.length, 1);
    assert.equal(rr[0].attrs.message, 'first');
    assert.equal(kid(rr[0], 'system-out').text, 'o1');
    assert.equal(kid(broken, 'system-out').text, 'o2');
    assert.deepEqual(
      broken.children.map((c) => c.name),
      ['failure', 'rerunFailure', 'system-out'],
    );
  });

  test('skipped and todo are <skipped/>, todo with message="todo"; passing output is dropped', () => {
    const { root } = junit([
      start(),
      ended(result({ file: F, name: 'later', status: 'skipped', stdout: 'x' })),
      ended(result({ file: F, name: 'someday', status: 'todo' })),
      ended(result({ file: F, name: 'chatty pass', status: 'passed', stdout: 'lots of output', stderr: 'more' })),
      end(),
    ]);
    const suite = suiteOf(root, F);
    const skipped = caseOf(suite, 'later');
    assert.deepEqual(kid(skipped, 'skipped').attrs, {});
    assert.equal(kids(skipped, 'system-out').length, 0);
    assert.deepEqual(kid(caseOf(suite, 'someday'), 'skipped').attrs, { message: 'todo' });
    assert.deepEqual(caseOf(suite, 'chatty pass').children, []);
    assert.equal(suite.attrs.skipped, '2');
  });

  test('a worker crash or timeout is a <failure>', () => {
    const { root } = junit([
      start(),
      ended(result({ file: F, name: 'crashes', status: 'failed', error: err('worker w1 was killed by SIGKILL while running it', 'last output of w1:\nbye', 'WorkerCrash') })),
      ended(result({ file: F, name: 'hangs', status: 'failed', error: err('timed out after 5000 ms', undefined, 'Timeout') })),
      end(),
    ]);
    const suite = suiteOf(root, F);
    assert.equal(suite.attrs.failures, '2');
    assert.equal(suite.attrs.errors, '0');
    const crash = kid(caseOf(suite, 'crashes'), 'failure');
    assert.deepEqual(crash.attrs, { message: 'worker w1 was killed by SIGKILL while running it', type: 'WorkerCrash' });
    assert.equal(crash.text, 'WorkerCrash: worker w1 was killed by SIGKILL while running it\nlast output of w1:\nbye');
    assert.equal(kid(caseOf(suite, 'hangs'), 'failure').attrs.type, 'Timeout');
  });

  test('collection errors and worker errors are testcases with <error>', () => {
    const { root, errors } = junit([
      start(),
      { type: 'collect-error', error: { file: 'demo-suite/bad.test.ts', error: err('Cannot find module "./nope"\nRequire stack: x', '    at demo-suite/bad.test.ts:1:1', 'Error') } },
      { type: 'worker-error', workerId: 'w2', error: err('afterAll <failed>'), file: F },
      { type: 'worker-error', workerId: 'w1', error: err('stray rejection', undefined, 'UnhandledRejection'), testId: `${F}::a` },
      { type: 'worker-error', workerId: 'w1', error: err('too many restarts', undefined, 'TooManyRestarts') },
      end(),
    ]);
    assert.deepEqual(errors, []);
    const bad = suiteOf(root, 'demo-suite/bad.test.ts');
    const tc = caseOf(bad, 'demo-suite/bad.test.ts');
    assert.equal(tc.attrs.classname, 'demo-suite.bad.test');
    assert.equal(tc.attrs.file, 'demo-suite/bad.test.ts');
    const e = kid(tc, 'error');
    assert.deepEqual(e.attrs, { message: 'Cannot find module "./nope"', type: 'Error' });
    assert.equal(e.text, 'Cannot find module "./nope"\nRequire stack: x\n    at demo-suite/bad.test.ts:1:1');

    const w = suiteOf(root, 'qa worker errors');
    const cases = kids(w, 'testcase');
    assert.equal(cases.length, 3);
    for (const c of cases) assert.equal(kids(c, 'error').length, 1);
    assert.deepEqual(
      cases.map((c) => c.attrs.name),
      ['worker error 1 [w2] in demo-suite/api/users.test.ts', 'worker error 2 [w1] during demo-suite/api/users.test.ts::a', 'worker error 3 [w1]'],
    );
    assert.equal(cases[0].attrs.file, F);
    assert.deepEqual(kid(cases[0], 'error').attrs, { message: 'afterAll <failed>', type: 'Error' });
    assert.equal(kid(cases[1], 'error').attrs.type, 'UnhandledRejection');
    assert.equal(root.attrs.errors, '4');
  });

  test('--count 5 names copies [i/5] and keeps retries of each copy apart', () => {
    const events: RunEvent[] = [start(5)];
    for (let i = 1; i <= 5; i++) {
      if (i === 3) {
        events.push(ended(result({ file: F, name: 'race', iteration: 3, status: 'failed', willRetry: true, error: err('lost the race') })));
        events.push(ended(result({ file: F, name: 'race', iteration: 3, attempt: 2, status: 'flaky' })));
      } else {
        events.push(ended(result({ file: F, name: 'race', iteration: i })));
      }
    }
    events.push(end());
    const { root } = junit(events);
    const suite = suiteOf(root, F);
    assert.deepEqual(
      kids(suite, 'testcase').map((c) => c.attrs.name),
      ['race[1/5]', 'race[2/5]', 'race[3/5]', 'race[4/5]', 'race[5/5]'],
    );
    assert.equal(kids(caseOf(suite, 'race[3/5]'), 'flakyFailure').length, 1);
    assert.equal(kids(caseOf(suite, 'race[4/5]'), 'flakyFailure').length, 0);
  });

  test('no [i/N] suffix without --count', () => {
    const { root } = junit([start(1), ended(result({ file: F, name: 'once' })), end()]);
    assert.ok(caseOf(suiteOf(root, F), 'once'));
  });

  test('writes through FILE.tmp: parent directories created, no temp file left, nothing before run-end', () => {
    const path = join(dir, 'atomic', 'a', 'b', 'junit.xml');
    const r = new JUnitReporter(path);
    feed(r, [start(), ended(result({ file: F }))]);
    assert.equal(existsSync(path), false, 'nothing written before run-end');
    r.onEvent(end());
    assert.deepEqual(readdirSync(join(dir, 'atomic', 'a', 'b')), ['junit.xml']);
    assert.deepEqual(parseXml(readFileSync(path, 'utf8')).errors, []);
  });
});

// ---------------------------------------------------------------- JSON

describe('JsonReporter', () => {
  const F = 'demo-suite/api/users.test.ts';

  test('every final result once, with attempts, history and iteration; retried-away attempts are history only', () => {
    const path = join(dir, 'json-1', 'deep', 'report.json');
    const s = summary({ counts: { passed: 2, failed: 1, skipped: 0, todo: 0, flaky: 1 }, total: 4 });
    feed(new JsonReporter(path), [
      start(2),
      ended(result({ file: F, name: 'a', iteration: 1 })),
      ended(result({ file: F, name: 'a', iteration: 2, status: 'failed', willRetry: true, attempt: 1, workerId: 'w1', error: err('nope'), stdout: 'gone' })),
      ended(result({ file: F, name: 'a', iteration: 2, status: 'flaky', attempt: 2, workerId: 'w2', durationMs: 7, stdout: 'kept' })),
      ended(result({ file: F, name: 'b', iteration: 1, status: 'failed', willRetry: true, attempt: 1, error: err('b1') })),
      ended(result({ file: F, name: 'b', iteration: 1, status: 'failed', attempt: 2, error: err('b2'), stderr: 'why' })),
      ended(result({ file: F, name: 'b', iteration: 2, stdout: 'dropped for a pass' })),
      end(s),
    ]);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith('{\n  "version": 1,'), 'pretty-printed with 2 spaces');
    assert.equal(readdirSync(join(dir, 'json-1', 'deep')).length, 1, 'no temp file left');
    const report = JSON.parse(text) as JsonReport;
    assert.equal(report.version, 1);
    assert.ok(!Number.isNaN(Date.parse(report.startedAt)));
    assert.deepEqual(report.summary, s);
    assert.deepEqual(
      report.results.map((r) => [r.displayId, r.id, r.status, r.attempts, r.iteration]),
      [
        [`${F}::a[1/2]`, `${F}::a`, 'passed', 1, 1],
        [`${F}::a[2/2]`, `${F}::a`, 'flaky', 2, 2],
        [`${F}::b[1/2]`, `${F}::b`, 'failed', 2, 1],
        [`${F}::b[2/2]`, `${F}::b`, 'passed', 1, 2],
      ],
    );
    const flaky = report.results[1];
    assert.deepEqual(flaky.history, [
      { attempt: 1, status: 'failed', durationMs: 12, workerId: 'w1', error: err('nope') },
      { attempt: 2, status: 'flaky', durationMs: 7, workerId: 'w2' },
    ]);
    assert.equal(flaky.workerId, 'w2');
    assert.equal(flaky.durationMs, 7);
    assert.equal(flaky.stdout, 'kept');
    assert.deepEqual(flaky.suitePath, []);
    assert.equal(flaky.name, 'a');
    assert.equal(flaky.file, F);
    assert.deepEqual(flaky.marks, []);
    const failed = report.results[2];
    assert.deepEqual(failed.error, err('b2'));
    assert.equal(failed.stderr, 'why');
    assert.deepEqual(failed.history.map((h) => h.error?.message), ['b1', 'b2']);
    assert.equal('stdout' in report.results[3], false, 'a plain pass carries no output');
    assert.equal(report.results.filter((r) => r.status === 'failed').length, 1);
  });

  test('collection errors, worker errors, and plain ids without --count', () => {
    const path = join(dir, 'json-2.json');
    const nasty = 'name with \u0000 and \uD800 and "quotes"';
    feed(new JsonReporter(path), [
      start(1),
      { type: 'collect-error', error: { file: 'bad.test.ts', error: err('SyntaxError') } },
      { type: 'worker-error', workerId: 'w3', error: err('teardown failed'), file: 'x.test.ts' },
      ended(result({ file: F, name: nasty })),
      end(),
    ]);
    const report = JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
    assert.deepEqual(report.collectErrors, [{ file: 'bad.test.ts', error: err('SyntaxError') }]);
    assert.deepEqual(report.workerErrors, [{ workerId: 'w3', error: err('teardown failed'), file: 'x.test.ts' }]);
    assert.equal(report.results.length, 1);
    assert.equal(report.results[0].name, nasty, 'JSON keeps names exactly');
    assert.equal(report.results[0].displayId, report.results[0].id);
  });
});

// ---------------------------------------------------------------- GitHub annotations

describe('GithubReporter', () => {
  const F = 'demo-suite/api/users.test.ts';
  function annotate(events: RunEvent[]): string[] {
    const chunks: string[] = [];
    feed(new GithubReporter({ write: (s: string) => chunks.push(s) }), events);
    assert.ok(chunks.length <= 1, 'written once');
    return chunks.join('').split('\n').filter(Boolean);
  }

  test('a failure points at the first frame in the test file, past frames in other files', () => {
    const stack = [
      '    at helper (demo-suite/support/db.ts:40:11)',
      `    at Object.fn (${F}:12:5)`,
      `    at ${F}:99:1`,
    ].join('\n');
    const lines = annotate([start(), ended(result({ file: F, suitePath: ['Users'], name: 'creates', status: 'failed', error: err('expected 201, got 500', stack) })), end()]);
    assert.deepEqual(lines, [`::error file=${F},line=12,col=5,title=${F}%3A%3AUsers%3A%3Acreates::expected 201, got 500`]);
  });

  test('frame formats: bare path, file URL; no frame in the file means file= only', () => {
    const lines = annotate([
      start(),
      ended(result({ file: 'file.test.ts', name: 'bare', status: 'failed', error: err('x', '    at file.test.ts:4:68') })),
      ended(result({ file: 'file.test.ts', name: 'url', status: 'failed', error: err('y', '    at async Promise.all (index 0)\n    at run (file:///home/u/proj/file.test.ts:7:3)') })),
      ended(result({ file: 'file.test.ts', name: 'elsewhere', status: 'failed', error: err('z', '    at other.test.ts:1:1\n    at bigfile.test.ts:2:2') })),
      ended(result({ file: 'file.test.ts', name: 'no stack', status: 'failed' })),
      ended(result({ file: 'file.test.ts', name: 'ok' })),
      end(),
    ]);
    assert.deepEqual(lines, [
      '::error file=file.test.ts,line=4,col=68,title=file.test.ts%3A%3Abare::x',
      '::error file=file.test.ts,line=7,col=3,title=file.test.ts%3A%3Aurl::y',
      '::error file=file.test.ts,title=file.test.ts%3A%3Aelsewhere::z',
      '::error file=file.test.ts,title=file.test.ts%3A%3Ano stack::failed',
    ]);
  });

  test('escapes % CR LF in messages, and also : , in properties', () => {
    const lines = annotate([
      start(),
      ended(
        result({
          file: 'a,b:c.test.ts',
          name: '100% done, really',
          status: 'failed',
          error: err('line one\nline two\r\n50% off: a,b \u001b[31mred\u001b[39m %0A', '    at a,b:c.test.ts:3:4'),
        }),
      ),
      end(),
    ]);
    assert.deepEqual(lines, [
      '::error file=a%2Cb%3Ac.test.ts,line=3,col=4,title=a%2Cb%3Ac.test.ts%3A%3A100%25 done%2C really::line one%0Aline two%0D%0A50%25 off: a,b red %250A',
    ]);
  });

  test('collection errors, flaky warnings and worker errors', () => {
    const lines = annotate([
      start(),
      { type: 'collect-error', error: { file: 'demo-suite/bad.test.ts', error: err('Unexpected token (3:4)\nmore') } },
      ended(result({ file: F, name: 'sometimes', status: 'failed', willRetry: true, error: err('timing', `    at ${F}:8:2`) })),
      ended(result({ file: F, name: 'sometimes', status: 'flaky', attempt: 2 })),
      { type: 'worker-error', workerId: 'w2', error: err('afterAll failed'), file: F },
      end(),
    ]);
    assert.deepEqual(lines, [
      '::error file=demo-suite/bad.test.ts::Unexpected token (3:4)%0Amore',
      `::warning file=${F},line=8,col=2,title=flaky%3A ${F}%3A%3Asometimes::passed on attempt 2 after 1 failed attempt: timing`,
      `::error file=${F},title=worker error [w2]::afterAll failed`,
    ]);
  });

  test('with --count, titles carry [i/N]; retried attempts alone annotate nothing', () => {
    const lines = annotate([
      start(5),
      ended(result({ file: F, name: 'race', iteration: 3, status: 'failed', willRetry: true, error: err('first') })),
      ended(result({ file: F, name: 'race', iteration: 3, status: 'failed', attempt: 2, error: err('second') })),
      ended(result({ file: F, name: 'race', iteration: 4, status: 'skipped' })),
      end(),
    ]);
    assert.deepEqual(lines, [`::error file=${F},title=${F}%3A%3Arace[3/5]::second`]);
  });
});
