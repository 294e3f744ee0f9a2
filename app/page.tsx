import { redirect } from "next/navigation";
import { connection } from "next/server";
import { hasAnyWorkspace } from "@/lib/accounts/signup";

export default async function Home() {
  await connection(); // per request, never at build time
  redirect((await hasAnyWorkspace()) ? "/deals" : "/signup");
}
