"use client";
// Retry of one failed user's sync, shared by the wizard's Sync and Complete steps and the Manage page:
// which row is retrying (its button is disabled meanwhile) and a toast either way.
import { useState } from "react";
import { toast } from "@/components/ui/toast";
import { integrationAction } from "./api";

export function useRetry(slug: string, onRetried: () => unknown) {
  const [retrying, setRetrying] = useState<string | null>(null);
  const retry = async (userSyncId: string, label: string) => {
    setRetrying(userSyncId);
    try {
      await integrationAction(slug, "retry", { userSyncId });
      toast.success(`Retrying ${label}`);
      await onRetried();
    } catch (e) {
      toast.error(e instanceof Error ? e.message : "Could not retry. Try again.");
    } finally {
      setRetrying(null);
    }
  };
  return { retry, retrying };
}
