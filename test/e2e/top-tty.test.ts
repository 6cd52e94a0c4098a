import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { quoteCommand } from '../../src/remote/quote.js';
import { execOnHost, ISUOPS_BIN, labArgs, labHosts, restoreLab } from './helpers.js';
import { leftBehind, startHog } from './top/helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-top-tty-'));
const socket = path.join(tmp, 'tmux.sock');
const tmux = (...a: string[]) => execa('tmux', ['-S', socket, ...a]);
let sessions = 0;

/** `isuops top` on a real terminal (a tmux pane): what the pane shows, keys, and the terminal's state after it ends. */
async function topOnTerminal(args: string[], size = { x: 200, y: 50 }) {
  const name = `top${++sessions}`;
  const rc = path.join(tmp, `${name}.rc`);
  const stty = path.join(tmp, `${name}.stty`);
  // After isuops: its exit code, then the terminal's modes as stty sees them.
  const command = `${quoteCommand(['node', ISUOPS_BIN, 'top', ...args])}; echo $? > ${quoteCommand([rc])}; stty -a > ${quoteCommand([stty])}; sleep 600`;
  await tmux('new-session', '-d', '-s', name, '-x', String(size.x), '-y', String(size.y), command);
  const screen = async (escapes = false): Promise<string[]> => (await tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name)).stdout.split('\n');
  return {
    screen,
    keys: (keys: string) => tmux('send-keys', '-t', name, keys),
    resize: (x: number, y: number) => tmux('resize-window', '-t', name, '-x', String(x), '-y', String(y)),
    /** The pane's alternate screen and cursor flags. */
    flags: async () => (await tmux('display-message', '-p', '-t', name, '#{alternate_on} #{cursor_flag}')).stdout.trim(),
    async waitFor(what: string, check: (lines: string[]) => boolean, ms = 20_000): Promise<string[]> {
      const until = Date.now() + ms;
      for (;;) {
        const lines = await screen();
        if (check(lines)) return lines;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async ended(): Promise<{ exitCode: number; stty: string; screen: string[] }> {
      const until = Date.now() + 20_000;
      while (!fs.existsSync(stty) || fs.readFileSync(stty, 'utf8') === '') {
        if (Date.now() > until) throw new Error('isuops top did not end');
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 300));
      return { exitCode: Number(fs.readFileSync(rc, 'utf8')), stty: fs.readFileSync(stty, 'utf8'), screen: await screen() };
    },
    close: () => tmux('kill-session', '-t', name).catch(() => undefined),
  };
}

const hostRow = (lines: string[], host: string) => lines.find((l) => l.startsWith(`${host} `)) ?? '';
const numbersRow = (host: string) => new RegExp(`^${host} +\\d+(\\.\\d)?( +\\d+(\\.\\d)?){4} +\\d+\\.\\d\\d `);
const allLive = (lines: string[]) => labHosts().every((h) => numbersRow(h).test(hostRow(lines, h)));

describe('top on a terminal', () => {
  afterEach(async () => {
    await restoreLab();
  });
  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a full-screen table, keys s and p, the worst value highlighted, resizes, a lost host back by itself; q gives the terminal back as it was', async () => {
    const stopHog = await startHog('isu02', 'isuhog');
    const top = await topOnTerminal([...labArgs()]);
    try {
      let lines = await top.waitFor('a row of figures for every host', allLive);
      expect(await top.flags()).toBe('1 0');
      expect(lines[0]).toMatch(/^isuops top: 5\/5 hosts answering, every 1s {2}sort: host \(s\) {2}processes \(p\) {2}quit \(q\) {2}\d\d:\d\d:\d\d$/);
      expect(lines[1]).toMatch(/^HOST +CPU% +usr +sys +iow +stl +LOAD +MEM +avail +NET rx\/s +tx\/s +DISK r\/s +w\/s +util% +dev +TOP$/);
      expect(lines.slice(2, 7).map((l) => l.split(' ')[0])).toEqual(labHosts());
      expect(hostRow(lines, 'isu02')).toMatch(/ isuhog \d+(\.\d)?%$/);
      // the busiest process of the fleet is the worst value of the TOP column: red and bold
      const painted = (await top.screen(true)).find((l) => l.startsWith('isu02 '))!;
      expect(painted).toMatch(/\u001b\[[0-9;]*(1;31|31;1|31)m[^\u001b]*isuhog/);

      await top.keys('s');
      lines = await top.waitFor('sort by cpu', (l) => l[0].includes('sort: cpu (s)'));
      await top.keys('p');
      lines = await top.waitFor('process lines', (l) => l.some((x) => /^ +\d+ +\d+(\.\d)?% {2}isuhog$/.test(x)));
      const hogLine = lines.findIndex((x) => /isuhog$/.test(x) && !x.startsWith('isu'));
      expect(lines.slice(0, hogLine).reverse().find((x) => /^isu\d\d /.test(x))).toMatch(/^isu02 /);

      await top.resize(100, 20);
      lines = await top.waitFor('the table cut to 100 columns', (l) => l[0].startsWith('isuops top:') && l.every((x) => x.length <= 100) && l.some((x) => x.startsWith('isu02 ')));
      await top.resize(200, 50);

      // a lost connection: shown on the host's row, then figures again
      await execOnHost('isu03', "pkill -KILL -f '^sshd: isucon' || true");
      await top.waitFor('isu03 retrying', (l) => /^isu03 +connection lost .*retrying in \d+s \(attempt 1\)/.test(hostRow(l, 'isu03')));
      await top.waitFor('isu03 back', (l) => numbersRow('isu03').test(hostRow(l, 'isu03')));

      await top.keys('q');
      const end = await top.ended();
      expect(end.exitCode).toBe(0);
      expect(await top.flags()).toBe('0 1');
      // canonical mode and echo are back on
      expect(end.stty).toMatch(/(^|\s)icanon(\s|$)/);
      expect(end.stty).toMatch(/(^|\s)echo(\s|$)/);
      expect(end.screen.join('\n')).toContain('isuops: 5 hosts: 5 ok, 0 failed, 0 unreachable, 0 timed out');
      expect(end.screen.join('\n')).not.toContain('CPU%');
      expect(await leftBehind()).toEqual([]);
    } finally {
      await top.close();
      await stopHog();
    }
  }, 90_000);

  it('Ctrl-C (a key in raw mode) ends it with 130 and the terminal given back; --for prints the summary on the screen', async () => {
    const top = await topOnTerminal([...labArgs()]);
    try {
      await top.waitFor('a row of figures for every host', allLive);
      await top.keys('C-c');
      const end = await top.ended();
      expect(end.exitCode).toBe(130);
      expect(await top.flags()).toBe('0 1');
      expect(end.stty).toMatch(/(^|\s)icanon(\s|$)/);
      expect(await leftBehind()).toEqual([]);
    } finally {
      await top.close();
    }
    const timed = await topOnTerminal([...labArgs(), '--for', '3s']);
    try {
      const end = await timed.ended();
      expect(end.exitCode).toBe(0);
      const text = end.screen.join('\n');
      expect(text).toMatch(/isuops top: 5 hosts over 3\.\ds; each figure is mean\/max/);
      expect(text).toMatch(/^busiest: cpu isu0\d/m);
    } finally {
      await timed.close();
    }
  }, 90_000);
});
