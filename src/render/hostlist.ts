/**
 * Folds host names into a pdsh/clush-style list: `isu01,isu02,isu03,isu05` -> `isu[01-03,05]`.
 * Names that share a prefix and a numeric suffix of the same width fold together; others
 * are listed as written. The order of first appearance is kept.
 */
export function foldHostNames(names: readonly string[]): string {
  const groups = new Map<string, { width: number; prefix: string; numbers: number[] }>();
  const parts: Array<string | { key: string }> = [];
  for (const name of names) {
    const m = /^(.*?)(\d+)$/.exec(name);
    if (!m || m[1].includes('[') || m[1] === '' ) {
      parts.push(name);
      continue;
    }
    const [, prefix, digits] = m;
    const width = digits.startsWith('0') ? digits.length : 0;
    const key = `${prefix}\u0000${width}`;
    let group = groups.get(key);
    if (!group) {
      group = { width, prefix, numbers: [] };
      groups.set(key, group);
      parts.push({ key });
    }
    group.numbers.push(Number(digits));
  }
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const group = groups.get(part.key)!;
      const pad = (n: number): string => String(n).padStart(group.width, '0');
      const sorted = [...new Set(group.numbers)].sort((a, b) => a - b);
      const ranges: string[] = [];
      for (let i = 0; i < sorted.length; i++) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
        ranges.push(i === j ? pad(sorted[i]) : `${pad(sorted[i])}-${pad(sorted[j])}`);
        i = j;
      }
      return ranges.length === 1 && !ranges[0].includes('-') ? `${group.prefix}${ranges[0]}` : `${group.prefix}[${ranges.join(',')}]`;
    })
    .join(',');
}
