#!/usr/bin/env bash
# CI: GraphiQL at / works with no network but this server. Headless Chromium loads the page
# from a server on the embedded default (a new data directory, a free port), runs
# { me { email } } with a demo token and the live KPI subscription (see graphiql.js).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIPPED the GraphiQL browser check: Node is not installed"
  exit 0
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "Chromium is not installed: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || ! command -v chromium >/dev/null 2>&1; then
    echo "SKIPPED the GraphiQL browser check: Debian's chromium could not be installed"
    exit 0
  fi
fi

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

start=$SECONDS
npm install --prefix "$tmp/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  playwright-core@1.65.1 >/dev/null
go build -o "$tmp/server" ./server
echo "playwright-core installed and the server built in $((SECONDS - start))s"

start=$SECONDS
PARTNERHUB_DATA_DIR="$tmp/data" PARTNERHUB_ADDR=127.0.0.1:0 PARTNERHUB_DEMO_CUSTOMERS=20 PARTNERHUB_DEMO_CALL_LEGS=100 \
  "$tmp/server" >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 120); do
  grep -q 'msg=listening' "$tmp/out" && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/out"; echo "the server ended before listening" >&2; exit 1; }
  sleep 0.5
done
grep -q 'msg=listening' "$tmp/out" || { cat "$tmp/out"; echo "the server did not listen within 60s" >&2; exit 1; }
url=$(sed -n 's/^GraphiQL: //p' "$tmp/out")
email=$(sed -n 's/^FULL_ADMIN token for \(.*\), expires .*/\1/p' "$tmp/out")
token=$(grep -A1 '^FULL_ADMIN token for ' "$tmp/out" | tail -1)
echo "the server seeded the demo and listens at $url after $((SECONDS - start))s"

start=$SECONDS
mkdir "$tmp/profile"
NODE_PATH="$tmp/node/node_modules" node .ci/graphiql.js "$url" "$token" "$email" "$tmp/profile"
echo "the browser check took $((SECONDS - start))s"
