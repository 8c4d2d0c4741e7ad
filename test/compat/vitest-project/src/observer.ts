export class Observer {
  subscribe(): string {
    return 'base';
  }
}
// Retyped without an initializer: with target ES2020 TypeScript emits no field, so the
// inherited method stays visible.
export class TypedObserver extends Observer {
  subscribe!: () => 'base';
}
