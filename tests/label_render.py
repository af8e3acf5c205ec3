"""ZPL labels rendered to images by zpl-renderer-js under Node, for the scan-back tests.

A helper module, not a conftest: a test imports what it needs from here by name, which
``from conftest import …`` cannot promise once several conftest files are collected.

Without Node or the renderer the label tests are skipped on a developer's machine, but
under CI (``CI`` set, as CI services do) a missing renderer fails the run: a green run
there must have read every label back.
"""

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import pytest
from PIL import Image

ZPL_DIR = Path(__file__).resolve().parent / "zpl"

# (ZPL text, label width mm, label height mm, printer dpi)
ZplJob = tuple[str, float, float, int]
RenderZpl = Callable[[Sequence[ZplJob]], list[Image.Image]]


def renderer_missing() -> str | None:
    """Why labels cannot be rendered here, or None when they can."""
    if shutil.which("node") is None:
        return "ZPL labels are rendered with Node.js, and `node` is not on PATH"
    if not (ZPL_DIR / "node_modules").is_dir():
        return "zpl-renderer-js is not installed: run `npm ci --prefix tests/zpl`"
    return None


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def without_renderer(reason: str) -> NoReturn:
    """Skip the test for ``reason``; under CI, fail it."""
    if under_ci():
        pytest.fail(f"{reason} (CI is set: the label tests may not be skipped)")
    pytest.skip(reason)


def png_renderer(folder: Path) -> RenderZpl:
    """Render ZPL labels to images: about half a second each, so spread over the CPUs."""
    node = shutil.which("node")
    assert node is not None

    def render(jobs: Sequence[ZplJob]) -> list[Image.Image]:
        args: list[str] = []
        pngs = []
        for index, (zpl, width, height, dpi) in enumerate(jobs):
            source, png = folder / f"{index}.zpl", folder / f"{index}.png"
            source.write_text(zpl, encoding="utf-8")
            # Zebra heads are 8, 12 or 24 dots per mm, sold as 203, 300 and 600 dpi.
            args += [str(source), str(png), str(width), str(height), str(round(dpi / 25.4))]
            pngs.append(png)
        workers = max(1, min(os.cpu_count() or 1, len(jobs)))
        # Each render.cjs argument group is five words; worker n takes every n-th group.
        groups = [args[i : i + 5] for i in range(0, len(args), 5)]
        runs = [
            subprocess.Popen(
                [node, str(ZPL_DIR / "render.cjs"), *(w for g in groups[n::workers] for w in g)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(workers)
        ]
        for run in runs:
            _out, err = run.communicate(timeout=60)
            assert run.returncode == 0, err
        images = []
        for png in pngs:
            with Image.open(png) as image:
                images.append(image.convert("L"))
        return images

    return render
