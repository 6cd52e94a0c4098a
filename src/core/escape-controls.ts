/**
 * Text as rsync prints a name: control characters but tab (an ESC, a newline in a file name) as
 * `\#ooo` (octal), so that a remote-controlled name can neither drive the terminal nor split one
 * line of isuops's own into two.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, (c) => `\\#${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Whether `bytes` are valid UTF-8 (a name isuops can carry as a string). */
export function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8')).equals(bytes);
}

/**
 * A name of raw bytes for isuops's own lines: control characters as escapeControls does, and
 * bytes that are not valid UTF-8 as `\#ooo` too (rsync's form for unprintable bytes).
 */
export function escapeBytes(bytes: Buffer): string {
  let out = '';
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const end = i === bytes.length;
    if (!end && bytes[i] < 0x80) continue;
    out += escapeControls(bytes.subarray(start, i).toString('utf8'));
    if (end) break;
    // A multi-byte character, kept when valid; otherwise its first byte escaped.
    const len = bytes[i] >= 0xf0 ? 4 : bytes[i] >= 0xe0 ? 3 : bytes[i] >= 0xc0 ? 2 : 1;
    const ch = bytes.subarray(i, i + len);
    if (len > 1 && ch.length === len && isUtf8(ch)) {
      out += ch.toString('utf8');
      i += len - 1;
    } else {
      out += `\\#${bytes[i].toString(8).padStart(3, '0')}`;
    }
    start = i + 1;
  }
  return out;
}
