"""The OCR page generator's choice of reading modes (the rendering and Tesseract run in `make ocr-pages`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

GENERATOR = Path(__file__).parent / "fixtures" / "ocr" / "make_ocr_fixtures.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("make_ocr_fixtures", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_ocr_fixtures"] = module
    spec.loader.exec_module(module)
    return module


def _spec(generator, tag: str, psm: int):
    return generator.PageSpec(
        article_id="19980116-01-001", publication="人民日报", date="1998-01-16", page="1", reporters=(), columns=2,
        width=16, gap=1.0, rule=False, font_px=22, degrade=False, psm=psm, seed=1, tag=tag,
    )


@pytest.mark.parametrize(
    ("tags_and_modes", "modes", "names"),
    [
        # a page read in two modes is one image: read again once per new mode
        ([("pd1998_psm3", 3), ("pd1998_psm6", 6)], (4, 11), ["pd1998_psm4", "pd1998_psm11"]),
        ([("", 6)], (4,), ["psm4"]),  # a page without a tag
        ([("a_psm3", 3), ("b_psm3", 3)], (4,), ["a_psm4", "b_psm4"]),
    ],
)
def test_pages_read_with_other_modes(generator, tags_and_modes, modes, names) -> None:
    pages = [(_spec(generator, tag, psm), None) for tag, psm in tags_and_modes]
    read = generator.with_modes(pages, modes)
    assert [spec.tag for spec, _ in read] == names
    assert all(spec.name.endswith(f"psm{spec.psm}") for spec, _ in read)
