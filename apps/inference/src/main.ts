import pino from "pino";
import { loadInferenceEnv } from "./env";
import { assertExecutionProvider } from "./execution-provider";
import { startInference } from "./server";

async function main() {
  const env = loadInferenceEnv();
  const logger = pino({ level: env.LOG_LEVEL, base: { service: "inference" } });
  assertExecutionProvider(env.INFERENCE_EXECUTION_PROVIDER);
  const tier = await startInference(env, logger);
  logger.info({ url: tier.url, provider: env.INFERENCE_EXECUTION_PROVIDER }, "inference tier listening");
  const stop = async () => {
    await tier.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
