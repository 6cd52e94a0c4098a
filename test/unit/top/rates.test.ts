import { describe, expect, it } from 'vitest';
import { makeDiskFilter } from '../../../src/ops/top/disks.js';
import { HostRates } from '../../../src/ops/top/host-rates.js';
import { parseRecord } from '../../../src/ops/top/parse-record.js';
import { computeSample, type RateOptions } from '../../../src/ops/top/rates.js';
import type { ProcCounters, ProcSnapshot } from '../../../src/ops/top/types.js';
import { readCapture } from './fixtures.js';

const base: RateOptions = { clockTicks: 100, isDisk: makeDiskFilter(['vda']) };

describe('computeSample on captured records (expected figures worked out by hand from the files)', () => {
  it('lab-hog: both cores busy, `yes` on top', () => {
    const [a, b] = readCapture('lab-hog').map(parseRecord);
    const s = computeSample(a, b, base)!;
    // 200 jiffies in 1.01 s: user 122 + nice 29, system 49, idle 0
    expect(s.cpu).toEqual({ busy: 100, user: 75.5, system: 24.5, iowait: 0, steal: 0 });
    expect(s.cores).toBe(2);
    expect(s.load).toEqual([12.16, 10.3, 7.14]);
    expect(s.mem).toEqual({ usedBytes: 1743040512, availableBytes: 23533019136 });
    // (27+66) - (12+33) = 48 ticks in 1.01 s
    expect(s.top[0]).toEqual({ pid: 32, command: 'yes', cpu: 47.5 });
    expect(s.net).toEqual({ rxBytesPerSec: 0, txBytesPerSec: 0 });
  });

  it('machine-dd: 166 MB/s written to vda, 10.2 %util, dd on top', () => {
    const [a, b] = readCapture('machine-dd').map(parseRecord);
    const s = computeSample(a, b, base)!;
    // 496136 sectors written, 720 read, 156 ms busy, in 1.53 s
    expect(s.disk).toEqual({ readBytesPerSec: 120471, writeBytesPerSec: 166027210, util: 10.2, device: 'vda' });
    expect(s.top.slice(0, 2)).toEqual([{ pid: 9960, command: 'dd', cpu: 7.2 }, { pid: 1, command: 'process_api', cpu: 3.9 }]);
    expect(s.cpu).toEqual({ busy: 100, user: 46.7, system: 53.3, iowait: 0, steal: 0 });
    // --iface lo: the loopback traffic of the capture (373652 bytes each way in 1.53 s)
    expect(computeSample(a, b, { ...base, ifaces: new Set(['lo']) })!.net).toEqual({ rxBytesPerSec: 244217, txBytesPerSec: 244217 });
  });
});

const snap = (uptime: number, fields: Partial<ProcSnapshot> = {}): ProcSnapshot => ({ uptime, cpuCount: 1, net: new Map(), disks: new Map(), procs: [], ...fields });
const proc = (pid: number, ticks: number, start = 10, pgrp = 1, command = `p${pid}`): ProcCounters => ({ pid, command, pgrp, ticks, start });
const net = (entries: Record<string, [number, number]>) => new Map(Object.entries(entries).map(([k, [rxBytes, txBytes]]) => [k, { rxBytes, txBytes }]));
const disks = (entries: Record<string, [number, number, number]>) => new Map(Object.entries(entries).map(([k, [sectorsRead, sectorsWritten, ioMs]]) => [k, { sectorsRead, sectorsWritten, ioMs }]));

