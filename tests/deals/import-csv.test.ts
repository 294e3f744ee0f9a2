import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

// CSV deal import: the rules on their own, then the whole path (upload in parts -> check -> preview ->
// commit) against the run's database, and the route handlers (session from next-auth, mocked).
const sessionUser = vi.hoisted(() => ({ id: undefined as string | undefined }));
const sent = vi.hoisted(() => [] as Array<{ name: string; data: Record<string, unknown> }>);
vi.mock("next-auth", async (orig) => ({
  ...(await orig<typeof import("next-auth")>()),
  getServerSession: async () => (sessionUser.id ? { user: { id: sessionUser.id } } : null),
}));
vi.mock("react", async (orig) => ({ ...(await orig<typeof import("react")>()), cache: <T>(fn: T) => fn }));
vi.mock("@/inngest/client", () => ({
  sendEvents: async (e: unknown) => {
    sent.push(...((Array.isArray(e) ? e : [e]) as typeof sent));
  },
}));

const { db } = await import("@/lib/db");
const rules = await import("@/lib/deals/import-csv-rules");
const csv = await import("@/lib/deals/import-csv");
const { createWorkspace, uid } = await import("../support/db");
const createRoute = await import("@/app/api/deals/import/route");
const chunkRoute = await import("@/app/api/deals/import/[importId]/chunks/route");
const commitRoute = await import("@/app/api/deals/import/[importId]/commit/route");
const viewRoute = await import("@/app/api/deals/import/[importId]/route");

afterAll(() => db.$disconnect());
beforeEach(() => {
  sessionUser.id = undefined;
  sent.length = 0;
});

const HEADER = "External ID,Name,Stage,Amount,Currency,Close Date,Owner Email,Account Name,CRM Deal ID,CRM Account ID,Contact Emails";
const send = async (e: unknown) => {
  sent.push(...((Array.isArray(e) ? e : [e]) as typeof sent));
};

/** Uploads `content` in parts as the page does, then runs the check's steps as the Inngest function does. */
async function upload(workspaceId: string, userId: string, content: string | Buffer, fileName = "deals.csv") {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const { id } = await csv.createImport({ workspaceId, userId, fileName, fileBytes: bytes.length });
  const size = rules.IMPORT_LIMITS.uploadChunkBytes;
  for (let i = 0, index = 0; i < bytes.length; i += size, index++) {
    await csv.appendChunk({ workspaceId, importId: id, index, data: bytes.subarray(i, i + size), send });
  }
  let steps = 0;
  while (!(await csv.checkImportStep(id)).done) steps++;
  return { id, steps: steps + 1, view: await csv.getImportView(workspaceId, id) };
}

async function commit(workspaceId: string, importId: string, mode: "ALL" | "VALID_ONLY" = "ALL") {
  await csv.startCommit({ workspaceId, importId, mode, send });
  while (!(await csv.writeImportStep(importId)).done);
  await csv.finishImport(importId);
  return csv.getImportView(workspaceId, importId);
}

const dealsOf = (workspaceId: string) =>
  db.deal.findMany({ where: { workspaceId }, orderBy: { externalId: "asc" }, include: { contacts: { orderBy: { email: "asc" } } } });

