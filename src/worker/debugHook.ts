/**
 * THE test hook of the worker, the only one: the messages the UI sends only when an end-to-end test
 * opted in (src/ui/debugHook.ts). `debug-fault` loses the WebGL context, throws an uncaught error or
 * blocks the event loop for good (e2e/faults.spec.ts); `debug-config` shortens the download stall
 * timeout (e2e/datafail.spec.ts).
 */
import type { DebugFault, ToWorker } from '../shared/protocol';
import { activeWebGLContext } from './backend';
import { setStallTimeout } from './datasets';

export function handleDebugMessage(message: Extract<ToWorker, { type: 'debug-fault' | 'debug-config' }>): void {
  if (message.type === 'debug-fault') injectFault(message.fault);
  else if (message.stallMs !== undefined) setStallTimeout(message.stallMs);
}

function injectFault(fault: DebugFault): void {
  switch (fault) {
    case 'lose-context': {
      const extension = activeWebGLContext()?.getExtension('WEBGL_lose_context');
      if (extension) extension.loseContext();
      else console.warn('debug-fault lose-context: the active backend is not WebGL');
      return;
    }
    case 'crash':
      setTimeout(() => {
        throw new Error('Simulated crash (debug-fault)');
      });
      return;
    case 'hang':
      // Blocks this worker's event loop for good: no heartbeat, no message handled, until terminated.
      for (;;) {
        /* hang */
      }
    default: {
      const unknown: never = fault;
      console.warn('unknown fault', unknown);
    }
  }
}
