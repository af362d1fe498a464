# syntax=docker/dockerfile:1
# One image for the API (default command) and the worker (`node dist/apps/worker/src/main.js`).
# Multi-stage: compile with the dev dependencies, run with the production ones only, as a
# non-root user. No dependency needs an install script (npm 11 would block one anyway), so both
# stages install with --ignore-scripts: what runs in the image is what the lockfile pins.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY infra ./infra
# The API and worker, then the web page (apps/web, served by the API at / from dist/web).
RUN npm run build && npm run build:web

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# Owned by root and read-only to the service: only DATA_DIR and /app/integrity (checkpoint key and
# anchor file, when mounted there) are writable.
COPY --from=build /app/dist ./dist
COPY seeds ./seeds
RUN mkdir -p /app/data /app/integrity && chown node:node /app/data /app/integrity
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
