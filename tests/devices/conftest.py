"""Fixtures for the label tests: ZPL rendered to images by zpl-renderer-js under Node."""

import pytest
from label_render import RenderZpl, png_renderer, renderer_missing, without_renderer


@pytest.fixture(scope="session")
def zpl_to_png(tmp_path_factory: pytest.TempPathFactory) -> RenderZpl:
    missing = renderer_missing()
    if missing is not None:
        without_renderer(missing)
    return png_renderer(tmp_path_factory.mktemp("zpl"))
