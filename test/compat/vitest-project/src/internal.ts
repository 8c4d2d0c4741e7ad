export interface Draft { id: number }
export const VERSION = 1;
