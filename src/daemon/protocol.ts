/**
 * The CLI <-> daemon wire format over the unix socket: frames of
 * [u32 length of what follows][u8 kind][u32 id][payload]. `id` names a session (host of a run),
 * a channel or an SFTP call, chosen by the client. Control payloads are JSON; stdout, stderr and
 * stdin bytes travel raw. A client sends HELLO first and may pipeline what follows without
 * waiting; a daemon that refuses it (bad token, other build) closes the socket.
 */
export const Kind = {
  // client -> daemon
  hello: 1,
  openSession: 2,
  closeSession: 3,
  exec: 4,
  stdin: 5,
  eof: 6,
  close: 7,
  pause: 8,
  resume: 9,
  sftp: 10,
  status: 11,
  stop: 12,
  // 13: PROBE, which asked which kept-connection keys were up; a warm worker's gate now opens its sessions with OPEN_SESSION onlyKept
  /** A whole invocation for a warm worker (src/warm/), sent instead of HELLO. */
  warmRun: 14,
  // daemon -> client
  sessionOk: 20,
  sessionError: 21,
  sessionLost: 22,
  execOk: 23,
  execError: 24,
  stdout: 25,
  stderr: 26,
  exit: 27,
  closed: 28,
  stdinAck: 29,
  sftpReply: 30,
  statusReply: 31,
  // 32: PROBE_REPLY
} as const;

export type KindValue = (typeof Kind)[keyof typeof Kind];

const HEADER = 9;

/** One frame, ready to write. */
export function encodeFrame(kind: number, id: number, payload?: Buffer | string | object): Buffer {
  const body = payload === undefined ? Buffer.alloc(0) : Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const frame = Buffer.allocUnsafe(HEADER + body.length);
  frame.writeUInt32BE(5 + body.length, 0);
  frame.writeUInt8(kind, 4);
  frame.writeUInt32BE(id >>> 0, 5);
  body.copy(frame, HEADER);
  return frame;
}

/** A JSON head followed by raw bytes (SFTP calls that carry file data). */
export function encodeWithBytes(head: object, bytes?: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(head));
  const out = Buffer.allocUnsafe(4 + json.length + (bytes?.length ?? 0));
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  bytes?.copy(out, 4 + json.length);
  return out;
}

export function decodeWithBytes<T>(payload: Buffer): { head: T; bytes: Buffer } {
  const len = payload.readUInt32BE(0);
  return { head: JSON.parse(payload.subarray(4, 4 + len).toString('utf8')) as T, bytes: payload.subarray(4 + len) };
}

/** Splits a byte stream into frames; `onFrame` gets each whole frame in order. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  // Bytes the frame at the head of `pending` needs in all: chunks are only joined once it is whole,
  // so a frame that comes in many small chunks is copied once, not once per chunk.
  private need = HEADER;

  constructor(private readonly onFrame: (kind: number, id: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.need) return;
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let off = 0;
    this.need = HEADER;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (buf.length - off < 4 + len) {
        this.need = 4 + len;
        break;
      }
      const kind = buf.readUInt8(off + 4);
      const id = buf.readUInt32BE(off + 5);
      // a copy-free view: consumers that keep it (stream pushes) own that slice of the chunk
      this.onFrame(kind, id, buf.subarray(off + HEADER, off + 4 + len));
      off += 4 + len;
    }
    buf = buf.subarray(off);
    this.pending = buf.length > 0 ? [buf] : [];
    this.pendingBytes = buf.length;
  }
}

export function parseJson<T>(payload: Buffer): T {
  return JSON.parse(payload.toString('utf8')) as T;
}
