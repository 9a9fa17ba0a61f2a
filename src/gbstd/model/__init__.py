"""Pydantic models of every file kind in a catalog. ``FILE_KINDS`` drives JSON Schema generation."""

from __future__ import annotations

from pydantic import BaseModel

from gbstd.model.notes import BulletinNotes
from gbstd.model.plan import PilotPlan
from gbstd.model.project import Project
from gbstd.model.standard import Standard
from gbstd.model.system import StandardSystem

# file kind → model; `gbstd schema` writes schemas/<kind>.schema.json for each.
FILE_KINDS: dict[str, type[BaseModel]] = {
    "standard": Standard,
    "system": StandardSystem,
    "notes": BulletinNotes,
    "project": Project,
    "plan": PilotPlan,
}
