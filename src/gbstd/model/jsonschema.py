"""JSON Schema documents of every file kind (``FILE_KINDS``), as written into a catalog's ``schemas/``."""

from __future__ import annotations

import json

from gbstd.model import FILE_KINDS


def schema_documents() -> dict[str, str]:
    """file name → JSON text, for every file kind."""
    documents = {}
    for kind, model in FILE_KINDS.items():
        document = model.model_json_schema()
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{kind}.schema.json",
            **document,
        }
        documents[f"{kind}.schema.json"] = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return documents
