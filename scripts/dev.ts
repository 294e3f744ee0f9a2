// npm run dev: database, migrations, seed, background services and the Next dev server, one command.
import { startStack } from "./lib/stack";

startStack({ mode: "dev", port: Number(process.env.PORT ?? 3000) }).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
