import * as vitestSpy from '@vitest/spy';
import { ModuleMocker } from 'jest-mock';

// One jest mocker per worker: jest.clearAllMocks and qa's per-test config must see the same registry.
export const jestMocker = new ModuleMocker(globalThis);

// A suite uses either runner's mocks; the harness clears both without knowing which.
export function clearEveryMock(): void {
  vitestSpy.clearAllMocks();
  jestMocker.clearAllMocks();
}

export function resetEveryMock(): void {
  vitestSpy.resetAllMocks();
  jestMocker.resetAllMocks();
}

export function restoreEveryMock(): void {
  vitestSpy.restoreAllMocks();
  jestMocker.restoreAllMocks();
}
