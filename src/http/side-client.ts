import type { HttpClient } from './client.js';
import type { ThrottledError } from './errors.js';
import type { Throttle } from './throttle.js';

/**
 * What every client of a remote side reports to the engine: its throttle, whether it stopped the
 * side for this run, how many requests it made. Subclasses set `http` in their constructor.
 */
export abstract class SideClient {
  protected http!: HttpClient;

  get throttle(): Throttle {
    return this.http.throttle;
  }

  get throttledBy(): ThrottledError | undefined {
    return this.http.throttle.stopped;
  }

  get requestCount(): number {
    return this.http.requestCount;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.close();
  }
}
