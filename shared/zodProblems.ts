// Zod's validation issues as the one line the operator reads: `field.path: message`, several joined
// by '; '. One formatter for the API router, the offline requests and the views configuration.
import type { z } from 'zod';
import { UserError } from './userError';

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** `path: message` per issue, joined by '; '. An issue at the top level gets `top` as its path, or
 * no path at all when `top` is null. */
export function describeIssues(issues: readonly Issue[], top: string | null): string {
  return issues
    .map((i) => {
      const path = i.path.map(String).join('.') || top;
      return path === null ? i.message : `${path}: ${i.message}`;
    })
    .join('; ');
}

/** Parses a request from outside; a UserError `what: path: message; ...` naming every problem. */
export function parseRequest<T>(what: string, schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new UserError(`${what}: ${describeIssues(r.error.issues, '(request)')}`);
}
