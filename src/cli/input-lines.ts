/** Stands for a line longer than the reader keeps; the rest of it is skipped, not buffered. */
export const TOO_LONG = Symbol('line too long');

/**
 * The lines of a text stream, split on "\n" only: JSON text may hold U+2028, U+2029 or a lone
 * "\r" inside a string, and none of them ends a line here (a "\r" before the "\n" is dropped). A
 * last line without "\n" counts; a line past `maxChars` comes as `TOO_LONG`, so one endless line
 * cannot fill the memory.
 */
export async function* inputLines(
  input: AsyncIterable<unknown>,
  maxChars: number,
): AsyncGenerator<string | typeof TOO_LONG> {
  const decoder = new TextDecoder();
  let pending = '';
  let tooLong = false;
  const take = (piece: string) => {
    if (tooLong) return;
    if (pending.length + piece.length > maxChars) [pending, tooLong] = ['', true];
    else pending += piece;
  };
  const line = () => {
    const whole = tooLong ? TOO_LONG : pending.endsWith('\r') ? pending.slice(0, -1) : pending;
    [pending, tooLong] = ['', false];
    return whole;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      take(text.slice(start, end));
      yield line();
      start = end + 1;
    }
    take(text.slice(start));
  }
  take(decoder.decode());
  if (pending !== '' || tooLong) yield line();
}
