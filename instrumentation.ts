// Runs once in each Next.js server process before it handles requests.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { trustProxyHopsFromEnv } = await import("@/lib/server/client-address");
  trustProxyHopsFromEnv(); // a bad TRUST_PROXY_HOPS stops the server here, naming it
  const { installPeerStamp } = await import("@/lib/server/peer-stamp");
  installPeerStamp();
}
