// POST: Reconnect the CRM (after Reconnect required or a Disconnect): the same as connect, same body and answer.
export { POST, GET } from "../connect/route";
export const dynamic = "force-dynamic";
