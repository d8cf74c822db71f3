import net from "node:net";

/**
 * Runs `fn` and counts the writes this process makes to the test database's sockets meanwhile
 * (one per `_write` or `_writev` call, however many chunks it carries): each is a separate
 * send, and a statement whose answer is awaited before the next is sent costs one of its own.
 */
export async function countPgWrites<T>(fn: () => Promise<T>): Promise<{ result: T; writes: number }> {
  const port = Number(new URL(process.env.DATABASE_URL as string).port);
  let writes = 0;
  const proto = net.Socket.prototype as unknown as Record<"_write" | "_writev", (...args: unknown[]) => unknown>;
  const original = { _write: proto._write, _writev: proto._writev };
  for (const name of ["_write", "_writev"] as const) {
    proto[name] = function (this: net.Socket, ...args: unknown[]) {
      if (this.remotePort === port) writes++;
      return original[name].apply(this, args);
    };
  }
  try {
    return { result: await fn(), writes };
  } finally {
    Object.assign(proto, original);
  }
}
