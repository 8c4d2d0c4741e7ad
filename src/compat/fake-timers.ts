import { withGlobal, type Clock as InstalledClock, type Config as FakeTimerInstallOpts } from '@sinonjs/fake-timers';

// vi and jest share one global, so they must share one clock: a second install on
// top of a live one would fail ("Can't install fake timers twice") or, if forced,
// leave the first clock's replacements behind after useRealTimers.
const sinon = withGlobal(globalThis);

/** What the installed clock stands for: all timer APIs, or only Date (vi.setSystemTime before vi.useFakeTimers). */
export type ClockMode = 'timers' | 'date';

let clock: InstalledClock | undefined;
let mode: ClockMode | undefined;

/** Every API fake-timers can replace on this global, the base both runners filter their defaults from. */
export const fakeableApis: readonly string[] = Object.keys(sinon.timers);

export type { FakeTimerInstallOpts, InstalledClock };

// Captured before any clock exists so "real time" stays real while Date is faked.
const realDateNow = Date.now;
export function realNow(): number {
  return realDateNow();
}

export function installClock(opts: FakeTimerInstallOpts, as: ClockMode = 'timers'): InstalledClock {
  uninstallClock();
  // Asking for an API this platform lacks (requestAnimationFrame in Node) is not an error in either runner.
  clock = sinon.install({ ...opts, ignoreMissingTimers: true });
  mode = as;
  return clock;
}

/** Puts back the exact functions that were on the global before installClock. */
export function uninstallClock(): void {
  if (!clock) return;
  clock.uninstall();
  clock = undefined;
  mode = undefined;
}

export function activeClock(as: ClockMode = 'timers'): InstalledClock | undefined {
  return mode === as ? clock : undefined;
}
