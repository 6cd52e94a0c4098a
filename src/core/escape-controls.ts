/**
 * Text as rsync prints a name: control characters but tab (an ESC, a newline in a file name) as
 * `\#ooo` (octal), so that a remote-controlled name can neither drive the terminal nor split one
 * line of isuops's own into two.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, (c) => `\\#${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
