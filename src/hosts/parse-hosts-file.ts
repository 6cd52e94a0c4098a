import { UsageError } from '../errors.js';
import { expandHostList } from './expand-host-list.js';
import { parseHostEntry } from './parse-host-entry.js';
import type { HostEntry } from './types.js';

/** What a hosts file holds: its entries in the order written, and every `[group]` header it declares. */
export interface HostsFile {
  entries: HostEntry[];
  /** Groups declared by a header, in order, even those with no hosts under them. */
  groups: string[];
}

// `NAME=`, `export NAME=`, `declare -a NAME=`, `NAME+=`: a pasted shell assignment
const ASSIGNMENT = /^(?:(?:export|declare|typeset|local|readonly)(?:\s+-\w+)*\s+)?[A-Za-z_]\w*\+?=/;
// `export NAME` on its own line after the assignment: nothing to read
const BARE_EXPORT = /^export(?:\s+[A-Za-z_]\w*)+$/;
const HEADER = /^\[([^\]]*)\]$/;
const GROUP_NAME = /^[\w-]+$/;
const CLOSER: Record<string, string> = { '(': ')', '"': '"', "'": "'" };

/**
 * Parses a hosts file: hosts separated by whitespace or commas (ranges allowed), `#` comments,
 * blank lines and `[group]` headers. A pasted shell assignment (`ISUIPS="a b c"`,
 * `export HOSTS=(a b c)`, also over several lines) reads as its hosts.
 * A bad line throws UsageError `FILE:LINE: why`.
 */
export function parseHostsFile(text: string, file: string): HostsFile {
  const entries: HostEntry[] = [];
  const groups: string[] = [];
  let group: string | undefined;
  // set while inside a multi-line `NAME=( ... )` or `NAME="..."`
  let open: { closer: string; line: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    try {
      let content = raw.replace(/#.*/, '').trim();
      if (open) {
        const taken = takeUntilCloser(content, open.closer);
        if (taken.closed) open = undefined;
        content = taken.text;
      } else {
        if (content === '' || BARE_EXPORT.test(content)) continue;
        const header = HEADER.exec(content);
        if (header && !/[:.]/.test(header[1]!)) {
          group = parseGroupName(header[1]!.trim(), content);
          if (!groups.includes(group)) groups.push(group);
          continue;
        }
        const assignment = ASSIGNMENT.exec(content);
        if (assignment) {
          const value = content.slice(assignment[0].length);
          const closer = CLOSER[value[0] ?? ''];
          content = value;
          if (closer !== undefined) {
            const taken = takeUntilCloser(value.slice(1), closer);
            if (!taken.closed) open = { closer, line };
            content = taken.text;
          }
        }
      }
      // quotes inside an assignment (`HOSTS=("a" "b")`) are not part of any host name
      content = content.replace(/["']/g, '');
      refuseInventoryVariables(content);
      for (const host of expandHostList(content)) entries.push(parseHostEntry(host, group === undefined ? [] : [group]));
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`${file}:${line}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  if (open) throw new UsageError(`${file}:${open.line}: "${opener(open.closer)}" opened here is never closed`);
  return { entries, groups };
}

/**
 * An Ansible INI line (`isu01 ansible_host=10.0.0.1 ansible_user=isucon`) would otherwise read as
 * three hosts: refused, with where those settings go instead.
 */
function refuseInventoryVariables(content: string): void {
  const variable = content.split(/[\s,]+/).find((word) => /^[A-Za-z_]\w*=/.test(word));
  if (variable === undefined) return;
  throw new UsageError(
    `"${variable}" looks like an inventory variable: a hosts file lists [user@]host[:port] only; `
      + 'put the address and user in the ssh config (Host isu01 / HostName 10.0.0.1 / User isucon) or write isucon@10.0.0.1',
  );
}

function parseGroupName(name: string, header: string): string {
  if (!GROUP_NAME.test(name)) {
    throw new UsageError(`bad group header "${header}": a group name is letters, digits, "_" and "-"`);
  }
  return name;
}

/** Text before `closer`, and whether the closer was there; nothing may follow it but `;`. */
function takeUntilCloser(content: string, closer: string): { text: string; closed: boolean } {
  const at = content.indexOf(closer);
  if (at === -1) return { text: content, closed: false };
  const after = content.slice(at + 1).trim();
  if (after !== '' && after !== ';') throw new UsageError(`unexpected "${after}" after the closing ${closer}`);
  return { text: content.slice(0, at), closed: true };
}

function opener(closer: string): string {
  return closer === ')' ? '(' : closer;
}
