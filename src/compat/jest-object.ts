import { activeClock, fakeableApis, installClock, realNow, uninstallClock, type FakeTimerInstallOpts, type InstalledClock } from './fake-timers.js';
import { jestMocker } from './mockers.js';
import { unmockRootPackage } from './root-mocks.js';
import { isolateModules, mockModule, requireActualModule, requireMockedModule, resetModules, unmockModule } from './module-mocks.js';
import { UnsupportedApiError, unsupported } from './unsupported.js';
import type { ViBridge } from './vi.js';

/** Jest 30's modern fake timer options. */
export interface JestFakeTimersConfig {
  advanceTimers?: boolean | number;
  doNotFake?: FakeTimerInstallOpts['toFake'];
  now?: number | Date;
  timerLimit?: number;
  legacyFakeTimers?: boolean;
}

// Jest warns rather than throws when timers are driven without being faked; a suite relying on that must keep running.
function timersClock(): InstalledClock | undefined {
  const clock = activeClock('timers');
  if (!clock) {
    console.warn(
      'A function to advance timers was called but the timers APIs are not replaced with fake timers. Call `jest.useFakeTimers()` in this test file.',
    );
  }
  return clock;
}

function toInstallOptions(config: JestFakeTimersConfig): FakeTimerInstallOpts {
  const doNotFake = new Set<string>(config.doNotFake ?? []);
  return {
    // Jest fakes everything fake-timers can, nextTick and queueMicrotask included, unless told otherwise.
    toFake: fakeableApis.filter((api) => !doNotFake.has(api)) as FakeTimerInstallOpts['toFake'],
    now: config.now ?? realNow(),
    loopLimit: config.timerLimit || 100_000,
    shouldAdvanceTime: Boolean(config.advanceTimers),
    advanceTimeDelta: typeof config.advanceTimers === 'number' ? config.advanceTimers : undefined,
    shouldClearNativeTimers: true,
  };
}

function onlyLegacy(api: string): () => never {
  return () => {
    throw new TypeError(`\`${api}()\` is only available when using legacy fake timers.`);
  };
}

export function createJestObject(bridge: ViBridge) {
  const jest = {
    fn: jestMocker.fn.bind(jestMocker),
    spyOn: jestMocker.spyOn.bind(jestMocker),
    mocked: jestMocker.mocked.bind(jestMocker),
    replaceProperty: jestMocker.replaceProperty.bind(jestMocker),
    isMockFunction: jestMocker.isMockFunction.bind(jestMocker),
    clearAllMocks() {
      jestMocker.clearAllMocks();
      return jest;
    },
    resetAllMocks() {
      jestMocker.resetAllMocks();
      return jest;
    },
    restoreAllMocks() {
      jestMocker.restoreAllMocks();
      return jest;
    },

    setTimeout(timeout: number) {
      bridge.setConfig({ testTimeout: timeout });
      return jest;
    },
    retryTimes: unsupported('jest.retryTimes'),

    useFakeTimers(config: JestFakeTimersConfig = {}) {
      if (config.legacyFakeTimers) {
        throw new UnsupportedApiError('jest.useFakeTimers({ legacyFakeTimers: true })', 'legacy fake timers are not supported, use the default (modern) fake timers');
      }
      installClock(toInstallOptions(config));
      return jest;
    },
    useRealTimers() {
      uninstallClock();
      return jest;
    },
    advanceTimersByTime(ms: number): void {
      timersClock()?.tick(ms);
    },
    async advanceTimersByTimeAsync(ms: number): Promise<void> {
      await timersClock()?.tickAsync(ms);
    },
    advanceTimersToNextTimer(steps = 1): void {
      const clock = timersClock();
      if (!clock) return;
      for (let i = 0; i < steps; i++) {
        clock.next();
        // next() fires only the first timer due; others due at the same instant must fire too.
        clock.tick(0);
        if (clock.countTimers() === 0) break;
      }
    },
    async advanceTimersToNextTimerAsync(steps = 1): Promise<void> {
      const clock = timersClock();
      if (!clock) return;
      for (let i = 0; i < steps; i++) {
        await clock.nextAsync();
        await clock.tickAsync(0);
        if (clock.countTimers() === 0) break;
      }
    },
    advanceTimersToNextFrame(): void {
      timersClock()?.runToFrame();
    },
    runAllTimers(): void {
      timersClock()?.runAll();
    },
    async runAllTimersAsync(): Promise<void> {
      await timersClock()?.runAllAsync();
    },
    runOnlyPendingTimers(): void {
      timersClock()?.runToLast();
    },
    async runOnlyPendingTimersAsync(): Promise<void> {
      await timersClock()?.runToLastAsync();
    },
    runAllTicks(): void {
      timersClock()?.runMicrotasks();
    },
    // Jest 30 keeps the name but it works only with legacy timers, which qa does not offer.
    runAllImmediates: onlyLegacy('jest.runAllImmediates'),
    setSystemTime(now?: number | Date): void {
      timersClock()?.setSystemTime(now);
    },
    getRealSystemTime(): number {
      return realNow();
    },
    now(): number {
      return activeClock('timers')?.now ?? Date.now();
    },
    getTimerCount(): number {
      return timersClock()?.countTimers() ?? 0;
    },
    clearAllTimers(): void {
      activeClock('timers')?.reset();
    },

    requireActual: requireActualModule,
    requireMock: requireMockedModule,
    // jest.mock/unmock calls are hoisted above the file's imports (runtime/hoist.ts) as babel-jest hoists them.
    mock(path: string, factory?: () => unknown) {
      mockModule('jest', path, factory);
      return jest;
    },
    doMock(path: string, factory?: () => unknown) {
      mockModule('jest', path, factory);
      return jest;
    },
    unmock(path: string) {
      unmockModule(path);
      unmockRootPackage(path);
      return jest;
    },
    dontMock(path: string) {
      unmockModule(path);
      unmockRootPackage(path);
      return jest;
    },
    createMockFromModule: (path: string) => jestMocker.generateFromMetadata(jestMocker.getMetadata(requireActualModule(path))!),
    resetModules() {
      resetModules();
      return jest;
    },
    isolateModules(fn: () => void) {
      isolateModules(fn);
      return jest;
    },
  };
  return jest;
}

export type JestObject = ReturnType<typeof createJestObject>;
