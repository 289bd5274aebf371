# The newsdiffs image used by compose.yaml: every command (`newsdiffs init|scheduler|worker|
# serve|...`) with the PostgreSQL driver.
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md LICENSE constraints.txt ./
COPY src ./src
RUN pip install --no-cache-dir -c constraints.txt ".[postgres]" \
    && useradd --create-home newsdiffs
USER newsdiffs
WORKDIR /home/newsdiffs

ENTRYPOINT ["newsdiffs"]
CMD ["--help"]
