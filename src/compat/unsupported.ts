/** Thrown by APIs that Vitest/Jest suites may call but qa cannot honour yet, so a suite fails loudly instead of silently running unmocked. */
export class UnsupportedApiError extends Error {
  override name = 'UnsupportedApiError';
  constructor(api: string, detail?: string) {
    super(`\`${api}\` is not supported by qa yet${detail ? `: ${detail}` : ''}`);
  }
}

export function unsupported(api: string): (...args: unknown[]) => never {
  return () => {
    throw new UnsupportedApiError(api);
  };
}
