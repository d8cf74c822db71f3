// One way in ahead of Next.js: `next start` creates its HTTP server before instrumentation.ts
// runs, so the only place to see every request first is `emit` of the server prototypes.
// lib/server/peer-stamp.ts stamps each request there; lib/server/hot-routes.ts answers the hot
// routes there. A hook installed later runs before the ones installed earlier.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Sees each request before the server's listeners; returns true when it answered it itself. */
export type RequestHook = (req: IncomingMessage, res: ServerResponse) => boolean;

type Emitter = { emit: (...a: unknown[]) => boolean };

/** Wraps `emit` of each prototype with `hook` for "request" events. Returns a function that unwraps them. */
export function hookRequests(protos: object[], hook: RequestHook): () => void {
  const restore = (protos as Emitter[]).map((proto) => {
    const original = proto.emit;
    proto.emit = function emit(this: unknown, event: unknown, req: unknown, res: unknown) {
      if (event === "request" && hook(req as IncomingMessage, res as ServerResponse)) return true;
      // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
      return Reflect.apply(original, this, arguments);
    };
    return () => {
      proto.emit = original;
    };
  });
  return () => {
    for (const undo of restore) undo();
  };
}
