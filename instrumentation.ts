// Runs once when the Next.js server starts: the environment is validated then (lib/env.ts), so a server
// with missing or placeholder secrets exits at start, naming the variable, instead of failing requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    await import("./lib/env");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
