/**
 * File names are bytes (POSIX); isuops carries them as JS strings in one lossless form: valid
 * UTF-8 decoded as usual, and each byte that is not part of valid UTF-8 (a latin-1 `é`, 0xE9) as
 * the lone surrogate U+DC00+byte (Python's `surrogateescape`, PEP 383). Such a string sorts,
 * joins and travels in JSON like any other (JSON.stringify writes a lone surrogate as `\udce9`);
 * it is turned back into the exact bytes where it leaves isuops: Node's fs (fsName), SFTP
 * (ssh/sftp-bytes.ts), a shell word (remote/quote.ts). Lines print it escaped (`\#351`, as rsync).
 */

// `u`: a lone surrogate only, never the second half of a pair (an emoji)
const ESCAPED = /[\udc80-\udcff]/u;
const ESCAPED_ALL = /[\udc80-\udcff]/gu;

/** Whether `name` holds bytes that are not UTF-8 (escaped as lone surrogates). */
export function hasRawBytes(name: string): boolean {
  return ESCAPED.test(name);
}

/** The length in bytes of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (len === 0 || i + len > b.length) return 0;
  for (let k = 1; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  const c1 = b[i + 1]!;
  // overlong forms, UTF-16 surrogates (ED A0..BF) and past U+10FFFF are not UTF-8
  if (c === 0xe0 && c1 < 0xa0) return 0;
  if (c === 0xed && c1 > 0x9f) return 0;
  if (c === 0xf0 && c1 < 0x90) return 0;
  if (c === 0xf4 && c1 > 0x8f) return 0;
  return len;
}

/** A name's bytes in isuops's form (see above). */
export function nameFromBytes(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const text = buf.toString('utf8');
  // U+FFFD marks what the decoder replaced (or a real U+FFFD, which the walk below keeps)
  if (!text.includes('\ufffd')) return text;
  let out = '';
  let start = 0;
  for (let i = 0; i < buf.length; ) {
    const len = sequenceAt(buf, i);
    if (len > 0) {
      i += len;
      continue;
    }
    out += buf.toString('utf8', start, i) + String.fromCharCode(0xdc00 + buf[i]!);
    i += 1;
    start = i;
  }
  return out + buf.toString('utf8', start);
}

/** The bytes of a name in isuops's form. */
export function nameToBytes(name: string): Buffer {
  if (!hasRawBytes(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (const m of name.matchAll(ESCAPED_ALL)) {
    parts.push(Buffer.from(name.slice(start, m.index), 'utf8'), Buffer.of(m[0].charCodeAt(0) - 0xdc00));
    start = m.index + 1;
  }
  parts.push(Buffer.from(name.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** A path for Node's fs: the string itself, or its bytes when it holds some that are not UTF-8. */
export function fsName(name: string): string | Buffer {
  return hasRawBytes(name) ? nameToBytes(name) : name;
}
