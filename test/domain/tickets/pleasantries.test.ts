import { describe, expect, it } from 'vitest';
import { isPleasantry } from '../../../src/domain/tickets/pleasantries.ts';

describe('isPleasantry', () => {
  it.each([
    'thanks',
    'Thanks!!',
    'thank you so much 🙏',
    'Tack!',
    'tack så mycket :pray:',
    'thanks Anna!',
    'Hej!',
    'ok 👍',
    '👍',
    ':+1:',
    'Toppen, tack',
  ])('“%s” says nothing to open a ticket for', (text) => {
    // "Toppen, tack" is two pleasantries: the phrase and one more word.
    expect(isPleasantry(text)).toBe(true);
  });

  it.each([
    'thanks, but the VPN is still down',
    'Hej, vi kan inte logga in',
    'ok so the printer is on fire',
    'The invoice export fails',
    'tack men det fungerar fortfarande inte',
  ])('“%s” is a request', (text) => {
    expect(isPleasantry(text)).toBe(false);
  });
});
