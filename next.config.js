// @ts-check
// Headers that never change, on every response including static files. The Content-Security-Policy (a nonce
// per response) and HSTS (when APP_URL is https) are set per request by proxy.ts (lib/security-headers.ts):
// a header here is fixed at build time, before the production APP_URL is known.
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin-allow-popups" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // `npm test` type-checks the whole project once (`tsc --noEmit`) before building; skip the duplicate.
  typescript: { ignoreBuildErrors: true },
  // Generated Prisma client and the pg driver run on the server only.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@electric-sql/pglite", "@electric-sql/pglite-socket"],
  experimental: {
    // forbidden() renders app/forbidden.tsx with HTTP 403 for members on admin routes.
    authInterrupts: true,
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
