# Modelmarket inference tier (CPU). GPU pools use inference-gpu.Dockerfile (CUDA 12 + cuDNN 9 and
# onnxruntime-node's CUDA provider; docs/deploy.md).
#   docker build -f infra/docker/inference.Dockerfile -t modelmarket/inference .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production INFERENCE_HOST=0.0.0.0 INFERENCE_PORT=4001 DATA_DIR=/tmp/modelmarket
WORKDIR /app
COPY --from=build /app /app
USER 10001:10001
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4001/v2/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/inference/dist/main.js"]
