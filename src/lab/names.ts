/** Folds host names into runs: `isu01..isu05, isu07` (names sorted as given). */
export function formatNameList(names: string[]): string {
  const sorted = [...names].sort();
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && isNext(sorted[j]!, sorted[j + 1]!)) j++;
    parts.push(j === i ? sorted[i]! : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function isNext(a: string, b: string): boolean {
  const ma = /^(.*?)(\d+)$/.exec(a);
  const mb = /^(.*?)(\d+)$/.exec(b);
  return !!ma && !!mb && ma[1] === mb[1] && ma[2]!.length === mb[2]!.length && Number(mb[2]) === Number(ma[2]) + 1;
}
