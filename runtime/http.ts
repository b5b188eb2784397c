// Middleware for node:http-style handlers: each request handler runs as a task on a Scheduler, so one
// CPU-heavy request cannot block the others (they are served between its slices).

import { Scheduler } from './scheduler';

export interface HandlerOptions<Req, Res> {
  /** The scheduler to run on (default: a new one with `sliceMs`). Share one across handlers. */
  scheduler?: Scheduler;
  /** Slice length for the default scheduler (default 1 ms). */
  sliceMs?: number;
  /**
   * Called when the handler throws (in any slice). Default: `next(error)` when the server passed a `next`
   * (express, connect: its error middleware answers), else 500 if nothing was sent yet, else the socket is
   * destroyed.
   */
  onError?: (error: unknown, req: Req, res: Res, next?: (error?: unknown) => void) => void;
}

interface ResponseLike {
  headersSent?: boolean;
  statusCode?: number;
  end(body?: string): unknown;
  destroy?(error?: Error): unknown;
}

type Next = (error?: unknown) => void;

/**
 * Wraps `handler(req, res, next)` (an instrumented function that writes the response; sync or async) so that
 * every request runs as a scheduled, time-sliced task: `http.createServer(preemptibleHandler(handler))`,
 * `app.get(path, preemptibleHandler(handler))`. `next` is passed through when the server gives one.
 */
export function preemptibleHandler<Req, Res extends ResponseLike>(
  handler: (req: Req, res: Res, next?: Next) => unknown,
  options: HandlerOptions<Req, Res> = {},
): (req: Req, res: Res, next?: Next) => void {
  const scheduler = options.scheduler ?? new Scheduler({ sliceMs: options.sliceMs ?? 1 });
  const onError =
    options.onError ??
    ((error: unknown, _req: Req, res: Res, next?: Next) => {
      if (typeof next === 'function') {
        next(error);
      } else if (!res.headersSent) {
        res.statusCode = 500;
        res.end('Internal Server Error');
      } else {
        res.destroy?.(error instanceof Error ? error : new Error(String(error)));
      }
    });
  // Three parameters at most: express takes a four-parameter function for error middleware.
  return (req, res, next) => {
    const run = typeof next === 'function' ? scheduler.spawn(handler, req, res, next) : scheduler.spawn(handler, req, res);
    run.catch((error: unknown) => onError(error, req, res, next));
  };
}
