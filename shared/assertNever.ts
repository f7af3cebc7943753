// Exhaustiveness check for switches over unions: a new member fails type-checking here.
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
