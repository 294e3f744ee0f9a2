import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../lib/demo/data";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/deals/);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Makes a Playwright request context send what a browser page of the app sends with every change
 * (lib/http.ts refuses changes without them): `Origin` and `Sec-Fetch-Site: same-origin`, and, like
 * components/lib/api-client.ts, `Content-Type: application/json` on a change without a body. A request
 * that sets Origin or Sec-Fetch-Site itself (a forged-origin case) or a body type of its own is sent as it is.
 * Reads are untouched. Returns the same context, changed in place.
 */
export function browserLike<C extends APIRequestContext>(ctx: C, appOrigin: string): C {
  const marked = ctx as C & { __browserLike?: true };
  if (marked.__browserLike) return ctx;
  const origin = new URL(appOrigin).origin;
  const fetch = ctx.fetch.bind(ctx);
  ctx.fetch = (urlOrRequest, options = {}) => {
    const method = (options.method ?? (typeof urlOrRequest === "string" ? "GET" : urlOrRequest.method())).toUpperCase();
    if (SAFE_METHODS.has(method)) return fetch(urlOrRequest, options);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
    if (!has("origin") && !has("sec-fetch-site")) Object.assign(headers, { Origin: origin, "Sec-Fetch-Site": "same-origin" });
    const bodiless = options.data === undefined && options.form === undefined && options.multipart === undefined;
    if (bodiless && !has("content-type")) headers["Content-Type"] = "application/json";
    return fetch(urlOrRequest, { ...options, headers });
  };
  marked.__browserLike = true;
  return ctx;
}
