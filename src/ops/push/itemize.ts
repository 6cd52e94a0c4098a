import type { EntryType, LocalEntry, RemoteEntry, WantedOwner } from './types.js';

/** What itemize decided for one path: the rsync code (null when nothing differs) and what to do. */
export interface ItemDecision {
  code: string | null;
  /** Create from scratch (remote missing, or of another type: `replace`). */
  create: boolean;
  replace: boolean;
  /** Content must be sent (files) or the link re-pointed (symlinks). */
  transfer: boolean;
  setMode: boolean;
  setTime: boolean;
  setOwner: boolean;
}

export interface ItemizeInput {
  local: Pick<LocalEntry, 'type' | 'size' | 'mtime' | 'linkTarget'>;
  remote?: RemoteEntry;
  /** The mode the remote should have (local mode after --chmod). */
  wantMode: number;
  /** -c: compare content; `sameContent` is the checksum verdict for equal-size files. */
  checksum: boolean;
  sameContent?: boolean;
  owner?: WantedOwner;
}

const UNCHANGED: ItemDecision = Object.freeze({ code: null, create: false, replace: false, transfer: false, setMode: false, setTime: false, setOwner: false });

const TYPE_LETTER: Record<EntryType, string> = { file: 'f', dir: 'd', symlink: 'L' };

/**
 * rsync's `-i` code (YXcstpoguax) for pushing one local entry over a remote one, as
 * `rsync -i -rlptD` prints it (`>` for a sent file, `c` for a created dir/link, `.` when only
 * attributes change). Owner/group columns are compared only for --chown.
 */
export function itemize(input: ItemizeInput): ItemDecision {
  const { local, remote } = input;
  const letter = TYPE_LETTER[local.type];
  if (!remote || remote.type !== local.type) {
    return {
      code: `${local.type === 'file' ? '>' : 'c'}${letter}+++++++++`,
      create: true,
      replace: Boolean(remote),
      transfer: true,
      setMode: local.type !== 'symlink',
      setTime: true,
      setOwner: input.owner !== undefined,
    };
  }
  const sizeDiff = local.type === 'file' && local.size !== remote.size;
  // SFTP reports a time before 1970 as its unsigned 32-bit form: compared that way.
  const timeDiff = local.mtime >>> 0 !== remote.mtime >>> 0;
  // Linux cannot chmod a symlink; rsync never reports p for one.
  const modeDiff = local.type !== 'symlink' && (remote.mode & 0o7777) !== input.wantMode;
  const uidDiff = input.owner?.uid !== undefined && input.owner.uid !== remote.uid;
  const gidDiff = input.owner?.gid !== undefined && input.owner.gid !== remote.gid;
  let changed = false;
  let transfer = false;
  if (local.type === 'file') {
    changed = input.checksum ? sizeDiff || input.sameContent === false : sizeDiff || timeDiff;
    transfer = changed;
  } else if (local.type === 'symlink') {
    changed = local.linkTarget !== remote.linkTarget;
    transfer = changed;
  }
  // the common case of a re-push: one shared answer, nothing built
  if (!(transfer || timeDiff || modeDiff || uidDiff || gidDiff)) return UNCHANGED;
  const cols = [
    local.type === 'file' ? (transfer ? '>' : '.') : changed ? 'c' : '.',
    letter,
    changed && (local.type !== 'file' || input.checksum) ? 'c' : '.',
    sizeDiff ? 's' : '.',
    timeDiff ? 't' : '.',
    modeDiff ? 'p' : '.',
    uidDiff ? 'o' : '.',
    gidDiff ? 'g' : '.',
    '.',
    '.',
    '.',
  ];
  const any = transfer || timeDiff || modeDiff || uidDiff || gidDiff;
  return {
    code: any ? cols.join('') : null,
    create: false,
    replace: false,
    transfer,
    setMode: modeDiff,
    setTime: timeDiff || transfer,
    setOwner: uidDiff || gidDiff,
  };
}

/** The path as printed after the code: directories end in `/`, symlinks show `-> target`. */
export function formatItemPath(path: string, type: EntryType, target?: string): string {
  if (type === 'dir') return path.endsWith('/') ? path : `${path}/`;
  if (type === 'symlink' && target !== undefined) return `${path} -> ${target}`;
  return path;
}

/** rsync's deletion line: `*deleting` padded to the code's width. */
export const DELETING = '*deleting  ';
