import { expect } from "chai";

import { BaseError } from "../../../server/internal/BaseError.js";
import { createLogger, type LogRecord } from "../../../server/internal/createLogger.js";

describe("createLogger", function () {
  it("writes records at or above its level, with bindings, bigints as strings and errors as objects", function () {
    const records: LogRecord[] = [];
    const logger = createLogger({ level: "info", sink: (r) => records.push(r) }).child({ component: "sync" });
    logger.debug("dropped");
    const error = new BaseError("the node said no", { details: "do this next", cause: new Error("socket hang up") });
    logger.warn("something failed", { block: 12n, error });
    expect(records).to.have.length(1);
    const { time, ...rest } = records[0]!;
    expect(time).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(rest).to.deep.equal({
      level: "warn",
      msg: "something failed",
      component: "sync",
      block: "12",
      error: {
        name: "BaseError",
        shortMessage: "the node said no",
        details: "do this next",
        cause: { name: "Error", message: "socket hang up" },
      },
    });
  });

  it("logs nothing when silent", function () {
    const records: LogRecord[] = [];
    const logger = createLogger({ level: "silent", sink: (r) => records.push(r) });
    logger.error("nope");
    expect(records).to.deep.equal([]);
  });
});
