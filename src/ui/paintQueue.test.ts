import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { schedule } from './paintQueue';

/** Animation frames by hand: `frame()` runs the callbacks waiting for the next one. */
let frameCallbacks: FrameRequestCallback[] = [];
function frame(): void {
  const due = frameCallbacks;
  frameCallbacks = [];
  for (const callback of due) callback(performance.now());
}
/** Lets the message-channel task a frame posted run. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

beforeEach(() => {
  frameCallbacks = [];
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frameCallbacks.push(callback));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('paint queue', () => {
  it('runs one job per frame, in the task after the frame, newest data of a key only', async () => {
    const ran: string[] = [];
    schedule('a', () => ran.push('a1'));
    schedule('b', () => ran.push('b'));
    schedule('a', () => ran.push('a2')); // replaces a1, and goes behind b
    await nextTask();
    expect(ran).toEqual([]); // nothing before a frame
    frame();
    await nextTask();
    expect(ran).toEqual(['b']);
    frame();
    await nextTask();
    expect(ran).toEqual(['b', 'a2']);
    frame();
    await nextTask();
    expect(ran).toEqual(['b', 'a2']);
  });

  it('runs anyway when no frame comes (a hidden tab), after a short wait', async () => {
    const ran: string[] = [];
    schedule('hidden', () => ran.push('x'));
    await nextTask();
    expect(ran).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ran).toEqual(['x']);
  });

  it('a job that throws does not stop the jobs behind it', async () => {
    const ran: string[] = [];
    schedule('bad', () => {
      throw new Error('draw failed');
    });
    schedule('good', () => ran.push('good'));
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      frame();
      await nextTask();
      frame();
      await nextTask();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(ran).toEqual(['good']);
    expect(errors).toHaveLength(1);
  });
});
