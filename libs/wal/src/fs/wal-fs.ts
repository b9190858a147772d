// The filesystem seam under the WAL. Two implementations: NodeFs (the real
// disk) and MemFs (in memory, with crashes and injected faults, for tests and
// the deterministic simulator). The WAL never touches node:fs directly.
//
// Durability rules every implementation follows (and the WAL relies on):
//  - file data written is durable only after datasync() of that file;
//  - a file's creation, rename or unlink is durable only after fsyncDir() of
//    its directory;
//  - mkdir() is durable when it resolves (NodeFs fsyncs the parents it touched).
// Errors carry a Node-style `code` ('ENOENT', 'EEXIST', …) so callers can tell
// a missing file from a failing disk without parsing messages.

export type OpenMode =
  /** Create a file that must not exist yet (O_CREAT | O_EXCL); read-write. */
  | 'create-new'
  /** Open an existing file read-write. */
  | 'read-write';

export interface WalFile {
  readonly path: string;
  /** Writes all of `data` at `position` (pwrite); extends the file with zeros if position > size. */
  write(data: Uint8Array, position: number): Promise<void>;
  /** Writes all of `data` at the current end of the file. */
  append(data: Uint8Array): Promise<void>;
  /** fdatasync: the file's data and size are durable when this resolves. */
  datasync(): Promise<void>;
  truncate(size: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface WalFs {
  open(path: string, mode: OpenMode): Promise<WalFile>;
  /** The whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  readRange(path: string, position: number, length: number): Promise<Uint8Array>;
  truncate(path: string, size: number): Promise<void>;
  /** Atomic replace of `to` (a file, or an empty directory when `from` is a directory). */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Names (not paths) of the entries of a directory, in no particular order. */
  readdir(dir: string): Promise<string[]>;
  /** Creates the directory and missing parents; no error if it exists. Durable when it resolves. */
  mkdir(dir: string): Promise<void>;
  /** Makes creations, renames and unlinks inside `dir` durable. */
  fsyncDir(dir: string): Promise<void>;
}
