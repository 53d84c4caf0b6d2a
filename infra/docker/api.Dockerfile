# Modelmarket API. Build from the repository root:
#   docker build -f infra/docker/api.Dockerfile -t modelmarket/api .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/tmp/modelmarket
WORKDIR /app
COPY --from=build /app /app
# Non-root; the root filesystem can be mounted read-only (writes go to DATA_DIR on /tmp).
USER 10001:10001
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4000/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations run as a separate step (`npx prisma migrate deploy`, e.g. a Kubernetes Job).
CMD ["node", "apps/api/dist/main.js"]
