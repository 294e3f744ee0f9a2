// ESLint flat config: ESLint's recommended rules, Next.js's rules (eslint-config-next: React, hooks, a11y, import,
// @next/next core web vitals) and typescript-eslint's recommended rules. Formatting is Prettier's job (`npm run lint`
// runs `prettier --check` after ESLint); none of these presets contains layout rules, so no eslint-config-prettier.
import js from "@eslint/js";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  {
    // Generated (Prisma client, Next build, test and benchmark output) or local data: not our source.
    ignores: [
      "lib/generated/**",
      ".next/**",
      ".data/**",
      "test-results/**",
      "playwright-report/**",
      "coverage/**",
      "bench-results/**",
      "docs/benchmarks/results/**",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      // A leading underscore is how this code marks a parameter or binding that must exist but is unused (a callback's
      // signature, a key dropped from a rest copy); anything else unused is still reported.
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Not in the presets, but every comparison in this code is already strict (=== / !==); keep it that way.
      eqeqeq: "error",
    },
  },
];

export default config;
