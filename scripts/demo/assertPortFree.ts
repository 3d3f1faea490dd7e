import { createServer } from "node:net";

import { CliError } from "../cli/CliError.js";

/**
 * Fails early, before anything is started or deleted, when `host:port` cannot be listened on, so a
 * busy port is reported in one line instead of after the chain is up. Port 0 always passes.
 *
 * @throws {CliError} naming the port, what it is for, and (`hint`) the setting that moves it.
 */
export async function assertPortFree({
  host,
  port,
  purpose,
  hint,
}: {
  host: string;
  port: number;
  purpose: string;
  hint: string;
}): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new CliError(
          error.code === "EADDRINUSE"
            ? `port ${port} on ${host} is in use, so ${purpose} cannot listen there`
            : `${purpose} cannot listen on ${host}:${port} (${error.code ?? error.message})`,
          { hint: `stop what holds it (another \`npm start\`?) or ${hint}` },
        ),
      );
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
