// How much do bad sign-ins slow everyone else down? One Node HTTP server, as the app's: GET /page answers a
// small JSON page (the signed-in user's request), POST /login verifies a wrong password against a stored hash
// with the app's hasher. We measure /page latency (p50/p95/max) alone, then while 24 bad logins run in parallel
// without pause, once with bcryptjs (the hasher before issue 13: pure JavaScript on the event loop) and once
// with lib/auth/password.ts (crypto.scrypt on libuv's thread pool).
//
//   npx tsx scripts/bench/login-load.ts [--seconds 10]
import http from "node:http";
import os from "node:os";
import type { AddressInfo } from "node:net";
import bcrypt from "bcryptjs";
import { hashPassword, verifyPassword } from "../../lib/auth/password";

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 10;
const PARALLEL = 24;

type Hasher = { name: string; verify: (password: string, hash: string) => Promise<boolean>; hash: string };

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(hasher: Hasher | null) {
  const server = http.createServer(async (req, res) => {
    if (req.url === "/login" && hasher) {
      await hasher.verify("wrong-password-guess", hasher.hash);
      res.writeHead(401).end();
      return;
    }
    res
      .writeHead(200, { "Content-Type": "application/json" })
      .end(JSON.stringify({ deals: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `Deal ${i}` })) }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL + 4 });
  const call = (path: string, method = "GET") =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path, method, agent }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end();
    });
  const until = Date.now() + seconds * 1000;
  let logins = 0;
  const attackers = hasher
    ? Array.from({ length: PARALLEL }, async () => {
        while (Date.now() < until) {
          await call("/login", "POST");
          logins++;
        }
      })
    : [];
  const latencies: number[] = [];
  while (Date.now() < until) {
    const t = performance.now();
    await call("/page");
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(attackers);
  agent.destroy();
  server.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1)!, pages: latencies.length, loginsPerSecond: logins / seconds };
}

async function main() {
  const bcryptHash = await bcrypt.hash("the-real-password", 10);
  const scryptHash = await hashPassword("the-real-password");
  const rows: Array<[string, Awaited<ReturnType<typeof run>>]> = [];
  rows.push(["no sign-ins (baseline)", await run(null)]);
  rows.push([
    `${PARALLEL} parallel bad sign-ins, bcryptjs (before)`,
    await run({ name: "bcryptjs", verify: (p, h) => bcrypt.compare(p, h), hash: bcryptHash }),
  ]);
  rows.push([`${PARALLEL} parallel bad sign-ins, crypto.scrypt (after)`, await run({ name: "scrypt", verify: verifyPassword, hash: scryptHash })]);
  const fmt = (n: number) => `${n.toFixed(1)} ms`;
  console.log(
    `Login load, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} vCPU (${os.cpus()[0]?.model}), load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, ${seconds} s each`,
  );
  console.log("| case | page p50 | page p95 | page max | pages | bad sign-ins/s |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const [name, r] of rows) console.log(`| ${name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${r.pages} | ${r.loginsPerSecond.toFixed(1)} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
