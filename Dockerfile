# One image recipe for every service of the repository; the app is a build argument.
# Build from the repository root (one npm workspace; the image needs the libs the app imports):
#   docker build --build-arg APP=threads-service --build-arg PORT=3002 \
#     -t concurrency-lab/threads-service:0.1.0 .
# docker-compose.yml builds each service with its APP and PORT (the model registry's).

# The app to build, install and start; each stage that reads it declares it again (Docker's rule
# for an ARG set before the first FROM).
ARG APP=async-service

# 1. Only the package manifests, so the dependency layers below stay cached until one changes
#    (COPY --from compares content: a source edit leaves this stage's output identical), and
#    what the root's lifecycle scripts run: the build stage's `npm ci` runs `postinstall` (`node
#    tools/postinstall.cjs`), which fails with "Cannot find module" if the file is gone
#    (observability/test/manifests-stage.test.ts holds the two together).
FROM node:24.21.0-slim AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -path ./tools/postinstall.cjs -delete \
  && find . -type d -empty -delete

# 2. Every dependency, then the sources, then the app and the libs it imports (Nx builds them).
FROM node:24.21.0-slim AS build
ARG APP
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
WORKDIR /repo
COPY --from=manifests /src ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run "${APP}:build" --outputStyle=static \
  && mkdir -p "/out/apps/${APP}" \
  && cp -r "apps/${APP}/package.json" "apps/${APP}/dist" "/out/apps/${APP}/" \
  && ln -s "apps/${APP}/dist/main.js" /out/main.js \
  && for lib in libs/*; do \
       if [ -d "$lib/dist" ]; then mkdir -p "/out/$lib" && cp -r "$lib/package.json" "$lib/dist" "/out/$lib/"; fi; \
     done

# 3. The app's production dependencies only, no install scripts. `--workspace` installs what the
#    app and the libs it declares need, not every workspace's (the lab's charts, the tooling).
#    `--omit=optional` too: the libs' /testing helpers name jest's globals as an optional peer,
#    which npm keeps under `--omit=dev` alone (a package both dev and optional); the service
#    itself needs no optional package (piscina's is for `niceIncrement`, which it does not use).
FROM node:24.21.0-slim AS prod-deps
ARG APP
WORKDIR /repo
COPY --from=manifests /src ./
RUN npm ci --workspace "apps/${APP}" --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# 4. The runtime: node_modules, the built app and libs — owned by root, run as `node`.
#    `main.js` links to the app's entry (Node resolves its imports from the real path).
FROM node:24.21.0-slim
ARG PORT=3001
ENV NODE_ENV=production HOST=0.0.0.0 PORT=${PORT}
WORKDIR /app
COPY --from=prod-deps /repo/package.json ./package.json
COPY --from=prod-deps /repo/node_modules ./node_modules
COPY --from=build /out ./
USER node
# No EXPOSE: it documents a fixed port, and this one is a build argument; compose maps the ports.
# Liveness with node itself (the slim image has no curl). No --start-period: dockerfilelint 1.8
# misreads that hyphenated flag; 6 retries 5 s apart already cover a start.
HEALTHCHECK --interval=5s --timeout=3s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "main.js"]
