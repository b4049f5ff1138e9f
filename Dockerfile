# syntax=docker/dockerfile:1
# Aime Runtime image: every service compiled to JavaScript, run by plain node as a non-root user.
#   docker build -t aime .                  then   docker compose up   (see docs/deploy.md)
# One image for all services: the command picks one (default: everything in one process).

# Build: full install, compile every workspace (dist/) and the dashboard, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.base.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY services ./services
COPY plugins ./plugins
COPY apps ./apps
COPY tests/package.json ./tests/package.json
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf /root/.npm

# Run: the built tree only, owned by root and read-only to the `node` user that runs it.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    AIME_HOST=0.0.0.0 \
    AIME_PORT=7400
WORKDIR /app
COPY --from=build /app /app
# npm start's own redis-server and mission workspaces live under .aime: the one writable folder.
RUN mkdir -p /app/.aime && chown node:node /app/.aime
USER node
EXPOSE 7400
# The API's liveness; the worker services (no HTTP) disable it in docker-compose.yml.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.AIME_PORT || 7400) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--conditions=compiled", "apps/aime/dist/main.js"]
