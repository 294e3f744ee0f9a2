import type { Metadata } from "next";
import Link from "next/link";
import { WhyCallForm } from "@/components/calls/why-call-form";
import { requirePageSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Can't find a call?" };

export default async function FindCallPage() {
  const session = await requirePageSession("/calls/find");
  const isAdmin = session.role === "ADMIN";
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/deals" className="hover:underline">
          Deals
        </Link>{" "}
        <span aria-hidden>/</span> <span>Can&apos;t find a call?</span>
      </nav>
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Why isn&apos;t my call here?</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Paste the call&apos;s link or id from Gong, Salesloft or Clari Copilot, or give its day and a participant&apos;s email, and Callsync says what
          happened to it.
          {isAdmin ? "" : " You can look up calls you took part in."}
        </p>
      </header>
      <WhyCallForm isAdmin={isAdmin} />
    </div>
  );
}
