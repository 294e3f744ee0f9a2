"use client";
// The workspace switcher (a user in several workspaces): the choice is stored server-side (cookie +
// lastWorkspaceId), then the whole app reloads in the chosen workspace.
import { useState } from "react";
import { toast } from "@/components/ui/toast";
import { ApiError, apiClient } from "@/components/lib/api-client";

const request = apiClient({
  network: "We could not reach Callsync. Check your connection and try again.",
  status: { 404: "You are no longer a member of that workspace." },
  other: (status) => `Switching failed (HTTP ${status}). Please try again.`,
});

export function WorkspaceSwitcher({ current, workspaces }: { current: string; workspaces: Array<{ id: string; name: string }> }) {
  const [value, setValue] = useState(current);
  const [pending, setPending] = useState(false);
  return (
    <select
      aria-label="Workspace"
      value={value}
      disabled={pending}
      onChange={async (e) => {
        const workspaceId = e.target.value;
        setValue(workspaceId);
        setPending(true);
        try {
          await request("/api/workspace/current", { method: "POST", body: { workspaceId } });
          window.location.assign(new URL("/deals", window.location.origin).href);
        } catch (err) {
          setValue(current);
          setPending(false);
          toast.error(err instanceof ApiError ? err.message : "Switching failed. Please try again.");
        }
      }}
      className="max-w-[14rem] truncate rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-700"
    >
      {workspaces.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </select>
  );
}
