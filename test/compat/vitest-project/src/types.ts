export type { Pair } from './add';
export { add } from './add.js';
