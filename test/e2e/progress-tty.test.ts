import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { quoteCommand } from '../../src/remote/quote.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ISUOPS_BIN, labArgs } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-tty-'));
const socket = path.join(tmp, 'tmux.sock');
let session = 0;

/**
 * Runs isuops on a real terminal (a tmux pane, 250 columns), optionally sends keys after `keysAfterMs`,
 * and returns the screen as tmux shows it once isuops has exited (wrapped lines joined).
 */
async function onTerminal(args: string[], opts: { keys?: string; keysAfterMs?: number } = {}): Promise<{ screen: string[]; exitCode: number }> {
  const name = `t${++session}`;
  const rcFile = path.join(tmp, `${name}.rc`);
  const command = `${quoteCommand(['node', ISUOPS_BIN, ...args])}; echo $? > ${quoteCommand([rcFile])}; sleep 600`;
  const tmux = (...a: string[]) => execa('tmux', ['-S', socket, ...a]);
  await tmux('new-session', '-d', '-s', name, '-x', '250', '-y', '50', command);
  try {
    if (opts.keys) {
      await new Promise((r) => setTimeout(r, opts.keysAfterMs ?? 0));
      await tmux('send-keys', '-t', name, opts.keys);
    }
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(rcFile) || fs.readFileSync(rcFile, 'utf8') === '') {
      if (Date.now() > deadline) throw new Error('isuops did not end on the terminal');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The pane is drawn a moment after the process wrote to it.
    await new Promise((r) => setTimeout(r, 300));
    const { stdout } = await tmux('capture-pane', '-p', '-J', '-t', name);
    return { screen: stdout.split('\n').filter((l) => l.trim() !== ''), exitCode: Number(fs.readFileSync(rcFile, 'utf8')) };
  } finally {
    await tmux('kill-session', '-t', name).catch(() => undefined);
  }
}

// isu01 is last: the other four are done and the progress line is up when it speaks.
const LATE = 'if [ "$(hostname)" = isu01 ]; then sleep 2; echo late >&2; sleep 1; fi; echo out';

describe('the progress line on a terminal is erased before any other output', () => {
  afterAll(async () => {
    await execa('tmux', ['-S', socket, 'kill-server'], { reject: false });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('-b: a stderr line that comes while the progress line is up gets a line of its own', async () => {
    const { screen, exitCode } = await onTerminal(['exec', '-b', ...labArgs(), LATE]);
    expect(exitCode).toBe(0);
    expect(screen[0]).toBe('isu01: late');
    expect(screen.slice(1, 5)).toEqual(['---------------', 'isu[01-05] (5)', '---------------', 'out']);
    expect(screen.filter((l) => l.includes('hosts done'))).toEqual([]);
  });

  it('--json: every object is a line of its own, none glued to the progress line', async () => {
    const { screen, exitCode } = await onTerminal(['exec', '--json', ...labArgs(), LATE]);
    expect(exitCode).toBe(0);
    const objects = screen.filter((l) => !l.startsWith('isuops: 5 hosts'));
    expect(objects).toHaveLength(5);
    expect(objects.map((l) => JSON.parse(l).host).sort()).toEqual(['isu01', 'isu02', 'isu03', 'isu04', 'isu05']);
  });

  it("Ctrl-C: the interrupt line replaces the progress line (and the terminal's ^C)", async () => {
    const { screen, exitCode } = await onTerminal(['exec', '-b', ...labArgs(), 'if [ "$(hostname)" = isu01 ]; then sleep 30; fi; echo out'], { keys: 'C-c', keysAfterMs: 3000 });
    expect(exitCode).toBe(130);
    expect(screen[0]).toBe('isuops: interrupted: stopping remote processes (Ctrl-C again to quit now)');
    expect(screen.filter((l) => l.includes('hosts done') || l.includes('^C'))).toEqual([]);
    expect(screen.at(-2)).toMatch(/^isuops: 5 hosts: 4 ok, 0 failed, 0 unreachable, 0 timed out, 1 interrupted in /);
  });
});
