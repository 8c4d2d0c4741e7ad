// Module mock calls move above the imports, as Vitest's transform and babel-plugin-jest-hoist
// move them: `vi.mock`/`jest.mock` (and `vi.hoisted`) first, then the file's imports as dynamic
// imports, so the mocks are registered before anything they replace is resolved. Vitest's own
// transform (@vitest/mocker) does the work, on acorn's tree; both load only for files that mock.
import { INTEROP_HELPER } from './transform.js';

const VITEST_CALL = /\b(?:vi|vitest)\s*\.\s*(?:mock|unmock|hoisted|doMock|doUnmock)\s*\(/;
const JEST_CALL = /\bjest\s*\.\s*(?:mock|unmock|doMock|dontMock)\s*\(/;

export const mocksModules = (code: string): boolean => VITEST_CALL.test(code) || JEST_CALL.test(code);
export const mocksWithJest = (code: string): boolean => JEST_CALL.test(code);

/** The file with its mock calls hoisted; undefined when it has none to hoist. */
export async function hoistModuleMocks(code: string, path: string): Promise<string | undefined> {
  const vitest = VITEST_CALL.test(code);
  if (!vitest && !JEST_CALL.test(code)) return undefined;
  const [{ hoistMocks }, { parse }] = await Promise.all([import('@vitest/mocker/transforms'), import('acorn')]);
  const options = vitest
    ? {}
    : { hoistedModule: '@jest/globals', utilsObjectNames: ['jest'], regexpHoistable: JEST_CALL, hoistableMockMethodNames: ['mock', 'unmock', 'dontMock'], hoistedMethodNames: [] };
  const hoisted = hoistMocks(code, path, (source: string) => parse(source, { ecmaVersion: 'latest', sourceType: 'module' }), options)?.toString();
  if (hoisted === undefined) return undefined;
  // The file's imports are now dynamic: a CommonJS module's namespace is read as bundlers and babel read it.
  let n = 0;
  const out = hoisted.replace(HOISTED_IMPORT, (_, name: string, spec: string) => (n++, `const ${name} = __qaInterop(await import(${spec}));`));
  return n ? `${out}\n${INTEROP_HELPER}` : out;
}

const HOISTED_IMPORT = /const (__vi_import_\d+__) = await import\(("[^"]*")\);/g;