describe("rules", () => {
  it("matches headers forgivingly: case, spaces, punctuation, common aliases; the first of two wins", () => {
    const m = rules.mapHeaders([
      "  EXTERNAL_ID ",
      "Deal Name",
      "deal stage",
      "Value ($)",
      "Close-Date",
      "Owner E-mail",
      "Company",
      "Opportunity ID",
      "Account Id",
      "Contacts",
      "Notes",
      "Name",
    ]);
    expect(m.missing).toEqual([]);
    expect(m.fieldIndex).toEqual({
      externalId: 0,
      name: 1,
      stage: 2,
      amount: 3,
      closeDate: 4,
      ownerEmail: 5,
      accountName: 6,
      crmDealId: 7,
      crmAccountId: 8,
      contactEmails: 9,
    });
    expect(m.columns[10]).toMatchObject({ header: "Notes", field: null, note: expect.stringMatching(/ignored/) });
    expect(m.columns[11]).toMatchObject({ header: "Name", field: null, note: expect.stringMatching(/"Deal Name" is already read as Name/) });
    expect(rules.mapHeaders(["Name", "Amount"]).missing).toEqual(["externalId", "stage"]);
  });

  it("reads amounts, dates, currencies and contact lists, and says how to fix each bad value", () => {
    expect(rules.parseAmount("12,500.5")).toBe("12500.50");
    expect(rules.parseAmount("$900")).toBe("900.00");
    expect(rules.parseAmount("12.500,00")).toBeNull();
    expect(rules.parseAmount("-5")).toBeNull();
    expect(rules.parseDate("2026-02-29")).toBeNull();
    expect(rules.parseDate("2028-02-29")).toBe("2028-02-29");
    expect(rules.parseDate("2026/3/4")).toBe("2026-03-04");
    expect(rules.parseDate("03/04/2026")).toBeNull();
    expect(rules.parseContacts("Ana@X.com; Ben Li <ben@y.com>, ana@x.com | c@z.io").contacts).toEqual([
      { email: "ana@x.com", name: "ana@x.com" },
      { email: "ben@y.com", name: "Ben Li" },
      { email: "c@z.io", name: "c@z.io" },
    ]);
    const idx = rules.mapHeaders(HEADER.split(",")).fieldIndex;
    const bad = rules.checkRow(
      ["", "N", "Open", "12 dollars", "EURO", "31/12/2026", "nobody", "", "bad id!", "", "ana@x.com; not-an-email"],
      idx,
      () => true,
      11,
    );
    expect(bad.issues.map((i) => [i.column, i.level])).toEqual([
      ["External ID", "error"],
      ["Amount", "error"],
      ["Currency", "error"],
      ["Close date", "error"],
      ["Owner email", "error"],
      ["CRM deal ID", "error"],
      ["Contact emails", "error"],
    ]);
    for (const i of bad.issues) expect(i.fix.length).toBeGreaterThan(10);
    const warned = rules.checkRow(["x1", "N", "Closed Won", "", "", "", "ghost@x.com", "", "", "", ""], idx, () => false, 11);
    expect(warned.issues).toEqual([expect.objectContaining({ column: "Owner email", level: "warning" })]);
    expect(warned.values).toMatchObject({ ownerEmail: null, isClosed: true, currency: "USD" });
  });

  it("names files that are not CSV text", () => {
    expect(rules.sniffFile(Buffer.from("PK\u0003\u0004rest"))).toMatch(/Excel workbook/);
    expect(rules.sniffFile(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toMatch(/UTF-16/);
    expect(rules.sniffFile(Buffer.from([0x41, 0x00, 0x42]))).toMatch(/binary/);
    expect(rules.sniffFile(Buffer.from("a,b\n"))).toBeNull();
    expect(rules.detectDelimiter('"a;b",c,d')).toBe(",");
    expect(rules.detectDelimiter("a;b;c")).toBe(";");
  });
});

describe("import", () => {
  it("previews per-row errors (row, column, problem, fix) and writes nothing while any row has an error", async () => {
    const { workspace, admin } = await createWorkspace("Csv");
    const file = [
      HEADER,
      "D-1,Acme renewal,Discovery,1000,USD,2026-05-01,,Acme,,,",
      "D-2,,Proposal,abc,USD,2026-13-01,,Beta,,,",
      "D-1,Again,Proposal,,,,,,,,",
    ].join("\n");
    const { id, view } = await upload(workspace.id, admin.id, file);
    expect(view).toMatchObject({ status: "READY", totalRows: 3, errorRows: 2 });
    expect(view.mapping.filter((c) => c.field).length).toBe(11);
    const rows = view.issues.rows;
    expect(rows.map((r) => r.rowNumber)).toEqual([3, 4]);
    expect(rows[0]!.issues.map((i) => i.column)).toEqual(["Name", "Amount", "Close date"]);
    expect(rows[1]!.issues).toEqual([expect.objectContaining({ column: "External ID", message: 'External ID "D-1" is also on row 2.' })]);
    await expect(csv.startCommit({ workspaceId: workspace.id, importId: id, mode: "ALL", send })).rejects.toThrow(
      /2 rows have errors, so nothing was imported/,
    );
    expect(await db.deal.count({ where: { workspaceId: workspace.id } })).toBe(0);
    expect(sent.filter((e) => e.name === "callsync/deals.import")).toHaveLength(1); // the check only
    // Importing only the valid rows is an explicit choice, and writes exactly those.
    const done = await commit(workspace.id, id, "VALID_ONLY");
    expect(done).toMatchObject({ status: "DONE", createdDeals: 1, skippedRows: 2, writtenRows: 1 });
    expect((await dealsOf(workspace.id)).map((d) => d.name)).toEqual(["Acme renewal"]);
  });

  it("upserts by external id (idempotent), sets contacts lower-case, matches owners, keeps unmapped columns", async () => {
    const { workspace, admin, member } = await createWorkspace("Csv");
    const memberEmail = member.email.toUpperCase();
    const file = [
      HEADER,
      `A-1,Alpha,Negotiation,"12,500.00",eur,2026-06-30,${memberEmail},Alpha Inc,006Dn00000Acm01IAB,001Dn00000Acm01IAB,"Ana@Alpha.com; Ben <ben@alpha.com>"`,
      `A-2,Beta,Closed Lost,,,,ghost@nowhere.test,Beta Ltd,,,`,
    ].join("\r\n");
    const first = await upload(workspace.id, admin.id, file);
    expect(first.view).toMatchObject({ status: "READY", errorRows: 0, warningRows: 1 });
    expect(first.view.issues.kind).toBe("warnings");
    expect(first.view.issues.rows[0]!.issues[0]!.message).toMatch(/imported without an owner/);
    expect(await commit(workspace.id, first.id)).toMatchObject({ status: "DONE", createdDeals: 2, updatedDeals: 0 });
    const deals = await dealsOf(workspace.id);
    expect(deals.map((d) => [d.externalId, d.name, d.stage, d.isClosed, d.amount?.toString(), d.currency, d.ownerId, d.crmDealId])).toEqual([
      ["A-1", "Alpha", "Negotiation", false, "12500", "EUR", member.id, "006Dn00000Acm01IAB"],
      ["A-2", "Beta", "Closed Lost", true, undefined, "USD", null, null],
    ]);
    expect(deals[0]!.closeDate?.toISOString()).toBe("2026-06-30T00:00:00.000Z");
    expect(deals[0]!.contacts.map((c) => [c.email, c.name])).toEqual([
      ["ana@alpha.com", "ana@alpha.com"],
      ["ben@alpha.com", "Ben"],
    ]);

    // The same file again: no new deal, same ids.
    const again = await upload(workspace.id, admin.id, file);
    expect(await commit(workspace.id, again.id)).toMatchObject({ createdDeals: 0, updatedDeals: 2 });
    const same = await dealsOf(workspace.id);
    expect(same.map((d) => d.id)).toEqual(deals.map((d) => d.id));
    expect(await db.dealContact.count({ where: { workspaceId: workspace.id } })).toBe(2);

    // A file without amount/owner columns changes name and stage, leaves amount and owner; contacts follow the cell.
    const partial = await upload(workspace.id, admin.id, "external id;deal name;stage;contacts\nA-1;Alpha 2;Closed Won;carla@alpha.com\n");
    expect(partial.view.errorRows).toBe(0);
    await commit(workspace.id, partial.id);
    const a1 = (await dealsOf(workspace.id))[0]!;
    expect([a1.name, a1.stage, a1.isClosed, a1.amount?.toString(), a1.ownerId]).toEqual(["Alpha 2", "Closed Won", true, "12500", member.id]);
    expect(a1.contacts.map((c) => c.email)).toEqual(["carla@alpha.com"]);
  });

  it("refuses a CRM deal id another deal has, and leaves another workspace's deals alone", async () => {
    const { workspace, admin } = await createWorkspace("Csv");
    const other = await createWorkspace("Other");
    await db.deal.create({ data: { workspaceId: workspace.id, name: "Existing", stage: "Discovery", crmDealId: "X-9" } });
    const theirs = await db.deal.create({ data: { workspaceId: other.workspace.id, name: "Theirs", stage: "Discovery", externalId: "S-1", amount: 5 } });
    const { id, view } = await upload(workspace.id, admin.id, `${HEADER}\nS-1,Mine,Discovery,10,,,,,X-9,,\nS-2,Mine too,Discovery,10,,,,,,,`);
    expect(view.issues.rows[0]!.issues[0]!.message).toBe('CRM deal ID "X-9" already belongs to the deal "Existing".');
    await commit(workspace.id, id, "VALID_ONLY");
    expect(await db.deal.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ name: "Theirs", externalId: "S-1" });
    expect(await db.deal.count({ where: { workspaceId: other.workspace.id } })).toBe(1);
    expect((await dealsOf(workspace.id)).map((d) => d.name).sort()).toEqual(["Existing", "Mine too"]);
  });

  it.each([
    ["binary (xlsx)", Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(64, 1)]), /Excel workbook/],
    ["not UTF-8", Buffer.from(`${HEADER}\nW-1,Caf\xe9,Open,,,,,,,,\n`, "latin1"), /not UTF-8/],
    ["missing required columns", "Deal,Amount\nA,1\n", /no column for External ID, Stage/],
    ["unbalanced quotes", `${HEADER}\nQ-1,"Open quote,Open,,,,,,,,\nQ-2,B,Open,,,,,,,,\n`, /Row 2: a double quote opens a value that is never closed/],
    ["header only", `${HEADER}\n`, /no deal rows/],
  ])("a malformed file (%s) gets a readable message and writes nothing", async (_name, content, message) => {
    const { workspace, admin } = await createWorkspace("Csv");
    const { id, view } = await upload(workspace.id, admin.id, content as string | Buffer);
    expect(view.status).toBe("FAILED");
    expect(view.error).toMatch(message as RegExp);
    expect(await db.deal.count({ where: { workspaceId: workspace.id } })).toBe(0);
    expect(await db.dealImportChunk.count({ where: { importId: id } })).toBe(0);
    await expect(csv.startCommit({ workspaceId: workspace.id, importId: id, mode: "VALID_ONLY", send })).rejects.toThrow(/not waiting/);
  });

  it("one import runs at a time; a run that stopped making progress no longer blocks the next", async () => {
    const { workspace, admin } = await createWorkspace("Csv");
    const stuck = await db.dealImport.create({ data: { workspaceId: workspace.id, fileName: "a.csv", fileBytes: 10, status: "VALIDATING" } });
    await expect(csv.createImport({ workspaceId: workspace.id, userId: admin.id, fileName: "b.csv", fileBytes: 10 })).rejects.toThrow(/Another import/);
    await db.$executeRaw`UPDATE "DealImport" SET "updatedAt" = (now() AT TIME ZONE 'UTC') - interval '20 minutes' WHERE id = ${stuck.id}`;
    await csv.createImport({ workspaceId: workspace.id, userId: admin.id, fileName: "b.csv", fileBytes: 10 });
    expect(await db.dealImport.findUniqueOrThrow({ where: { id: stuck.id } })).toMatchObject({
      status: "FAILED",
      error: expect.stringMatching(/stopped without finishing/),
    });
  });

  it("refuses a file over the stated limit before any of it is stored", async () => {
    const { workspace, admin } = await createWorkspace("Csv");
    await expect(csv.createImport({ workspaceId: workspace.id, userId: admin.id, fileName: "big.csv", fileBytes: 26 * 1024 * 1024 })).rejects.toThrow(
      /the limit is 25 MB/,
    );
  });

  it("imports 50,000 rows in windows, with progress on the way", async () => {
    const { workspace, admin, member } = await createWorkspace("Csv");
    const lines = [HEADER];
    for (let i = 0; i < 50_000; i++) {
      lines.push(
        `B-${i},Deal ${i},${i % 5 === 0 ? "Closed Won" : "Discovery"},${(i * 7) % 90000}.50,USD,2026-0${(i % 9) + 1}-15,${member.email},Account ${i % 700},,,"c${i}@cust.test; d${i}@cust.test"`,
      );
    }
    const file = lines.join("\n");
    const t0 = performance.now();
    const { workspaceId, userId } = { workspaceId: workspace.id, userId: admin.id };
    const bytes = Buffer.from(file);
    const { id } = await csv.createImport({ workspaceId, userId, fileName: "big.csv", fileBytes: bytes.length });
    const size = rules.IMPORT_LIMITS.uploadChunkBytes;
    for (let i = 0, index = 0; i < bytes.length; i += size, index++)
      await csv.appendChunk({ workspaceId, importId: id, index, data: bytes.subarray(i, i + size), send });
    const t1 = performance.now();
    const progress: number[] = [];
    while (!(await csv.checkImportStep(id)).done) progress.push((await csv.getImportView(workspaceId, id)).parsedBytes);
    const t2 = performance.now();
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect((await csv.getImportView(workspaceId, id)).totalRows).toBe(50_000);
    await csv.startCommit({ workspaceId, importId: id, mode: "ALL", send });
    const written: number[] = [];
    while (!(await csv.writeImportStep(id)).done) written.push((await csv.getImportView(workspaceId, id)).writtenRows);
    await csv.finishImport(id);
    const t3 = performance.now();
    expect(written.slice(0, 3)).toEqual([5_000, 10_000, 15_000]);
    expect(await db.deal.count({ where: { workspaceId } })).toBe(50_000);
    expect(await db.dealContact.count({ where: { workspaceId } })).toBe(100_000);
    expect(await db.deal.count({ where: { workspaceId, ownerId: member.id, isClosed: true } })).toBe(10_000);
    console.log(
      `[deals-import] 50,000 rows (${(bytes.length / 1048576).toFixed(1)} MB): upload ${Math.round(t1 - t0)} ms, check ${Math.round(t2 - t1)} ms, write ${Math.round(t3 - t2)} ms, total ${Math.round(t3 - t0)} ms`,
    );
  }, 300_000);
});

