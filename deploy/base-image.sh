#!/usr/bin/env bash
# A local stand-in for python:3.11-slim, for machines that reach no image registry (the
# test machines, closed networks): Debian bookworm with Python 3.11 from Debian's own
# packages, made with debootstrap and imported into the local Docker engine.
#
#   deploy/base-image.sh [IMAGE]          (default coord-base-bookworm:fonts)
#   docker build --build-arg BASE_IMAGE=coord-base-bookworm:fonts ...
#
# Does nothing when the image exists already. Needs root, debootstrap and a Debian mirror.
set -euo pipefail
image="${1:-coord-base-bookworm:fonts}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image exists"
  exit 0
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"  # it becomes the image's /: mktemp's 0700 would lock out the non-root user
debootstrap --variant=minbase --include=python3.11,python3-venv,python3-pip,ca-certificates,fonts-noto-core,fonts-noto-cjk \
  bookworm "$root" >/dev/null
# Debian marks its Python as managed by apt; the image installs into a venv anyway.
rm -f "$root"/usr/lib/python3.11/EXTERNALLY-MANAGED
tar -C "$root" -c . | docker import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" - "$image" >/dev/null
echo "$image imported"
