import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nameFromBytes } from '../../../src/core/byte-names.js';
import { quoteWord } from '../../../src/remote/quote.js';

// The oracle: what each shell makes of the quoted word, byte for byte.
const shells: Array<[string, string[]]> = [['dash', ['dash']], ['bash', ['bash']], ['busybox ash', ['busybox', 'ash']]];
const words: Array<[string, Buffer]> = [
  ['plain', Buffer.from('a/b.txt')],
  ['quotes and $()', Buffer.from(`it's $(id) \`x\``)],
  ['latin-1 é', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74])],
  ['raw bytes around a quote', Buffer.from([0xff, 0x27, 0xfe, 0xfd, 0x0a])],
  ['a newline after a raw byte', Buffer.from([0xe9, 0x0a])],
  ['UTF-8 and raw', Buffer.from([0xc3, 0xa9, 0xe9, 0x20, 0x5c])],
];

describe('quoteWord: every byte reaches the command, in each shell', () => {
  for (const [shell, argv] of shells) {
    it.each(words)(`${shell}: %s`, (_what, bytes) => {
      const script = `printf %s ${quoteWord(nameFromBytes(bytes))}`;
      const out = execFileSync(argv[0]!, [...argv.slice(1), '-c', script]);
      expect(out.toString('hex')).toBe(bytes.toString('hex'));
    });
  }
});
