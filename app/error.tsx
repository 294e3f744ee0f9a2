"use client";

import { useEffect } from "react";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-red-600">Error</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-2 max-w-md text-sm text-slate-600">
        We could not load this page. Try again; if it keeps happening, tell your admin
        {error.digest ? (
          <>
            {" "}
            and mention reference <code className="font-mono">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <button onClick={reset} className="mt-6 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700">
        Try again
      </button>
    </main>
  );
}
