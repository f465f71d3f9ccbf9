import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inputLines, TOO_LONG } from '../../src/cli/input-lines.ts';

async function linesOf(chunks: Array<string | Buffer>, maxChars = 100) {
  const lines: Array<string | typeof TOO_LONG> = [];
  for await (const line of inputLines(Readable.from(chunks), maxChars)) lines.push(line);
  return lines;
}

describe('reading stdin a line at a time', () => {
  it('splits on "\\n" wherever the chunks break, dropping a "\\r" before it', async () => {
    expect(await linesOf(['a', 'b\r', '\nc\u2028d\re\n', '\n', 'last'])).toEqual([
      'ab',
      'c\u2028d\re',
      '',
      'last',
    ]);
    expect(await linesOf(['one\n'])).toEqual(['one']);
    expect(await linesOf([])).toEqual([]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('å\u2028ö\nä', 'utf8');
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(await linesOf(chunks)).toEqual(['å\u2028ö', 'ä']);
  });

  it('gives TOO_LONG for a line past the limit without keeping it, and goes on', async () => {
    const long = 'x'.repeat(60);
    expect(await linesOf([long, long, '\nshort\n', long, long], 100)).toEqual([TOO_LONG, 'short', TOO_LONG]);
    expect(await linesOf(['x'.repeat(100)], 100)).toEqual(['x'.repeat(100)]);
  });
});
