// The fixtures every test gets without declaring them: workerId, freePort, testInfo, tmpPath.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestStatus } from '../core/types.js';
import { extendFixtures } from './fixtures.js';
import type { FixtureSet } from './model.js';

export interface TestInfo {
  id: string;
  file: string;
  name: string;
  suitePath: string[];
  marks: string[];
  attempt: number;
  iteration: number;
  workerId: string;
  /** Set once the test body and its hooks have finished; undefined while running. */
  status?: TestStatus;
}

export const workerId = process.env.QA_WORKER_ID ?? 'gw0';

const handedOut = new Set<number>();

/**
 * A TCP port nothing listens on right now. The OS picks it; ports already handed out by this
 * worker are skipped so two fixtures of one test never collide.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

const tmpRoot = join(tmpdir(), 'qa-lanes', `${workerId}-${process.pid}`);

function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'test';
}

export function builtinFixtures(currentInfo: () => TestInfo): FixtureSet {
  // Defined by qa, whatever project code happens to be on the stack when qa-lanes first loads.
  const definedBy: string[] = [];
  return extendFixtures(new Map(), {
    workerId: [workerId, { scope: 'worker' }],
    // A function-valued fixture must be wrapped, or it would be taken for the fixture's setup.
    freePort: [async (_deps: unknown, use: (v: typeof freePort) => Promise<void>) => use(freePort), { scope: 'worker' }],
    testInfo: async (_deps: unknown, use: (v: TestInfo) => Promise<void>) => use(currentInfo()),
    // Kept after a failure so the files can be inspected, like pytest's tmp_path.
    tmpPath: async ({ testInfo }: { testInfo: TestInfo }, use: (v: string) => Promise<void>) => {
      await mkdir(tmpRoot, { recursive: true });
      const dir = await mkdtemp(join(tmpRoot, `${safeSegment(testInfo.name)}-`));
      await use(dir);
      if (testInfo.status === 'passed') await rm(dir, { recursive: true, force: true });
    },
  }, definedBy);
}
