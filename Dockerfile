# Build: compile TypeScript, then keep only production dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json main.ts ./
COPY runtime runtime
COPY actors actors
COPY http http
COPY test test
RUN npx tsc -p . && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
EXPOSE 8015
# Runs as root by default so that it can read the mounted Docker socket (root:docker 660 on most hosts).
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8015/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A small young generation (2 MB semi-spaces) keeps RSS inside the 128 MB the
# service is specified for (npm start uses the same young-generation size; see README, Performance).
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=96", "dist/main.js"]
