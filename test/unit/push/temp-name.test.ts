import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitName, isTempName, makeTempPath } from '../../../src/ops/push/temp-name.js';

describe('temporary names stay within NAME_MAX (255 bytes)', () => {
  it.each([
    ['short.log', 'short.log'],
    ['n'.repeat(240), 'n'.repeat(240)],
    ['n'.repeat(250), 'n'.repeat(240)],
    // whole characters only: a 3-byte character is never cut in half
    ['é'.repeat(130), 'é'.repeat(120)],
    ['a' + '€'.repeat(90), 'a' + '€'.repeat(79)],
  ])('%s', (name, fitted) => {
    expect(fitName(name)).toBe(fitted);
    const temp = path.posix.basename(makeTempPath(`/d/${name}`));
    expect([Buffer.byteLength(temp) <= 255, isTempName(temp), temp.startsWith(`.${fitted}.isuops-`)]).toEqual([true, true, true]);
  });
});
