import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../../src/ops/top/parse-record.js';
import { readCapture } from './fixtures.js';

const STAT = ['cpu  10 20 30 40 5 6 7 8 0 0', 'cpu0 5 10 15 20 2 3 3 4 0 0', 'cpu1 5 10 15 20 3 3 4 4 0 0', 'intr 1 2 3', 'softirq 1 2'];
const LOADAVG = '0.50 0.40 0.30 1/90 77';
const MEMINFO = ['MemTotal:        1000 kB', 'MemFree:          100 kB', 'MemAvailable:     600 kB', 'Buffers:           50 kB', 'Cached:           200 kB'];
const NETDEV = ['Inter-|   Receive |  Transmit', ' face |bytes packets', '    lo: 9 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0', '  eth0: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0'];
const DISK = ['   8       0 sda 1 0 8 1 2 0 16 2 0 3 3', '   8       1 sda1 1 0 8 1 2 0 16 2 0 3 3'];
const proc = (pid: number, comm: string, ticks: number) => `${pid} (${comm}) S 1 1 1 0 -1 4194304 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 100 0 0 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0`;

describe('parseRecord', () => {
  it.each([
    ['every file', ['12.50 3.00', ...STAT, LOADAVG, ...MEMINFO, ...NETDEV, ...DISK, proc(1, 'init', 5), proc(2, 'sh', 7)], { uptime: 12.5, cpus: 2, load: [0.5, 0.4, 0.3], mem: { totalBytes: 1024000, availableBytes: 614400 }, ifaces: ['lo', 'eth0'], disks: ['sda', 'sda1'], procs: ['1 init 5', '2 sh 7'] }],
    // a kernel without MemAvailable (before 3.14): free + buffers + cached
    ['no MemAvailable', ['12.50 3.00', ...STAT, LOADAVG, ...MEMINFO.filter((l) => !l.startsWith('MemAvailable')), ...NETDEV], { uptime: 12.5, cpus: 2, load: [0.5, 0.4, 0.3], mem: { totalBytes: 1024000, availableBytes: 358400 }, ifaces: ['lo', 'eth0'], disks: [], procs: [] }],
    // files the host could not read are missing: the others are still read
    ['no net/dev, no diskstats, no loadavg', ['12.50 3.00', ...STAT, ...MEMINFO, proc(3, 'x', 1)], { uptime: 12.5, cpus: 2, load: undefined, mem: { totalBytes: 1024000, availableBytes: 614400 }, ifaces: [], disks: [], procs: ['3 x 1'] }],
    ['only processes', [proc(3, 'x', 1)], { uptime: undefined, cpus: 0, load: undefined, mem: undefined, ifaces: [], disks: [], procs: ['3 x 1'] }],
    // a comm with a newline in it (prctl PR_SET_NAME) arrives as two lines
    ['a comm cut by a newline', ['1.00 1.00', ...STAT, proc(4, 'a\nb', 3), proc(5, 'c', 2)], { uptime: 1, cpus: 2, load: undefined, mem: undefined, ifaces: [], disks: [], procs: ['4 a\nb 3', '5 c 2'] }],
    ['a cut line that never ends', ['1.00 1.00', '6 (half', proc(5, 'c', 2)], { uptime: 1, cpus: 0, load: undefined, mem: undefined, ifaces: [], disks: [], procs: ['5 c 2'] }],
    ['lines of no known shape are skipped', ['1.00 1.00', 'garbage', ...STAT, 'more garbage', LOADAVG], { uptime: 1, cpus: 2, load: [0.5, 0.4, 0.3], mem: undefined, ifaces: [], disks: [], procs: [] }],
  ])('%s', (_name, lines, expected) => {
    const s = parseRecord(lines);
    expect({
      uptime: s.uptime,
      cpus: s.cpuCount,
      load: s.load,
      mem: s.mem,
      ifaces: [...s.net.keys()],
      disks: [...s.disks.keys()],
      procs: s.procs.map((p) => `${p.pid} ${p.command} ${p.ticks}`),
    }).toEqual(expected);
  });

  it.each([
    // figures read off the captured files by eye
    ['lab-hog', 0, { uptime: 1634.1, cpu: { user: 164739, nice: 9343, system: 57840, idle: 88436, iowait: 472, irq: 0, softirq: 761, steal: 4508 }, cpus: 2, load: [12.16, 10.3, 7.14], procs: 7, yes: { pid: 32, command: 'yes', pgrp: 31, ticks: 45, start: 163308 } }],
    ['machine-dd', 1, { uptime: 1643.79, cpus: 2, vda: { sectorsRead: 3789162, sectorsWritten: 9728896, ioMs: 27064 }, procs: 13, dd: { pid: 9960, command: 'dd', pgrp: 9946, ticks: 13, start: 164162 } }],
  ] as const)('captured %s record %d', (name, index, expected) => {
    const s = parseRecord(readCapture(name)[index]);
    expect(s.uptime).toBe(expected.uptime);
    expect(s.cpuCount).toBe(expected.cpus);
    expect(s.procs).toHaveLength(expected.procs);
    expect(s.net.has('lo') && s.net.has('eth0')).toBe(true);
    if ('cpu' in expected) expect(s.cpu).toEqual(expected.cpu);
    if ('load' in expected) expect(s.load).toEqual(expected.load);
    if ('yes' in expected) expect(s.procs.find((p) => p.command === 'yes')).toEqual(expected.yes);
    if ('vda' in expected) expect(s.disks.get('vda')).toEqual(expected.vda);
    if ('dd' in expected) expect(s.procs.find((p) => p.command === 'dd')).toEqual(expected.dd);
    expect(s.mem!.availableBytes).toBeLessThan(s.mem!.totalBytes);
  });
});
