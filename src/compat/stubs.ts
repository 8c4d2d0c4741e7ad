// Shared by vi and jest so one unstub (per test or at end of file) undoes both.
const globalOriginals = new Map<PropertyKey, PropertyDescriptor | undefined>();
const envOriginals = new Map<string, string | undefined>();

export function stubGlobal(name: PropertyKey, value: unknown): void {
  // Only the first stub remembers: restoring must reach the pre-test value, not an earlier stub.
  if (!globalOriginals.has(name)) globalOriginals.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: true });
}

export function unstubAllGlobals(): void {
  for (const [name, original] of globalOriginals) {
    if (original) Object.defineProperty(globalThis, name, original);
    else Reflect.deleteProperty(globalThis, name);
  }
  globalOriginals.clear();
}

// Vite exposes these as booleans on import.meta.env; Vitest stores them as '1'/'' so truthiness survives the string env.
const envBooleans = new Set(['PROD', 'DEV', 'SSR']);

export function stubEnv(name: string, value: string | boolean | undefined): void {
  if (!envOriginals.has(name)) envOriginals.set(name, process.env[name]);
  if (envBooleans.has(name)) process.env[name] = value ? '1' : '';
  else if (value === undefined) delete process.env[name];
  else process.env[name] = String(value);
}

export function unstubAllEnvs(): void {
  for (const [name, original] of envOriginals) {
    if (original === undefined) delete process.env[name];
    else process.env[name] = original;
  }
  envOriginals.clear();
}
