import { describe, expect, it } from 'vitest';
import {
  parseCpuLine,
  parseDiskstatsLine,
  parseLoadavg,
  parseMeminfoLine,
  parseNetDevLine,
  parseProcStatLine,
  parseUptime,
} from '../../../src/ops/top/parse-lines.js';

const cpu = (user: number, nice: number, system: number, idle: number, iowait = 0, irq = 0, softirq = 0, steal = 0) => ({ user, nice, system, idle, iowait, irq, softirq, steal });

describe('parseUptime', () => {
  it.each([
    ['1634.10 884.36', 1634.1],
    ['5 3', 5],
    ['cpu  1 2 3 4', undefined],
    ['1.0 2.0 3.0 1/2 3', undefined],
  ])('%j', (line, expected) => expect(parseUptime(line)).toBe(expected));
});

describe('parseCpuLine', () => {
  it.each([
    ['cpu  164739 9343 57840 88436 472 0 761 4508 0 0', { which: 'all', times: cpu(164739, 9343, 57840, 88436, 472, 0, 761, 4508) }],
    ['cpu1 14004 0 6205 34543 308 0 211 989 0 0', { which: 1, times: cpu(14004, 0, 6205, 34543, 308, 0, 211, 989) }],
    // 2.6.0-2.6.10: no steal; 2.4: four fields only
    ['cpu  10 20 30 40 50 60 70', { which: 'all', times: cpu(10, 20, 30, 40, 50, 60, 70) }],
    ['cpu  10 20 30 40', { which: 'all', times: cpu(10, 20, 30, 40) }],
    ['cpu0 10 20 30', undefined],
    ['intr 463861 0 0', undefined],
    ['cpufreq 1 2 3 4', undefined],
  ])('%j', (line, expected) => expect(parseCpuLine(line)).toEqual(expected));
});

describe('parseLoadavg', () => {
  it.each([
    ['12.16 10.30 7.14 3/222 33', [12.16, 10.3, 7.14]],
    ['0.00 0.01 0.05 1/91 1234567', [0, 0.01, 0.05]],
    ['12.16 10.30 7.14', undefined],
    ['1634.10 884.36', undefined],
  ])('%j', (line, expected) => expect(parseLoadavg(line)).toEqual(expected));
});

describe('parseMeminfoLine', () => {
  it.each([
    ['MemTotal:       24683652 kB', { key: 'MemTotal', value: 24683652 * 1024 }],
    ['Active(anon):       2688 kB', { key: 'Active(anon)', value: 2688 * 1024 }],
    ['HugePages_Total:       0', { key: 'HugePages_Total', value: 0 }],
    ['  eth0: 578342455   19925    0    0    0     0          0         0  1982408   16917    0    0    0     0       0          0', undefined],
    ['Inter-|   Receive', undefined],
  ])('%j', (line, expected) => expect(parseMeminfoLine(line)).toEqual(expected));
});

describe('parseNetDevLine', () => {
  it.each([
    ['    lo: 772425322   60105    0    0    0     0          0         0 772425322   60105    0    0    0     0       0          0', { iface: 'lo', counters: { rxBytes: 772425322, txBytes: 772425322 } }],
    ['  eth0: 578342455   19925    0    0    0     0          0         0  1982408   16917    0    0    0     0       0          0', { iface: 'eth0', counters: { rxBytes: 578342455, txBytes: 1982408 } }],
    // names longer than the 6-wide column, and old kernels' counters glued to the colon
    ['enp0s31f6: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0', { iface: 'enp0s31f6', counters: { rxBytes: 10, txBytes: 20 } }],
    ['  eth1:4294967296 1 0 0 0 0 0 0 5 2 0 0 0 0 0 0', { iface: 'eth1', counters: { rxBytes: 4294967296, txBytes: 5 } }],
    ['Inter-|   Receive                                                |  Transmit', undefined],
    [' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed', undefined],
    ['MemTotal:       24683652 kB', undefined],
  ])('%j', (line, expected) => expect(parseNetDevLine(line)).toEqual(expected));
});

describe('parseDiskstatsLine', () => {
  it.each([
    // 5.5+: 17 counters
    [' 254       0 vda 85514 11909 3788802 80800 43858 80504 9232760 76745 2 26908 169407 51151 308 5324160 11810 855 50', { device: 'vda', counters: { sectorsRead: 3788802, sectorsWritten: 9232760, ioMs: 26908 } }],
    // 4.18+: 15 counters (discards); 2.6+: 11
    ['   8       0 sda 100 0 800 10 200 0 1600 20 0 30 40 0 0 0 0', { device: 'sda', counters: { sectorsRead: 800, sectorsWritten: 1600, ioMs: 30 } }],
    ['   8       1 sda1 1 2 3 4 5 6 7 8 9 10 11', { device: 'sda1', counters: { sectorsRead: 3, sectorsWritten: 7, ioMs: 10 } }],
    [' 259       0 nvme0n1 5 0 40 1 6 0 48 2 0 3 3', { device: 'nvme0n1', counters: { sectorsRead: 40, sectorsWritten: 48, ioMs: 3 } }],
    // 2.4-style partition line with four counters only: not a device line
    ['   8       1 sda1 1 2 3 4', undefined],
    ['1 (sh) S 0 1 1 0 -1 4194560 3 0 0 0 0 0 0 0 20 0 1 0 25 0 0', undefined],
  ])('%j', (line, expected) => expect(parseDiskstatsLine(line)).toEqual(expected));
});

const tail = (utime: number, stime: number, start: number, pgrp = 1) => `S 1 ${pgrp} 1 0 -1 4194304 104 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 2560000 307 18446744073709551615 1 1 0 0 0 0 0 6 0 0 0 0 17 1 0 0 0 0 0`;

describe('parseProcStatLine', () => {
  it.each([
    ['32 (yes) R 31 31 31 0 -1 4194304 104 0 0 0 27 66 0 0 20 0 1 0 163308 2560000 307 18446744073709551615 93883821281280 0', { pid: 32, command: 'yes', pgrp: 31, ticks: 93, start: 163308 }],
    [`77 (kworker/0:0H-kblockd) ${tail(0, 964, 142, 0)}`, { pid: 77, command: 'kworker/0:0H-kblockd', pgrp: 0, ticks: 964, start: 142 }],
    // comm holds spaces and parentheses: it ends at the last ')'
    [`5 (tmux: server) ${tail(1, 2, 3)}`, { pid: 5, command: 'tmux: server', pgrp: 1, ticks: 3, start: 3 }],
    [`6 (a) R (b) ${tail(4, 5, 6)}`, { pid: 6, command: 'a) R (b', pgrp: 1, ticks: 9, start: 6 }],
    [`7 () ${tail(0, 0, 1)}`, { pid: 7, command: '', pgrp: 1, ticks: 0, start: 1 }],
    ['8 (cut) S 1 1', undefined],
    ['   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0', undefined],
    [`x (sh) ${tail(1, 1, 1)}`, undefined],
  ])('%j', (line, expected) => expect(parseProcStatLine(line)).toEqual(expected));
});
