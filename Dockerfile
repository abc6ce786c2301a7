# syntax=docker/dockerfile:1
# Build stage: install the project and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY conversations ./conversations
COPY storage ./storage
COPY config ./config
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .

# Runtime stage: the venv only, a non-root user, the data folder as a volume.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 interview
COPY --from=build /opt/venv /opt/venv
COPY config/kits /app/config/kits
ENV PATH=/opt/venv/bin:$PATH \
    DATABASE_URL=sqlite+aiosqlite:////data/interview-bot.db \
    MEDIA_DIR=/data/media \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    PYTHONUNBUFFERED=1
WORKDIR /app
RUN mkdir /data && chown interview:interview /data
VOLUME ["/data"]
USER interview
EXPOSE 8080
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
CMD ["interview-bot", "run"]
