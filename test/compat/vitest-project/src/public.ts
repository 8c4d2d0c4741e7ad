// Draft is a type; without `export type` only a whole-program compiler knows it.
export { Draft, VERSION } from './internal';
