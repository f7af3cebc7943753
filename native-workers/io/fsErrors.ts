// File-system errors as the texts of one-line user messages, in the two styles the messages have:
// the HDF5 writer's (a folder's state after its name; a failed write as the OS's strerror text, as
// HDF5 reported it) and the recorder's and file browser's short "disk full (ENOSPC)".
import { UserError } from '../../shared/userError';

/** Why a folder or file cannot be used, to follow its name: "does not exist", "is not writable
 * (permission denied)", ... */
export function fsReason(err: unknown, writing = false): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ENOTDIR') return 'is not a folder';
  if (code === 'EACCES' || code === 'EPERM')
    return `is not ${writing ? 'writable' : 'accessible'} (permission denied)`;
  if (code === 'EROFS') return 'is on a read-only file system';
  return err instanceof Error ? err.message : String(err);
}

/** A failed write or sync as the OS's own short text (strerror, as HDF5 reported it), without
 * Node's syscall and errno decoration. */
export function describeIoError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOSPC':
      return 'No space left on device';
    case 'EDQUOT':
      return 'Disk quota exceeded';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied';
    case 'EROFS':
      return 'Read-only file system';
    case 'EIO':
      return 'Input/output error';
    case 'EFBIG':
      return 'File too large';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

const ERROR_TEXT: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EIO: 'I/O error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EFBIG: 'file too large for the file system',
  ENOTDIR: 'a part of the path is a file',
  ENOENT: 'no such file or folder',
};

/** A file-system error as a short readable text: "disk full (ENOSPC)". */
export function describeFsError(err: unknown): string {
  if (err instanceof UserError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined) return (err as Error).message;
  return ERROR_TEXT[code] !== undefined ? `${ERROR_TEXT[code]} (${code})` : code;
}
