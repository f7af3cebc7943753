/**
 * `defaults` overlaid with the keys of `given` that are not undefined: an option left out (or
 * passed as undefined, as parsed command-line options are) keeps its default.
 */
export function withDefaults<D extends object, G extends object>(defaults: D, given: G): D & G {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  return out as D & G;
}
