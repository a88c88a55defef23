FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TRACKING_HTTP__HOST=0.0.0.0
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY carriers ./carriers
COPY tracking_service ./tracking_service
RUN pip install --no-cache-dir . && useradd --system --uid 10001 tracking
USER tracking
EXPOSE 8080
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
CMD ["python", "-m", "tracking_service", "serve"]
