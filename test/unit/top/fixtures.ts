import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/top');

/**
 * The records of a capture: `cat /proc/uptime /proc/stat /proc/loadavg /proc/meminfo
 * /proc/net/dev /proc/diskstats /proc/[0-9]*\/stat` taken twice, each after a `@@record` line.
 * lab-hog: a lab host (own pid namespace) running `yes > /dev/null`; machine-dd: this machine
 * during `dd oflag=direct` to vda (process lines cut to a few).
 */
export function readCapture(name: 'lab-hog' | 'machine-dd'): string[][] {
  const text = readFileSync(path.join(dir, `${name}.txt`), 'utf8');
  return text
    .split('@@record\n')
    .slice(1)
    .map((record) => record.replace(/\n$/, '').split('\n'));
}
