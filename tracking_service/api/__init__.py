"""HTTP API v1 (aiohttp): handlers parse, call one service function, and serialise."""
