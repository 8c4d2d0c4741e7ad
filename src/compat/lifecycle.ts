import { uninstallClock } from './fake-timers.js';
import { clearEveryMock, resetEveryMock, restoreEveryMock } from './mockers.js';
import { unstubAllEnvs, unstubAllGlobals } from './stubs.js';

/** The per-test mock options of vitest.config / jest.config that qa's harness forwards. */
export interface MockConfig {
  clearMocks?: boolean;
  mockReset?: boolean;
  restoreMocks?: boolean;
  unstubEnvs?: boolean;
  unstubGlobals?: boolean;
}

/** Applies the config before each test, as Vitest does. */
export function beforeEachTest(config: MockConfig): void {
  if (config.clearMocks) clearEveryMock();
  if (config.mockReset) resetEveryMock();
  if (config.restoreMocks) restoreEveryMock();
  if (config.unstubEnvs) unstubAllEnvs();
  if (config.unstubGlobals) unstubAllGlobals();
}

/** The worker runs the next file in the same process; nothing one file faked may reach it. */
export function afterFile(): void {
  uninstallClock();
  unstubAllGlobals();
  unstubAllEnvs();
}
