"""Caps a classroom server can afford; a student cannot raise them by editing JSON or widgets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Every server-side cap in one place; the teacher's config file and environment override them."""

    max_layers: int = 30  # layers in one design
    max_filters: int = 512  # filters of one Conv2D or ResidualBlock
    max_units: int = 4096  # units of one Dense layer
    max_kernel: int = 28  # kernel or pool side, in pixels
    max_params: int = 5_000_000  # total parameters of one design
    max_epochs: int = 30  # epochs of one training job
    max_batch_size: int = 1024
    max_subset: int = 60_000  # training images of one job
    max_jobs_per_student: int = 2  # queued or running jobs of one student
    max_queue: int = 60  # jobs waiting on the whole server
    max_job_seconds: int = 1800  # wall-clock limit of one job
    max_upload_bytes: int = 2_000_000  # an uploaded image or model file
    max_upload_pixels: int = 4096 * 4096  # an uploaded image's width * height

    def replace(self, **changes: int) -> "Limits":
        return dataclasses.replace(self, **changes)


DEFAULT_LIMITS = Limits()
