import { nameFromBytes } from './byte-names.js';

/**
 * Text as rsync prints a name (in a UTF-8 locale): control characters but tab (an ESC, a newline
 * in a file name) as `\#ooo` (octal), so that a remote-controlled name can neither drive the
 * terminal nor split one line of isuops's own into two; and a byte that is not UTF-8 (carried as
 * a lone surrogate, see byte-names.ts) as `\#ooo` of that byte, like rsync's `\#351`.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]|[\udc80-\udcff]/gu, (c) => {
    const code = c.charCodeAt(0);
    return `\\#${(code >= 0xdc00 ? code - 0xdc00 : code).toString(8).padStart(3, '0')}`;
  });
}

/** A name of raw bytes for isuops's own lines, escaped as escapeControls does. */
export function escapeBytes(bytes: Buffer): string {
  return escapeControls(nameFromBytes(bytes));
}