describe('computeSample', () => {
  it.each([
    ['net: every interface but lo, per second of the host clock', snap(10, { net: net({ lo: [0, 0], eth0: [0, 0], eth1: [0, 0] }) }), snap(12, { net: net({ lo: [1e9, 1e9], eth0: [2000, 4000], eth1: [2000, 0] }) }), {}, (s) => s.net, { rxBytesPerSec: 2000, txBytesPerSec: 2000 }],
    ['net: --iface picks interfaces (lo too)', snap(10, { net: net({ lo: [0, 0], eth0: [0, 0] }) }), snap(11, { net: net({ lo: [500, 700], eth0: [2000, 4000] }) }), { ifaces: new Set(['lo']) }, (s) => s.net, { rxBytesPerSec: 500, txBytesPerSec: 700 }],
    // an interface that came back (counters reset) or appeared counts from the next sample
    ['net: a counter reset is not negative traffic', snap(10, { net: net({ eth0: [5000, 5000] }) }), snap(11, { net: net({ eth0: [10, 10], eth9: [99, 99] }) }), {}, (s) => s.net, { rxBytesPerSec: 0, txBytesPerSec: 0 }],
    ['disk: whole disks summed, util of the busiest', snap(10, { disks: disks({ sda: [0, 0, 0], sda1: [0, 0, 0], sdb: [0, 0, 0], loop0: [0, 0, 0] }) }), snap(12, { disks: disks({ sda: [2048, 0, 500], sda1: [2048, 0, 500], sdb: [0, 4096, 1800], loop0: [9999, 9999, 2000] }) }), { isDisk: makeDiskFilter(['sda', 'sdb']) }, (s) => s.disk, { readBytesPerSec: 524288, writeBytesPerSec: 1048576, util: 90, device: 'sdb' }],
    ['disk: util is at most 100', snap(10, { disks: disks({ sda: [0, 0, 0] }) }), snap(11, { disks: disks({ sda: [0, 0, 1500] }) }), { isDisk: () => true }, (s) => s.disk.util, 100],
    ['disk: no disk at all', snap(10), snap(11), {}, (s) => s.disk, { readBytesPerSec: 0, writeBytesPerSec: 0, util: 0, device: null }],
    ['cpu: iowait and steal are not busy; nice is user; irq and softirq are system', snap(10, { cpu: { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 } }), snap(11, { cpu: { user: 10, nice: 10, system: 5, idle: 40, iowait: 20, irq: 2, softirq: 3, steal: 10 } }), {}, (s) => s.cpu, { busy: 40, user: 20, system: 10, iowait: 20, steal: 10 }],
    ['cpu: no jiffies passed', snap(10, { cpu: { user: 5, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 } }), snap(11, { cpu: { user: 5, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 } }), {}, (s) => s.cpu.busy, 0],
    ['top: % of one core, busiest first, at most 5, idle ones left out', snap(10, { procs: [1, 2, 3, 4, 5, 6, 7].map((p) => proc(p, 0)) }), snap(12, { procs: [proc(1, 20), proc(2, 400), proc(3, 2), proc(4, 60), proc(5, 4), proc(6, 0), proc(7, 1)] }), {}, (s) => s.top.map((p) => `${p.pid}:${p.cpu}`), ['2:200', '4:30', '1:10', '5:2', '3:1']],
    ['top: the sampler\'s own process group is left out', snap(10, { procs: [proc(1, 0), proc(2, 0, 10, 77)] }), snap(11, { procs: [proc(1, 10), proc(2, 90, 10, 77)] }), { ownGroup: 77 }, (s) => s.top.map((p) => p.pid), [1]],
    // a pid reused by a process started within the interval: its own ticks, not a difference
    ['top: a reused pid', snap(10, { procs: [proc(1, 500, 100)] }), snap(11, { procs: [proc(1, 30, 1050)] }), {}, (s) => s.top, [{ pid: 1, command: 'p1', cpu: 30 }]],
    ['top: a process started during the interval', snap(10), snap(11, { procs: [proc(9, 50, 1020)] }), {}, (s) => s.top, [{ pid: 9, command: 'p9', cpu: 50 }]],
    ['top: a process seen for the first time but older than the interval is not counted', snap(10), snap(11, { procs: [proc(9, 50, 900)] }), {}, (s) => s.top, []],
    ['top: clock ticks of the host', snap(10, { procs: [proc(1, 0)] }), snap(11, { procs: [proc(1, 250)] }), { clockTicks: 250 }, (s) => s.top[0].cpu, 100],
  ] as Array<[string, ProcSnapshot, ProcSnapshot, Partial<RateOptions>, (s: NonNullable<ReturnType<typeof computeSample>>) => unknown, unknown]>)(
    '%s',
    (_name, a, b, opts, pick, expected) => {
      expect(pick(computeSample(a, b, { ...base, ...opts })!)).toEqual(expected);
    },
  );

  it.each([
    ['no clock before', snap(undefined as unknown as number), snap(11)],
    ['the clock did not move', snap(11), snap(11)],
  ])('undefined when %s', (_name, a, b) => expect(computeSample(a, b, base)).toBeUndefined());
});

describe('HostRates: processes sent only when their CPU time moved', () => {
  it('compares with the last time a process was sent, and forgets the ones that ended', () => {
    const rates = new HostRates(base);
    expect(rates.push(snap(10, { procs: [proc(1, 100), proc(2, 100)] }))).toBeUndefined();
    // pid 1 unchanged (not sent); pid 2 used 50 ticks
    expect(rates.push(snap(11, { procs: [proc(2, 150)] }))!.top).toEqual([{ pid: 2, command: 'p2', cpu: 50 }]);
    // pid 1 moves again: 20 ticks since it was last sent two samples ago
    expect(rates.push(snap(12, { procs: [proc(1, 120)] }))!.top).toEqual([{ pid: 1, command: 'p1', cpu: 20 }]);
    // pid 2 ended; a new process reusing it that started long ago is not a difference from the old one
    rates.push(snap(13), [2]);
    expect(rates.push(snap(14, { procs: [proc(2, 130, 500)] }))!.top).toEqual([]);
  });
});

describe('makeDiskFilter', () => {
  it.each([
    [['vda'], 'vda', true],
    [['vda'], 'vda1', false],
    [['vda'], 'sda', false],
    [[], 'sda', true],
    [[], 'sda1', false],
    [[], 'nvme0n1', true],
    [[], 'nvme0n1p2', false],
    [[], 'mmcblk0', true],
    [[], 'mmcblk0p1', false],
    [[], 'xvda1', false],
    [[], 'loop3', false],
    [[], 'dm-0', false],
    [[], 'md127', false],
    [[], 'zram0', false],
  ])('%j %s: %s', (whole, device, expected) => expect(makeDiskFilter(whole)(device)).toBe(expected));
});
