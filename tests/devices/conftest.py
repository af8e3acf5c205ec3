"""Fixtures for the label tests: ZPL rendered to images by zpl-renderer-js under Node."""

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image

ZPL_DIR = Path(__file__).resolve().parents[1] / "zpl"

# (ZPL text, label width mm, label height mm, printer dpi)
ZplJob = tuple[str, float, float, int]


@pytest.fixture(scope="session")
def zpl_to_png(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[Sequence[ZplJob]], list[Image.Image]]:
    """Render ZPL labels to images: about half a second each, so spread over the CPUs."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("ZPL labels are rendered with Node.js, and `node` is not on PATH")
    if not (ZPL_DIR / "node_modules").is_dir():
        pytest.skip("zpl-renderer-js is not installed: run `npm ci --prefix tests/zpl`")
    folder = tmp_path_factory.mktemp("zpl")

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
