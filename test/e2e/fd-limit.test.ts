import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ISUOPS_BIN, labDir } from './helpers.js';

describe('running out of file descriptors', () => {
  it('is a local error naming the limit, not "unreachable" with a raw message', async () => {
    const args = ['exec', '-F', path.join(labDir(), 'ssh_config'), '-f', path.join(labDir(), 'hosts.txt'), 'true'];
    // 20 descriptors: Node itself and the first connection take them all
    const r = await execa('sh', ['-c', `ulimit -n 20; exec node ${ISUOPS_BIN} ${args.join(' ')}`], { reject: false, env: { ISUOPS_CONTROL_PERSIST: 'no' } });
    const errors = r.stderr.split('\n').filter((l) => /^isuops: isu0\d: /.test(l));
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/^isuops: isu0\d: out of file descriptors on this machine \(EMFILE: too many open files\) connecting to [0-9.]+:22: lower -p, or raise the limit \(ulimit -n\)$/);
    expect(r.stderr).toContain(' 0 unreachable');
    expect(r.exitCode).toBe(1);
  });
});
