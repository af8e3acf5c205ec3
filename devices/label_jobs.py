"""Which label a queued job prints: the bench queues jobs by purpose, the labels are data."""

from devices.label_zpl import render_zpl
from devices.labels import load_template
from devices.print_queue import Renderer
from station.store.schema import LabelJob

# The purpose a workflow queues a job for, and the template that prints it.
LABEL_FOR_JOB = {"return-unit": "unit", "triage": "disposition_tag", "receiving-plate": "plate"}


def zpl_renderer(dpi: int) -> Renderer:
    templates = {name: load_template(name) for name in set(LABEL_FOR_JOB.values())}

    def render(job: LabelJob) -> bytes:
        template = templates.get(LABEL_FOR_JOB.get(job.template, ""))
        if template is None:
            raise ValueError(f"no label for jobs of kind '{job.template}'")
        return render_zpl(template, job.data, dpi).encode("utf-8")

    return render
