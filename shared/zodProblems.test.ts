import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { UserError } from './userError';
import { describeIssues, parseRequest } from './zodProblems';

describe('zod problems', () => {
  it('names each problem by its field path, the top level as told', () => {
    const issues = [
      { path: ['rois', 1, 'name'], message: 'used twice' },
      { path: [], message: 'expected an object' },
    ];
    expect(describeIssues(issues, '(root)')).toBe('rois.1.name: used twice; (root): expected an object');
    expect(describeIssues(issues.slice(1), null)).toBe('expected an object');
  });

  it('parses a request or throws one UserError naming every problem', () => {
    const schema = z.object({ path: z.string().min(1, 'choose a file'), n: z.number() });
    expect(parseRequest('browse', schema, { path: 'a', n: 1 })).toEqual({ path: 'a', n: 1 });
    expect(() => parseRequest('browse', schema, { path: '', n: 'x' })).toThrow(UserError);
    expect(() => parseRequest('browse', schema, { path: '', n: 'x' })).toThrow(
      /^browse: path: choose a file; n: Invalid input: expected number, received string$/,
    );
  });
});
