// The bundled local runtime talks to the app's serve endpoint in Inngest's dev mode, which accepts
// unsigned requests. So the launcher gives the runtime and the app one shared key, the runtime sends it
// on every request to the app, and the app's serve route refuses requests without it. (With Inngest
// Cloud or a self-hosted server the SDK checks request signatures with INNGEST_SIGNING_KEY instead.)
export const RUNTIME_KEY_HEADER = "x-callsync-runtime-key";
