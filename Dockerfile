# syntax=docker/dockerfile:1
# One Dockerfile for every marketpipe image; the workspace package and its entry file are build args:
#   docker build --build-arg PACKAGE=services/capture-spot -t marketpipe/capture-spot:0.1.0 .
#   docker build --build-arg PACKAGE=libs/binance-sim --build-arg ENTRY=dist/cli.js -t marketpipe/binance-sim:0.1.0 .
#   docker build --build-arg PACKAGE=libs/bus --build-arg ENTRY=dist/provision-cli.js -t marketpipe/provision:0.1.0 .
# docker-compose.yml builds all of them. test/deploy/dockerfile.test.ts checks the rules below.

# Node 24 like CI (.nvmrc, engines); a version tag because digests cannot be resolved offline here.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=12.21.0
# pnpm pinned like .ci/run; npm is the only installer the base image has.
RUN npm install --global --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /src
# The store is filled from the lockfile alone, so this layer survives source edits. The patches
# pnpm-workspace.yaml names come with it (kafkajs: see patches/).
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY patches ./patches
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
ARG PACKAGE=services/capture-spot
# Build the package and the workspace libraries it depends on, then copy it out with its
# production dependencies only (workspace libraries injected with their dist/ and schemas/).
RUN pnpm --filter "{./${PACKAGE}}..." build \
  && pnpm --filter "./${PACKAGE}" deploy --prod /out \
  && rm -rf /out/src /out/test /out/tsconfig*.json /out/pnpm-lock.yaml /out/pnpm-workspace.yaml
ARG ENTRY=dist/main.js
# One stable entry path whatever the package: compose and k8s pass only arguments.
RUN test -f "/out/${ENTRY}" && ln -s "${ENTRY}" /out/entry.js

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /out /app
# The base image's unprivileged `node` user, by uid so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# Services stop cleanly on SIGTERM within 10 s (producer flushed, consumers left their groups).
STOPSIGNAL SIGTERM
# /healthz of the ops server; slim images have no curl, Node's fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/entry.js"]
