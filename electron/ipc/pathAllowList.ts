// The paths the page may name for reading or writing: the files and folders the user chose in a
// native dialog (HostApi, the File menu), plus the recording folder. A compromised page can then
// only reach what the user pointed at. Used as OfflineService's allowPath and for the recording
// folder of startRecording/previewRecording/setSettings.
import { isAbsolute, relative, resolve, sep } from 'node:path';

export class PathAllowList {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  /** `extraFolders` is asked on every check (the recording folder can change with the settings). */
  constructor(private readonly extraFolders: () => string[] = () => []) {}

  addFile(path: string): void {
    this.files.add(resolve(path));
  }

  addFolder(path: string): void {
    this.folders.add(resolve(path));
  }

  /** A chosen file, or anything inside a chosen folder or the recording folder. */
  allows(path: unknown): boolean {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) return false;
    const p = resolve(path);
    if (this.files.has(p)) return true;
    for (const folder of [...this.folders, ...this.extraFolders().filter((f) => f.length > 0)]) {
      const rel = relative(resolve(folder), p);
      if (rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))) return true;
    }
    return false;
  }
}
