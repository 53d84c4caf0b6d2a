# Modelmarket inference tier for GPU pools: CUDA 12 + cuDNN 9 runtime, onnxruntime-node with its
# CUDA execution provider (downloaded by onnxruntime-node's install script at image build; the
# root package.json's allowScripts denies that script everywhere else). Not built by the tests: these machines have no
# GPU and no registry but npm's. Same entry point, user and health check as the CPU image.
#   docker build -f infra/docker/inference-gpu.Dockerfile -t modelmarket/inference-gpu .
# Run with the NVIDIA container runtime (the device plugin on Kubernetes) and
# INFERENCE_EXECUTION_PROVIDER=cuda; docs/deploy.md ("GPU pools") lists the settings.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# allowScripts denies onnxruntime-node's install script; this build runs it by hand, for CUDA 12.
RUN npm ci --no-audit --no-fund \
 && ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so \
 && npx tsc -b && npm prune --omit=dev

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
# Node from the official image (same glibc family; no curl | bash).
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production INFERENCE_HOST=0.0.0.0 INFERENCE_PORT=4001 DATA_DIR=/tmp/modelmarket \
    INFERENCE_EXECUTION_PROVIDER=cuda NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
WORKDIR /app
COPY --from=build /app /app
USER 10001:10001
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4001/v2/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/inference/dist/main.js"]
