// @ts-check
/** @type {import('next').NextConfig} */
const dev = process.env.NODE_ENV !== "production";

// Everything is served from our own origin. Inline scripts/styles stay allowed: the App Router inlines
// its RSC payload and the OAuth callback page is a small inline page (a nonce would force every page
// to render dynamically). Dev mode also needs eval (React's dev tooling) and the HMR websocket.
// Recording links open in a new tab (not embedded), so no media or frame sources are needed.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin-allow-popups" },
];

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
