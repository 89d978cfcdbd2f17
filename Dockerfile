# logagg image: a build stage that compiles TypeScript (and native addons from source), and a runtime
# stage with production dependencies and the compiled service only, run as a non-root user.
#
#   docker build --build-arg DOCKER_GID=$(stat -c %g /var/run/docker.sock) -t logagg .
#
# NODE_IMAGE / BUILD_IMAGE: the runtime and build bases (the image test swaps in stand-ins made from
# the test machine's node, as there is no registry there). INSTALL_TOOLCHAIN=0 skips apt-get when the
# build base already carries python3, make and g++.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG BUILD_IMAGE=node:20-bookworm-slim

FROM ${BUILD_IMAGE} AS build
# Native addons (better-sqlite3) are compiled here rather than downloaded: prebuilt binaries cannot be
# fetched everywhere. The toolchain stays in this stage; the runtime stage never has it.
ARG INSTALL_TOOLCHAIN=1
# A CA bundle for npm behind a TLS-inspecting proxy (a path inside the build base), e.g. /etc/ssl/certs/ca-certificates.crt.
ARG NODE_EXTRA_CA_CERTS=
WORKDIR /app
RUN if [ "$INSTALL_TOOLCHAIN" = 1 ]; then \
      apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*; \
    fi
COPY package.json package-lock.json ./
# nodedir: the headers the node image ships in /usr/local/include/node (no download from nodejs.org).
RUN npm_config_build_from_source=true npm_config_nodedir=/usr/local npm ci --build-from-source --no-audit --no-fund
# The sources .dockerignore lets in: main.ts, runtime, actors, http (with the web page), the tsconfigs, the healthcheck, the page build.
COPY . .
# The service only (tsconfig.build.json: no tests, no bench), then production dependencies only, without
# the intermediates of native builds (~20 MB for better-sqlite3), gathered in /out so that the runtime
# stage takes them in one layer.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json && node scripts/build-ui.mjs \
    && cp scripts/healthcheck.mjs dist/ && rm -f dist/.tsbuildinfo* \
    && npm prune --omit=dev --no-audit --no-fund \
    && find node_modules -path '*/build/Release/*' \( -name obj -o -name obj.target -o -name .deps -o -name '*.a' \) -prune -exec rm -rf {} + \
    && mkdir /out && mv package.json node_modules dist /out/

FROM ${NODE_IMAGE}
# The GID of the Docker socket's group on the host (stat -c %g /var/run/docker.sock). The service's
# user joins a group with this GID; without it, add the group at run time (compose group_add).
ARG DOCKER_GID=999
# Two malloc arenas instead of one per thread: freed native memory (SQLite, message buffers, sockets)
# is reused instead of held per thread; measured 5-10 MB lower peaks in a 128 MB cgroup.
ENV NODE_ENV=production LOG_AGGREGATOR_PORT=8015 DATA_DIR=/data MALLOC_ARENA_MAX=2
WORKDIR /app
# The user `node` (uid 1000, in the node images) joins the socket's group, created as `docker` unless
# the base already has a group with that GID; /data (the store) is the user's.
RUN awk -F: -v OFS=: -v gid="$DOCKER_GID" -v user=node ' \
      $3 == gid { found = 1; $4 = ($4 == "" ? user : $4 "," user) } \
      $1 == "docker" && $3 != gid { taken = 1 } \
      { print } \
      END { if (!found) print (taken ? "docker-host" : "docker"), "x", gid, user }' /etc/group > /tmp/group \
    && cat /tmp/group > /etc/group && rm /tmp/group \
    && mkdir -p /data && chown node:node /data
# Owned by root and read-only to the service: it writes nothing but /data.
COPY --from=build /out /app
USER node
EXPOSE 8015
# Liveness, not health: /health answers 503 while Docker is away, and restarting would not bring it
# back but would drop what the service holds. Follows LOG_AGGREGATOR_PORT (and _HOST when it is not a wildcard).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/healthcheck.mjs"]
# A small young generation (2 MB semi-spaces) and an old generation collected before 96 MB keep RSS
# inside the 128 MB the service is specified for (npm start uses the same flags; see README, Performance).
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=64", "dist/main.js"]
