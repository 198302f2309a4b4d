# One image for all five services: SERVICE picks the service, COORD_ROLE its role
# (api: HTTP, timers and outbox relay; worker: event consumers only).
#
#   docker build -t coord-services .                                  # from PyPI
#   make wheelhouse && docker build --build-arg PIP_INDEX=--no-index -t coord-services .
#                                                                     # offline, from wheels/
#   docker build --build-arg BASE_IMAGE=coord-base-bookworm:fonts ...  # another base image
#
# The base image needs python3.11 with venv and pip (python:3.11-slim has them; so does a
# Debian bookworm image with python3.11, python3-venv and python3-pip).
ARG BASE_IMAGE=python:3.11-slim

# Few steps on purpose: a storage driver without copy-on-write (vfs) copies the whole
# file system for each step, even one that only sets metadata.
FROM ${BASE_IMAGE} AS build
ARG PIP_INDEX=""
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY . /src/
RUN python3 -m venv /app/venv \
 && /app/venv/bin/pip install --quiet ${PIP_INDEX} --find-links /src/wheels \
      -r /src/requirements.txt \
 && cp -r /src/coord /src/services /app/ \
 && mkdir -p /app/var/documents-files && chown -R 10001:10001 /app/var

FROM ${BASE_IMAGE}
# Settings before the copy: they depend on nothing in the source, so a rebuild reuses them.
# PATH in full: an image made with `docker import` (deploy/base-image.sh) has none to extend.
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    PATH=/app/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    COORD_ENV=production COORD_BIND=0.0.0.0 COORD_VAR_DIR=/app/var
WORKDIR /app
# Noto fonts for letters, lists and badges in every script (Arabic, Chinese, Cyrillic,
# Hebrew, Devanagari, Latin), unless the base image has them already.
RUN if ! [ -d /usr/share/fonts/opentype/noto ]; then \
      apt-get update && apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk \
      && rm -rf /var/lib/apt/lists/*; fi
# Not root: a numeric user needs no account in the image.
USER 10001:10001
# Checks its configuration and database revision (COORD_MIGRATE=1 migrates), then runs.
CMD ["sh", "-c", "exec python -m coord.run \"$SERVICE\""]
HEALTHCHECK --interval=10s --timeout=30s --start-period=60s --retries=5 \
  CMD ["sh", "-c", "exec python -m coord.run \"$SERVICE\" --healthcheck"]
# Ownership is kept from the build stage: the code is root's, only var/ is writable.
COPY --from=build /app /app
