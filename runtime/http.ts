// Middleware for node:http-style handlers: each request handler runs as a task on a Scheduler, so one
// CPU-heavy request cannot block the others (they are served between its slices).

import { Scheduler } from './scheduler';

export interface HandlerOptions<Req, Res> {
  /** The scheduler to run on (default: a new one with `sliceMs`). Share one across handlers. */
  scheduler?: Scheduler;
  /** Slice length for the default scheduler (default 1 ms). */
  sliceMs?: number;
  /** Called when the handler throws; default: 500 if nothing was sent yet, else the socket is destroyed. */
  onError?: (error: unknown, req: Req, res: Res) => void;
}

interface ResponseLike {
  headersSent?: boolean;
  statusCode?: number;
  end(body?: string): unknown;
  destroy?(error?: Error): unknown;
}

/**
 * Wraps `handler(req, res)` (an instrumented function that writes the response) so that every request runs
 * as a scheduled, time-sliced task: `http.createServer(preemptibleHandler(handler))`.
 */
export function preemptibleHandler<Req, Res extends ResponseLike>(
  handler: (req: Req, res: Res) => unknown,
  options: HandlerOptions<Req, Res> = {},
): (req: Req, res: Res) => void {
  const scheduler = options.scheduler ?? new Scheduler({ sliceMs: options.sliceMs ?? 1 });
  const onError =
    options.onError ??
    ((error: unknown, _req: Req, res: Res) => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end('Internal Server Error');
      } else {
        res.destroy?.(error instanceof Error ? error : new Error(String(error)));
      }
    });
  return (req, res) => {
    scheduler.spawn(handler, req, res).catch((error: unknown) => onError(error, req, res));
  };
}
