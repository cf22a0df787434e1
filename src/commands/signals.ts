// SIGINT (Ctrl-C) and SIGTERM (systemd, `timeout`, Kubernetes) are one thing to fbsync: stop
// starting new writes, let those in flight finish, record the run, exit 130 / 143. A second
// signal quits at once — the intent journal makes that safe too (behaviour.md § Guarantees).

import { EXIT } from './exit-codes.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** 130 for SIGINT, 143 for SIGTERM (128 + the signal number, as shells report it). */
export function signalExitCode(signal: StopSignal): number {
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
}

export interface StopHandle {
  /** The first signal received, if any. */
  readonly signal: StopSignal | undefined;
  dispose(): void;
}

/**
 * While a command works: the first SIGINT/SIGTERM calls `stop` (the command then winds down by
 * itself and returns signalExitCode); a second one exits at once.
 */
export function onStopSignal(stop: (signal: StopSignal) => void): StopHandle {
  let received: StopSignal | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      if (received) process.exit(signalExitCode(signal));
      received = signal;
      stop(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    get signal() {
      return received;
    },
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}

/**
 * For commands with nothing to wind down (status, doctor, reconnect waiting for a login, …):
 * until a command installs its own handler, a signal prints one line and exits 130 / 143.
 * Installed once by cli.ts; it steps aside while onStopSignal handlers are listening.
 */
export function exitOnStopSignal(line: (signal: StopSignal) => string): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      process.stderr.write(`${line(signal)}\n`);
      process.exit(signalExitCode(signal));
    });
  }
}
