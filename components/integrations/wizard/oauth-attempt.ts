"use client";
// One OAuth attempt of the wizard, shared by the Connect and Authorize steps: started on a click (the
// consent tab is opened right away so the browser does not block it), kept in sessionStorage so a reload
// or the return from the provider finds it again, and the consent tab kept outside React state (it is not
// rendered; Authorize only asks whether it was closed).
import { useState } from "react";
import { integrationAction } from "../api";

export type OAuthAttempt = { state: string; url: string; startedAt: number };

const storageKey = (slug: string) => `callsync.oauth.${slug}`;

export function loadAttempt(slug: string): OAuthAttempt | null {
  try {
    const raw = window.sessionStorage.getItem(storageKey(slug));
    return raw ? (JSON.parse(raw) as OAuthAttempt) : null;
  } catch {
    return null;
  }
}

export function forgetAttempt(slug: string) {
  window.sessionStorage.removeItem(storageKey(slug));
}

/** The consent tab of the current attempt, by provider slug. */
export const popups = new Map<string, Window | null>();

/** Starts an attempt and opens the consent page in a new tab (opened on the click so it is not blocked). */
async function startAttempt(slug: string): Promise<{ attempt: OAuthAttempt; popup: Window | null }> {
  const popup = window.open("about:blank", "_blank");
  try {
    const { state, authorizationUrl } = await integrationAction<{ state: string; authorizationUrl: string }>(slug, "oauth");
    const attempt = { state, url: authorizationUrl, startedAt: Date.now() };
    window.sessionStorage.setItem(storageKey(slug), JSON.stringify(attempt));
    if (popup && !popup.closed) popup.location.href = authorizationUrl;
    return { attempt, popup };
  } catch (e) {
    popup?.close();
    throw e;
  }
}

/**
 * "Connect with X" and "Try again": start an attempt, remember its consent tab, then `onStarted`; `busy`
 * while it starts, `error` (the message to show) when it could not.
 */
export function useStartAttempt(slug: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async (onStarted: (attempt: OAuthAttempt) => void) => {
    setBusy(true);
    setError(null);
    try {
      const { attempt, popup } = await startAttempt(slug);
      popups.set(slug, popup);
      onStarted(attempt);
    } catch (e) {
      setError(e instanceof Error ? e.message : "Could not start the authorization. Try again.");
    } finally {
      setBusy(false);
    }
  };
  return { start, busy, error };
}
