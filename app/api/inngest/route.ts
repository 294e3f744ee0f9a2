// Inngest serve endpoint: GET (introspection), PUT (sync), POST (execution), only for the app's runtime.
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { guardServeHandler } from "@/inngest/serve-guard";

const handlers = serve({ client: inngest, functions });

export const GET = guardServeHandler(handlers.GET);
export const POST = guardServeHandler(handlers.POST);
export const PUT = guardServeHandler(handlers.PUT);