describe("routes", () => {
  const origin = new URL(process.env.APP_URL!).origin;
  const post = (body: unknown) =>
    new Request("http://test/api/deals/import", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Origin: origin },
    });
  const params = <P>(p: P) => ({ params: Promise.resolve(p) });

  it("refuse a rep, a foreign origin and non-JSON bodies; an admin uploads, previews and imports through them", async () => {
    const { workspace, admin, member } = await createWorkspace("Csv");
    sessionUser.id = member.id;
    const refused = await createRoute.POST(post({ fileName: "d.csv", fileBytes: 10 }), params({}));
    expect(refused.status).toBe(403);
    expect((await createRoute.GET(new Request("http://test/api/deals/import"), params({}))).status).toBe(403);
    sessionUser.id = admin.id;
    const forged = new Request("http://test/api/deals/import", {
      method: "POST",
      body: JSON.stringify({ fileName: "d.csv", fileBytes: 10 }),
      headers: { "Content-Type": "application/json", Origin: "https://evil.test" },
    });
    expect((await createRoute.POST(forged, params({}))).status).toBe(403);
    const multipart = new Request("http://test/api/deals/import", { method: "POST", body: "x", headers: { "Content-Type": "text/csv", Origin: origin } });
    expect((await createRoute.POST(multipart, params({}))).status).toBe(415);

    const file = Buffer.from(`${HEADER}\nR-${uid()},Route deal,Discovery,,,,,,,,\n`);
    const created = await createRoute.POST(post({ fileName: "d.csv", fileBytes: file.length }), params({}));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const chunk = await chunkRoute.POST(post({ index: 0, data: file.toString("base64") }), params({ importId: id }));
    expect(await chunk.json()).toEqual({ receivedBytes: file.length, complete: true });
    expect(sent).toEqual([{ name: "callsync/deals.import", data: { workspaceId: workspace.id, importId: id, phase: "validate" } }]);
    while (!(await csv.checkImportStep(id)).done);
    const view = (await (await viewRoute.GET(new Request(`http://test/api/deals/import/${id}`), params({ importId: id }))).json()) as { status: string };
    expect(view.status).toBe("READY");
    // A rep cannot commit someone's import either.
    sessionUser.id = member.id;
    expect((await commitRoute.POST(post({ mode: "ALL" }), params({ importId: id }))).status).toBe(403);
    sessionUser.id = admin.id;
    expect((await commitRoute.POST(post({ mode: "SOME" }), params({ importId: id }))).status).toBe(400);
    expect((await commitRoute.POST(post({ mode: "ALL" }), params({ importId: id }))).status).toBe(200);
    // Another workspace's admin does not see it.
    const other = await createWorkspace("Other");
    sessionUser.id = other.admin.id;
    expect((await viewRoute.GET(new Request(`http://test/api/deals/import/${id}`), params({ importId: id }))).status).toBe(404);
    expect((await commitRoute.POST(post({ mode: "ALL" }), params({ importId: "../x" }))).status).toBe(404);
  });
});
