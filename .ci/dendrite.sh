#!/usr/bin/env bash
# Builds Dendrite (github.com/matrix-org/dendrite, Apache-2.0), the Matrix
# homeserver the matrixclient tests run on loopback, into a cache keyed by
# version, and prints the directory that holds its binaries (dendrite,
# generate-keys, generate-config). A second call finds them and builds
# nothing. It builds outside gavel's module (from a temporary directory,
# GOWORK=off), so Dendrite's dependencies never enter gavel's go.mod, and
# without cgo (pure-Go SQLite), so no C compiler is needed.
#
#   bash .ci/dendrite.sh            # build if missing, print the bin directory
#
# GAVEL_DENDRITE_CACHE overrides the cache root (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/gavel/dendrite).
set -euo pipefail
version=v0.13.8
root="${GAVEL_DENDRITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gavel/dendrite}"
bin="$root/$version/bin"
have() { [ -x "$bin/dendrite" ] && [ -x "$bin/generate-keys" ] && [ -x "$bin/generate-config" ]; }
if have; then echo "$bin"; exit 0; fi
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
mkdir -p "$root"
# One build at a time: test packages may ask for it at once.
exec 9>"$root/.lock"
if command -v flock >/dev/null; then flock 9; fi
if have; then echo "$bin"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "dendrite.sh: building Dendrite $version (about 90 s)" >&2
(
  cd "$work"
  GOWORK=off GOFLAGS=-mod=mod GOBIN="$work/bin" CGO_ENABLED=0 \
    go install \
      "github.com/matrix-org/dendrite/cmd/dendrite@$version" \
      "github.com/matrix-org/dendrite/cmd/generate-keys@$version" \
      "github.com/matrix-org/dendrite/cmd/generate-config@$version" >&2
)
mkdir -p "$root/$version"
rm -rf "$bin"
mv "$work/bin" "$bin"
echo "$bin"
