import { answer } from '#lib';
import { answer as again } from '~/lib';
import data from '~/lib/data.json';

describe('tsconfig paths, with Vitest globals', () => {
  it('maps an exact path', () => expect(answer).toBe(42));
  it('maps a wildcard to a folder index', () => expect(again).toBe(42));
  it('imports JSON without an import attribute', () => expect(data.items).toHaveLength(3));
  it('has vi as a global', () => expect(vi.fn()).toBeTypeOf('function'));
  it('uses __dirname in an ES module', () => expect(__dirname.endsWith('test')).toBe(true));
});
