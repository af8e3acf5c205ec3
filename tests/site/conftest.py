from collections.abc import Iterator

import pytest
from hub_process import RunningHub, running_hub


@pytest.fixture
def hub(site_url: str) -> Iterator[RunningHub]:
    """A real hub process over this test's own database (migrated as the hub starts)."""
    with running_hub(site_url) as running:
        yield running
