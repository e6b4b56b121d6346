import { describe, expect, it } from 'vitest';
import { errorText } from './errorText';

describe('errorText', () => {
  it("an Error's message, without the class name", () => {
    expect(errorText(new Error('disk full'))).toBe('disk full');
    expect(errorText(new TypeError('x is not a function'))).toBe('x is not a function');
    expect(errorText(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))).toBe('The quota has been exceeded.');
  });

  it('the message of a thrown plain object that has one', () => {
    expect(errorText({ message: 'WebGL is not supported' })).toBe('WebGL is not supported');
  });

  it('anything else as a string', () => {
    expect(errorText('offline')).toBe('offline');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText(null)).toBe('null');
    expect(errorText({ message: 7 })).toBe('[object Object]');
  });
});
