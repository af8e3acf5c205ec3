"""Which label a queued job prints: the bench queues jobs by purpose, the labels are data."""

import resources
from devices.label_zpl import render_zpl
from devices.labels import Template, load_template
from devices.print_queue import Renderer
from station.store.schema import LabelJob

# The purpose a workflow queues a job for, and the template that prints it.
LABEL_FOR_JOB = {
    "return-unit": "unit",
    "triage": "disposition_tag",
    "receiving-plate": "plate",
    "rma": "rma",
    "bin": "bin",
    "command": "command",
    "parcel": "parcel",
}


def layout_for(purpose: str, stock: str) -> Template:
    """The layout for a job's purpose on a stock (``unit`` on 4x6, ``unit-2x1`` on 2x1);
    ValueError when the purpose is unknown or has no layout for that stock."""
    base = LABEL_FOR_JOB.get(purpose)
    if base is None:
        raise ValueError(f"no label for jobs of kind '{purpose}'")
    name = base if stock == "4x6" else f"{base}-{stock}"
    if not resources.path("labels", f"{name}.toml").exists():
        raise ValueError(f"no {stock} layout for {purpose} labels: use other stock")
    return load_template(name)


def zpl_renderer(dpi: int, stock: str = "4x6") -> Renderer:
    """Renders jobs on the printer's stock; layouts are read once, when first needed."""
    layouts: dict[str, Template] = {}

    def render(job: LabelJob) -> bytes:
        if job.template not in layouts:
            layouts[job.template] = layout_for(job.template, stock)
        return render_zpl(layouts[job.template], job.data, dpi).encode("utf-8")

    return render


# What a test label says, per purpose: plainly a test, and every field the layouts need.
SAMPLE_DATA: dict[str, dict[str, object]] = {
    "return-unit": {
        "lpn": "LPN-TEST-000000",
        "sku": "TEST-LABEL",
        "item": "Test label: if this scans, the printer is set up",
        "gtin": "4006381333931",
        "grade": "A",
        "disposition": "Restock",
        "destination": "LOC-TEST",
    },
    "triage": {"lpn": "LPN-TEST-000000", "disposition": "Test tag", "destination": "LOC-TEST"},
    "receiving-plate": {
        "lpn": "LPN-TEST-000000",
        "receipt": "TEST",
        "supplier": "SUP-TEST",
        "date": "test",
    },
    "rma": {"rma": "RMA-0000", "customer": "Test label", "items": "1 x test item"},
    "bin": {"bin": "BIN-TEST-01", "zone": "TEST"},
    "command": {"code": "@CONFIRM", "meaning": "Test label: Confirm"},
    "parcel": {
        "tag": "PCL-TEST-000000",
        "note": "Test label: if this scans, the printer is set up",
        "scanned": "TEST",
        "arrived": "test",
        "bench": "TEST",
    },
}


def sample_label(purpose: str, dpi: int, stock: str) -> bytes:
    """The ZPL of a test label for one purpose, on the printer's stock."""
    return zpl_renderer(dpi, stock)(LabelJob(template=purpose, data=SAMPLE_DATA[purpose]))
