"""``gbstd serve``: a local web editor over the catalog (Starlette + uvicorn, plain HTML forms)."""
