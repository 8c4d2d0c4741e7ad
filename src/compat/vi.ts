import * as spy from '@vitest/spy';
import { activeClock, fakeableApis, installClock, realNow, uninstallClock, type FakeTimerInstallOpts, type InstalledClock } from './fake-timers.js';
import { stubEnv, stubGlobal, unstubAllEnvs, unstubAllGlobals } from './stubs.js';
import { importActualModule, importMockedModule, mockModule, mockObjectDeeply, resetModules, unmockModule, type ModuleFactory } from './module-mocks.js';
import { unsupported } from './unsupported.js';
import { waitFor, waitUntil, type WaitOptions } from './wait.js';

/** Provided by qa's worker: vi.setConfig changes timeouts the runtime owns. */
export interface ViBridge {
  setConfig(c: { testTimeout?: number; hookTimeout?: number }): void;
  resetConfig(): void;
}

/** Vitest's fakeTimers options (the subset of fake-timers' install options it passes through). */
export interface ViFakeTimerOptions {
  toFake?: FakeTimerInstallOpts['toFake'];
  now?: number | Date;
  loopLimit?: number;
  shouldAdvanceTime?: boolean;
  advanceTimeDelta?: number;
  shouldClearNativeTimers?: boolean;
}

// Vitest 4's config defaults; user options override them key by key.
const defaultOptions: ViFakeTimerOptions = { loopLimit: 10_000, shouldClearNativeTimers: true };
// Faking these would stall promise plumbing the runner itself relies on, so Vitest leaves them real unless asked.
const defaultToFake = fakeableApis.filter((api) => api !== 'nextTick' && api !== 'queueMicrotask') as FakeTimerInstallOpts['toFake'];

function timersClock(): InstalledClock {
  const clock = activeClock('timers');
  if (!clock) {
    throw new Error(
      'A function to advance timers was called but the timers APIs are not mocked. Call `vi.useFakeTimers()` in the test file first.',
    );
  }
  return clock;
}

function advanceToNextTimer(clock: InstalledClock): boolean {
  clock.next();
  // next() fires only the first timer due; others due at the same instant must fire too.
  clock.tick(0);
  return clock.countTimers() > 0;
}

