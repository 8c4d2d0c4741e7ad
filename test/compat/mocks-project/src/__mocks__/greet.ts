export const greet = (name: string): string => `mocked hello ${name}`;
