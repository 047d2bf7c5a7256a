# syntax=docker/dockerfile:1.7
# Threshold decision service. Build: docker build -t threshold .
# Run:   docker run --rm -p 3000:3000 --read-only --tmpfs /tmp -v threshold-data:/data \
#          -e PUBLIC_URL=... -e OIDC_ISSUER=... -e OIDC_CLIENT_ID=... -e OIDC_CLIENT_SECRET=... threshold
# It listens on all interfaces, so it refuses to start without sign-in (see the README).

ARG NODE_VERSION=24

# --- build: install everything, compile TypeScript -------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime dependencies only -------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: compiled code, rules, data, contract; non-root; no write access needed -----------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root rules ./rules
COPY --chown=root:root data ./data
COPY --chown=root:root openapi ./openapi
COPY --chown=root:root public ./public
COPY --chown=root:root src/web/views ./src/web/views
COPY --chown=root:root migrations ./migrations
# Decision records: the embedded database lives on a volume the service's user may write; set
# DATABASE_URL instead to share a PostgreSQL database between instances. Its folder is inside the
# volume, so that its lock file (/data/records.lock) sits beside it on the volume too. Beyond the
# container's loopback a records key is required: RECORDS_KEY_FILE naming a mounted secret.
ENV THRESHOLD_DATA_DIR=/data/records
RUN mkdir /data && chown node:node /data
VOLUME /data
# The files belong to root and are read-only to the service's user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node receives SIGTERM directly (exec form): the service stops accepting and finishes requests.
CMD ["node", "dist/src/main.js"]
