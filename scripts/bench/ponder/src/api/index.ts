/**
 * The bench's one question to Ponder's database: how many events it stored (checked against the
 * events the bench generated). Ponder serves `/ready`, `/status` and `/metrics` itself.
 */
import { Hono } from "hono";
import { count } from "ponder";
import { db } from "ponder:api";
import { event } from "ponder:schema";

const app = new Hono();

app.get("/bench/events", async (c) => {
  const [row] = await db.select({ events: count() }).from(event);
  return c.json({ events: row?.events ?? 0 });
});

export default app;
