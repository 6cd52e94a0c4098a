import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { carryByteNames } from '../../../src/ssh/sftp-bytes.js';

// What ssh2's SFTP client does with a path (lib/protocol/SFTP.js): byteLength + utf8Write into a
// packet; and with a name it reads: utf8Slice of the packet. A stand-in does the same.
function fakeSftp() {
  const sent: Buffer[] = [];
  const read: string[] = [];
  const fake = {
    lstat(p: string, cb: () => void) {
      const buf = Buffer.alloc(Buffer.byteLength(p));
      buf.utf8Write(p, 0, buf.length);
      sent.push(buf);
      cb();
    },
    unlink(p: string) {
      void p;
      throw new Error('boom');
    },
    push(data: Buffer) {
      read.push(data.toString('utf8'));
    },
  };
  return { sftp: carryByteNames(fake as unknown as SFTPWrapper) as unknown as typeof fake, sent, read };
}

describe('carryByteNames', () => {
  it.each([
    ['UTF-8 path as is', 'café/ok', Buffer.from('café/ok')],
    ['a raw byte as that byte', 'caf\udce9', Buffer.from([0x63, 0x61, 0x66, 0xe9])],
    ['an emoji untouched', '😀\udcff', Buffer.concat([Buffer.from('😀'), Buffer.from([0xff])])],
  ])('sends %s', (_what, p, want) => {
    const { sftp, sent } = fakeSftp();
    sftp.lstat(p, () => undefined);
    expect(sent[0]!.equals(want)).toBe(true);
  });

  it('reads a name that is not UTF-8 as its bytes; valid UTF-8 and U+FFFD itself as before', () => {
    const { sftp, read } = fakeSftp();
    sftp.push(Buffer.from([0x63, 0xe9]));
    sftp.push(Buffer.from('é\ufffd'));
    expect(read).toEqual(['c\udce9', 'é\ufffd']);
  });

  it('puts Buffer back as it was after each call, also when the call throws', () => {
    const { sftp } = fakeSftp();
    const byteLength = Buffer.byteLength;
    expect(() => sftp.unlink('x\udce9')).toThrow('boom');
    sftp.lstat('y\udce9', () => undefined);
    sftp.push(Buffer.from([0xe9]));
    expect(Buffer.byteLength).toBe(byteLength);
    expect(Buffer.byteLength('\udce9')).toBe(3);
    expect(Buffer.from([0xe9]).toString('utf8')).toBe('\ufffd');
  });
});
