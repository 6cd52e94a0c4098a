/** A path as rsync prints it: control characters but tab (a newline in a name) as `\#ooo`, so one file is one line. */
export function escapePath(p: string): string {
  // eslint-disable-next-line no-control-regex
  return p.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, (c) => `\\#${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
