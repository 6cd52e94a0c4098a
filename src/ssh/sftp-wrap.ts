import type { FileEntryWithStats, InputAttributes, SFTPWrapper, Stats } from 'ssh2';
import { fsName } from '../core/byte-names.js';
import { SftpSessionLost } from '../transport/sftp-errors.js';
import { scanTree, type ScanCalls } from '../transport/sftp-scan.js';
import type { SftpClient } from '../transport/sftp-types.js';
import { carryByteNames } from './sftp-bytes.js';

type Cb<T> = (err: Error | undefined | null, value: T) => void;

const settledBy = new WeakMap<SftpClient, (ms: number) => Promise<boolean>>();

/** Whether every call made on `client` has been answered within `ms` (the closes a scan does not wait for, say). */
export function sftpSettled(client: SftpClient, ms: number): Promise<boolean> {
  return settledBy.get(client)?.(ms) ?? Promise.resolve(false);
}

/**
 * The SftpClient of an ssh2 SFTP session: promise wrappers over the calls push and pull use; requests are pipelined by ssh2.
 * Once the session has ended, every call rejects with SftpSessionLost: ssh2 answers the requests
 * pending at that moment with an error, but a request made afterwards (a temp's cleanup, the
 * next file, fastPut closing its handle) would wait forever, and with nothing else to wait for,
 * Node would end the run at once with exit 0 and no summary.
 * Names that are not UTF-8 go and come as their bytes (sftp-bytes.ts), local ones too.
 */
export function wrapSftp(sftp: SFTPWrapper): SftpClient {
  carryByteNames(sftp);
  let lost: SftpSessionLost | undefined;
  // the reject of every call not answered yet (a Set: cheaper than a Promise.race per call)
  const waiting = new Set<(err: Error) => void>();
  const onSettled = new Set<() => void>();
  const answered = (reject: (err: Error) => void): void => {
    waiting.delete(reject);
    if (waiting.size === 0) for (const done of onSettled) done();
  };
  const end = (): void => {
    if (lost) return;
    lost = new SftpSessionLost();
    for (const reject of waiting) reject(lost);
    waiting.clear();
    for (const done of onSettled) done();
  };
  sftp.once('end', end);
  sftp.once('close', end);
  const call = <T>(fn: (cb: Cb<T>) => void): Promise<T> => {
    if (lost) return Promise.reject(lost);
    return new Promise<T>((resolve, reject) => {
      waiting.add(reject);
      fn((err, value) => {
        answered(reject);
        if (err) reject(err);
        else resolve(value);
      });
    });
  };
  const client: SftpClient = {
    lstat: (p: string) => call<Stats>((cb) => sftp.lstat(p, cb)),
    stat: (p: string) => call<Stats>((cb) => sftp.stat(p, cb)),
    readdir: (p: string) => call<FileEntryWithStats[]>((cb) => sftp.readdir(p, cb as never)),
    readlink: (p: string) => call<string>((cb) => sftp.readlink(p, cb)),
    realpath: (p: string) => call<string>((cb) => sftp.realpath(p, cb)),
    mkdir: (p: string, attrs: InputAttributes) => call<void>((cb) => sftp.mkdir(p, attrs, cb as never)),
    setstat: (p: string, attrs: InputAttributes) => call<void>((cb) => sftp.setstat(p, attrs, cb as never)),
    lsetstat: (p: string, attrs: InputAttributes) => call<void>((cb) => sftp.ext_openssh_lsetstat(p, attrs, cb as never)),
    rename: (from: string, to: string) => call<void>((cb) => sftp.ext_openssh_rename(from, to, cb as never)),
    unlink: (p: string) => call<void>((cb) => sftp.unlink(p, cb as never)),
    rmdir: (p: string) => call<void>((cb) => sftp.rmdir(p, cb as never)),
    symlink: (target: string, linkPath: string) => call<void>((cb) => sftp.symlink(target, linkPath, cb as never)),
    // 8 x 250 KB in flight (OpenSSH takes 256 KiB packets): measured faster here than 64 x 32 KB.
    fastPut: (local: string, remote: string, mode: number) =>
      call<void>((cb) => sftp.fastPut(fsName(local) as string, remote, { mode, concurrency: 8, chunkSize: 256000 }, cb as never)),
    // Pull uses it for small files only: larger ones stream faster through `cat` on an exec channel.
    fastGet: (remote: string, local: string, mode: number) =>
      call<void>((cb) => sftp.fastGet(remote, fsName(local) as string, { mode, concurrency: 8, chunkSize: 256000 }, cb as never)),
    readFile: (p: string) => call<Buffer>((cb) => sftp.readFile(p, cb as never)),
    /**
     * Writes `data` as a new file `remote` with `attrs` (mode, times) in two round trips: open,
     * then write + fsetstat + close sent together (the server handles requests in order).
     */
    putBuffer: async (remote: string, data: Buffer, attrs: InputAttributes & { mode: number }): Promise<void> => {
      const handle = await call<Buffer>((cb) => sftp.open(remote, 'w', { mode: attrs.mode }, cb));
      const steps = [
        ...(data.length > 0 ? [call<void>((cb) => sftp.write(handle, data, 0, data.length, 0, cb as never))] : []),
        call<void>((cb) => sftp.fsetstat(handle, attrs, cb as never)),
        call<void>((cb) => sftp.close(handle, cb as never)),
      ];
      const failed = (await Promise.allSettled(steps)).find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
    scanTree: (req) => scanTree(scanCalls, req),
  };
  const scanCalls: ScanCalls = {
    lstat: client.lstat,
    stat: client.stat,
    readlink: client.readlink,
    opendir: (p: string) => call<Buffer>((cb) => sftp.opendir(p, cb)),
    // EOF (status 1) is the end of the listing, not a failure
    readHandle: (h) => call<FileEntryWithStats[] | null>((cb) => sftp.readdir(h as Buffer, (err, list) => ((err as { code?: unknown } | undefined)?.code === 1 ? cb(undefined, null) : cb(err, list)))),
    closeHandle: (h) => call<void>((cb) => sftp.close(h as Buffer, cb as never)),
  };
  settledBy.set(client, (ms) => {
    if (waiting.size === 0) return Promise.resolve(!lost);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        onSettled.delete(done);
        resolve(!lost);
      };
      const timer = setTimeout(() => {
        onSettled.delete(done);
        resolve(false);
      }, ms);
      onSettled.add(done);
    });
  });
  return client;
}

