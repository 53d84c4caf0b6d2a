# Modelmarket portal (Next.js standalone server). Build from the repository root:
#   docker build -f infra/docker/web.Dockerfile -t modelmarket/web .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
 && NEXT_OUTPUT=standalone NEXT_TELEMETRY_DISABLED=1 npx next build apps/web

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOSTNAME=0.0.0.0 NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
# Only the traced server and its static files: no sources, no dev dependencies.
COPY --from=build /app/apps/web/.next/standalone ./
COPY --from=build /app/apps/web/.next/static ./apps/web/.next/static
COPY --from=build /app/apps/web/server-guard.cjs ./apps/web/server-guard.cjs
# Non-root; with a read-only root filesystem, mount a writable /app/apps/web/.next/cache.
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/icon.svg').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Needs API_URL, NEXTAUTH_URL, NEXTAUTH_SECRET (and PUBLIC_API_URL for the code snippets).
# server-guard.cjs: the visitor's address from the socket (WEB_TRUSTED_PROXY_HOPS), next-auth body cap.
CMD ["node", "--require", "./apps/web/server-guard.cjs", "apps/web/server.js"]
