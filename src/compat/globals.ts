// Globals mode: `describe`, `it`, `expect`, `vi`/`jest` … on globalThis before any test file is
// imported — Jest always, Vitest with `globals: true`. Each flavour's module is loaded only here.
export async function installGlobals(flavor: 'vitest' | 'jest'): Promise<void> {
  const api: Record<string, unknown> = flavor === 'vitest' ? { ...(await import('./vitest.js')) } : { ...(await import('./jest-globals.js')) };
  for (const [name, value] of Object.entries(api)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
