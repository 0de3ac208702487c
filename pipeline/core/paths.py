"""Where the package keeps its configs, models and label schema: one definition each."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = PACKAGE_DIR.parent
CONFIGS_DIR = PACKAGE_DIR / "configs"
MODELS_DIR = PACKAGE_DIR / "models"
SCHEMA_DIR = REPO_DIR / "annotation_schema"