export function createVi(bridge: ViBridge) {
  const vi = {
    fn: spy.fn,
    spyOn: spy.spyOn,
    /** Types only: the value is already a mock, vi.mocked just narrows it. */
    mocked<T>(item: T, _options?: { partial?: boolean; deep?: boolean }): spy.MaybeMocked<T> {
      return item as spy.MaybeMocked<T>;
    },
    isMockFunction: (fn: unknown): fn is spy.Mock => spy.isMockFunction(fn),
    clearAllMocks() {
      spy.clearAllMocks();
      return vi;
    },
    resetAllMocks() {
      spy.resetAllMocks();
      return vi;
    },
    restoreAllMocks() {
      spy.restoreAllMocks();
      return vi;
    },

    stubGlobal(name: string | symbol | number, value: unknown) {
      stubGlobal(name, value);
      return vi;
    },
    unstubAllGlobals() {
      unstubAllGlobals();
      return vi;
    },
    stubEnv(name: string, value: string | boolean | undefined) {
      stubEnv(name, value);
      return vi;
    },
    unstubAllEnvs() {
      unstubAllEnvs();
      return vi;
    },

    setConfig(config: { testTimeout?: number; hookTimeout?: number }) {
      bridge.setConfig(config);
    },
    resetConfig() {
      bridge.resetConfig();
    },

    waitFor<T>(callback: () => T | Promise<T>, options: number | WaitOptions = {}) {
      return waitFor(callback, options, advanceIfFaked);
    },
    waitUntil<T>(callback: () => T | Promise<T>, options: number | WaitOptions = {}) {
      return waitUntil(callback, options, advanceIfFaked);
    },
    hoisted<T>(factory: () => T): T {
      if (typeof factory !== 'function') throw new TypeError('"vi.hoisted" factory must be a function');
      return factory();
    },

    useFakeTimers(options: ViFakeTimerOptions = {}) {
      // A Date frozen by an earlier setSystemTime carries over as the clock's start.
      const frozenDate = activeClock('date')?.now;
      const config = { ...defaultOptions, ...options };
      installClock({ now: frozenDate ?? realNow(), ...config, toFake: config.toFake ?? defaultToFake });
      return vi;
    },
    useRealTimers() {
      uninstallClock();
      return vi;
    },
    isFakeTimers(): boolean {
      return activeClock('timers') !== undefined;
    },
    advanceTimersByTime(ms: number) {
      timersClock().tick(ms);
      return vi;
    },
    async advanceTimersByTimeAsync(ms: number) {
      await timersClock().tickAsync(ms);
      return vi;
    },
    advanceTimersToNextTimer(steps = 1) {
      const clock = timersClock();
      for (let i = 0; i < steps && advanceToNextTimer(clock); i++);
      return vi;
    },
    async advanceTimersToNextTimerAsync(steps = 1) {
      const clock = timersClock();
      for (let i = 0; i < steps; i++) {
        await clock.nextAsync();
        clock.tick(0);
        if (clock.countTimers() === 0) break;
      }
      return vi;
    },
    advanceTimersToNextFrame() {
      timersClock().runToFrame();
      return vi;
    },
    runAllTimers() {
      timersClock().runAll();
      return vi;
    },
    async runAllTimersAsync() {
      await timersClock().runAllAsync();
      return vi;
    },
    runOnlyPendingTimers() {
      timersClock().runToLast();
      return vi;
    },
    async runOnlyPendingTimersAsync() {
      await timersClock().runToLastAsync();
      return vi;
    },
    runAllTicks() {
      timersClock().runMicrotasks();
      return vi;
    },
    getTimerCount(): number {
      return timersClock().countTimers();
    },
    clearAllTimers() {
      activeClock('timers')?.reset();
      return vi;
    },
    setTimerTickMode(mode: 'manual' | 'nextTimerAsync' | 'interval', interval?: number) {
      const clock = timersClock();
      if (mode === 'manual') clock.setTickMode({ mode: 'manual' });
      else if (mode === 'nextTimerAsync') clock.setTickMode({ mode: 'nextAsync' });
      else if (mode === 'interval') clock.setTickMode({ mode: 'interval', delta: interval });
      else throw new Error(`Invalid tick mode: ${String(mode)}`);
      return vi;
    },
    setSystemTime(time?: number | string | Date) {
      const date = time === undefined ? undefined : new Date(time instanceof Date ? time.getTime() : time);
      if (date && Number.isNaN(date.getTime())) throw new TypeError(`vi.setSystemTime: the time set is an invalid date: ${String(time)}`);
      const clock = activeClock('timers');
      // With fake timers an omitted time means the epoch, as fake-timers has it; without them Vitest
      // freezes Date alone, at the given time or else at the real present.
      if (clock) clock.setSystemTime(date);
      else installClock({ now: date ?? realNow(), toFake: ['Date'] }, 'date');
      return vi;
    },
    getMockedSystemTime(): Date | null {
      const clock = activeClock('timers') ?? activeClock('date');
      return clock ? new Date(clock.now) : null;
    },
    getRealSystemTime(): number {
      return realNow();
    },

    // vi.mock/vi.unmock calls are hoisted above the file's imports (runtime/hoist.ts); doMock and
    // doUnmock stay where they are and change what the next import of the module gives.
    mock(path: string, factory?: ModuleFactory | { spy?: boolean }): void {
      mockModule('vitest', path, factory);
    },
    doMock(path: string, factory?: ModuleFactory | { spy?: boolean }) {
      mockModule('vitest', path, factory);
      return vi;
    },
    unmock(path: string): void {
      unmockModule(path);
    },
    doUnmock(path: string) {
      unmockModule(path);
      return vi;
    },
    importActual: <T = unknown>(path: string) => importActualModule(path) as Promise<T>,
    importMock: <T = unknown>(path: string) => importMockedModule('vitest', path) as Promise<T>,
    resetModules() {
      resetModules();
      return vi;
    },
    dynamicImportSettled: unsupported('vi.dynamicImportSettled'),
    mockObject: <T extends object>(value: T, options?: { spy?: boolean }): T => mockObjectDeeply(value, options?.spy ?? false),
  };

  function advanceIfFaked(ms: number): void {
    activeClock('timers')?.tick(ms);
  }

  return vi;
}

export type Vi = ReturnType<typeof createVi>;
