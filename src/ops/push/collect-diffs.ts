import type { HostSession } from '../../transport/types.js';
import { DIFF_MAX_BYTES, largeFileNote, makeFileDiff, readLocal } from './diff.js';
import type { SourcePlan } from './plan.js';
import { runRemote } from './run-remote.js';
import type { Sftp } from '../sftp/sftp-async.js';

async function readRemote(session: HostSession, sftp: Sftp, p: string, sudo: boolean): Promise<Buffer> {
  try {
    return await sftp.readFile(p);
  } catch (err) {
    if (!sudo) throw err;
    // A root-only file is read through sudo (quoted, path as data).
    const run = await runRemote(session, ['cat', '--', p], { sudo: true });
    if (run.code !== 0) throw new Error(run.stderr.toString('utf8'));
    return run.stdout;
  }
}

/** --diff: one diff per file whose content changes (remote before, local after). */
export async function collectDiffs(session: HostSession, sftp: Sftp, plans: readonly SourcePlan[], sudo: boolean): Promise<Array<{ path: string; text: string }>> {
  const items = plans.flatMap((p) => p.items).filter((i) => i.local.type === 'file' && i.decision.transfer);
  return Promise.all(
    items.map(async (item) => {
      const remoteFile = item.remote?.type === 'file' ? item.remote : undefined;
      if (item.local.size > DIFF_MAX_BYTES || (remoteFile && remoteFile.size > DIFF_MAX_BYTES)) {
        return { path: item.path, text: largeFileNote(item.path, item.local.size, remoteFile?.size) };
      }
      const local = await readLocal(item.local.localPath);
      let remote: Buffer | undefined;
      if (remoteFile) {
        try {
          remote = await readRemote(session, sftp, item.path, sudo);
        } catch {
          return { path: item.path, text: `Cannot read remote ${item.path}: diff skipped\n` };
        }
      }
      return { path: item.path, text: makeFileDiff(item.path, remote, local) };
    }),
  );
}
