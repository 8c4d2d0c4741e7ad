export const seen: string[] = [];
