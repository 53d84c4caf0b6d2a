import pino from "pino";
import { loadInferenceEnv } from "./env";
import { assertExecutionProvider } from "./execution-provider";
import { checkGpuSettings, readGpuInventory } from "./gpu";
import { startInference } from "./server";

async function main() {
  const env = loadInferenceEnv();
  const logger = pino({ level: env.LOG_LEVEL, base: { service: "inference" } });
  assertExecutionProvider(env.INFERENCE_EXECUTION_PROVIDER);
  if (env.gpu) {
    // An unknown device or a cap larger than the device stops the start with what is wrong.
    const problems = checkGpuSettings(env.gpu, await readGpuInventory());
    if (problems.length) throw new Error(problems.join("\n"));
  }
  const tier = await startInference(env, logger);
  logger.info(
    { url: tier.url, provider: env.INFERENCE_EXECUTION_PROVIDER, gpu: env.gpu ?? undefined },
    "inference tier listening",
  );
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
