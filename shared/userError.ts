// An error the user can fix (bad input, bad option, unwritable path). The CLI prints its message
// as one line, without a stack trace, and exits non-zero; anything else is a bug and keeps its stack.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
