// Runs once in each Next.js server process before it handles requests.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { trustProxyHopsFromEnv } = await import("@/lib/server/client-address");
  trustProxyHopsFromEnv(); // a bad TRUST_PROXY_HOPS stops the server here, naming it
  // The hot routes first: each wrapper of the server's `emit` runs before the ones installed
  // earlier, so every request is stamped with its peer before it is answered, either way.
  const { installHotRoutes } = await import("@/lib/server/hot-routes");
  await installHotRoutes();
  const { installPeerStamp } = await import("@/lib/server/peer-stamp");
  installPeerStamp();
}
