import pino from "pino";
import { loadInferenceEnv } from "../src/env";
import { type RunningInference, startInference } from "../src/server";

/**
 * A tier as `npm start` runs it, for a test: on a free port, serving the models stored under
 * `dataDir` (storeModel), answering the API's `secret`; `env` adds or overrides variables
 * (INFERENCE_SOCKET, INFERENCE_CONCURRENCY, …). Its logs are silent unless `logLevel` says.
 */
export function startTestTier(
  dataDir: string,
  secret: string,
  env: Record<string, string> = {},
  logLevel = "silent",
): Promise<RunningInference> {
  return startInference(
    loadInferenceEnv({ DATA_DIR: dataDir, INFERENCE_PORT: "0", INFERENCE_SHARED_SECRET: secret, ...env }),
    pino({ level: logLevel }),
  );
}
