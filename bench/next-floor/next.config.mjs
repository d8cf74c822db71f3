// Minimal Next.js app for the framework-floor reference (bench/next-floor/pages/api/probe.js).
export default {
  distDir: process.env.NEXT_DIST_DIR ?? ".next-floor",
  poweredByHeader: false,
  serverExternalPackages: ["pg"],
};
