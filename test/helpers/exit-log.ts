/**
 * Run as its own process (`node --import tsx test/helpers/exit-log.ts N`): logs N access records to
 * stdout through the proxy's own logger and exits in the same tick, so every line still held in memory
 * must be written by the exit flush.
 */
import { createAccessLog, createLogger } from "../../src/logging/logger.js";
import { accessRecord } from "./access-record.js";

const count = Number(process.argv[2] ?? 3);
const accessLog = createAccessLog(createLogger("info"));
for (let i = 0; i < count; i++) accessLog(accessRecord(`exit-${i}`));
process.exit(0);
