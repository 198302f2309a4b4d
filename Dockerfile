# One image for all five services; SERVICE picks which one a container runs.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Noto fonts for letters, lists and badges in every script (Arabic, Chinese, Cyrillic,
# Hebrew, Devanagari, Latin).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY coord coord
COPY services services
RUN useradd --system --home /app coord && mkdir -p /app/var && chown coord /app/var
USER coord
ENV COORD_ENV=production COORD_BIND=0.0.0.0
# Migrate this service's database, then run it (one process per service).
CMD ["sh", "-c", "python -m coord.migrations upgrade \"$SERVICE\" && exec python -m coord.run \"$SERVICE\""]
