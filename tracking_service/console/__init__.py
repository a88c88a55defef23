"""The agent console: server-rendered pages (jinja2) over the same service functions as the API."""
