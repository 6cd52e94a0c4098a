import { describe, expect, it } from 'vitest';
import { fsName, hasRawBytes, nameFromBytes, nameToBytes } from '../../../src/core/byte-names.js';

// Every byte string comes back whole; valid UTF-8 decodes as Node decodes it.
describe('nameFromBytes / nameToBytes', () => {
  it.each([
    ['ascii', [0x61, 0x62], 'ab', false],
    ['latin-1 é', [0x63, 0xe9], 'c\udce9', true],
    ['UTF-8 é stays a character', [0xc3, 0xa9], 'é', false],
    ['an emoji (a surrogate pair) is not raw', [0xf0, 0x9f, 0x98, 0x80], '😀', false],
    ['a real U+FFFD stays one', [0xef, 0xbf, 0xbd, 0xe9], '\ufffd\udce9', true],
    ['a cut 3-byte sequence: each byte', [0xe2, 0x82], '\udce2\udc82', true],
    ['overlong /', [0xc0, 0xaf], '\udcc0\udcaf', true],
    ['a UTF-16 surrogate in UTF-8 (CESU)', [0xed, 0xa0, 0x80], '\udced\udca0\udc80', true],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '\udcf4\udc90\udc80\udc80', true],
    ['a lone continuation byte between letters', [0x61, 0x80, 0x62], 'a\udc80b', true],
  ])('%s', (_what, bytes, want, raw) => {
    const buf = Buffer.from(bytes);
    expect(nameFromBytes(buf)).toBe(want);
    expect(hasRawBytes(want)).toBe(raw);
    expect(nameToBytes(want).equals(buf)).toBe(true);
    expect(Buffer.from(fsName(want)).equals(buf)).toBe(true);
  });

  it('every byte value alone and after a lead byte round-trips', () => {
    for (let b = 0; b < 256; b++) {
      for (const bytes of [[b], [0xc3, b], [0xe2, 0x82, b], [b, 0xe9]]) {
        const buf = Buffer.from(bytes);
        expect(nameToBytes(nameFromBytes(buf)).equals(buf)).toBe(true);
      }
    }
  });

  it('survives JSON (the daemon wire)', () => {
    const name = nameFromBytes(Buffer.from([0x2f, 0x74, 0xe9, 0xff]));
    expect(JSON.parse(Buffer.from(JSON.stringify({ name })).toString('utf8')).name).toBe(name);
  });
});
