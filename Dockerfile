# Gafus: build the client bundle, compile one binary, run it on slim Debian with ffmpeg.
# Build:  docker build -t gafus .
# Run:    docker run -p 8000:8000 -v gafus-data:/data -e SESSION_SECRET=… -e VIDEO_SECRET=… \
#           -e PUBLIC_URL=https://gafus.example gafus   (production needs these; see README)

# --- 1. install: Deno from npm and the npm dependencies (cached layer) ------------
FROM node:20-bookworm-slim AS install
RUN npm install -g deno@2.9.6
WORKDIR /app
COPY deno.json deno.lock ./
# Resolve and download every npm package once, so later layers are offline.
RUN deno install --frozen

# --- 2. build: manifest + islands bundle, checks ---------------------------------
FROM install AS build
COPY . .
RUN deno task build && deno run -A framework/build.ts --check

# --- 3. compile: one self-contained executable -----------------------------------
FROM build AS compile
RUN deno compile -A --unstable-kv --unstable-cron \
      --include static --include _fresh --include deno.json \
      --output /out/gafus main.ts

# --- 4. runtime: slim Debian with ffmpeg, non-root, data on a volume --------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin gafus \
 && mkdir -p /data && chown gafus:gafus /data
COPY --from=compile /out/gafus /usr/local/bin/gafus
USER gafus
WORKDIR /data
ENV DATA_DIR=/data PORT=8000 HOST=0.0.0.0 GAFUS_ENV=production
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
ENTRYPOINT ["/usr/local/bin/gafus"]
CMD ["serve"]
