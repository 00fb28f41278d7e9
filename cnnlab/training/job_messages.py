"""What both training queues (local and Redis) say about a job, in the student's language.

Shared so that the two backends refuse and report in the same words (and one catalogue entry
each). Each is translated when called: in a page's thread that is the page's language; in the
queue's own threads and in workers, the job's language (`i18n.using(job.language)`).
"""

from __future__ import annotations

from cnnlab.classroom.limits import Limits
from cnnlab.i18n import _


def too_many_jobs(mine: int, limits: Limits) -> str:
    return _("You already have {n} training job(s) queued or running, the most allowed "
             "(max_jobs_per_student = {cap}). Wait for one to finish or cancel one.").format(
                 n=mine, cap=limits.max_jobs_per_student)


def queue_full(waiting: int, limits: Limits) -> str:
    return _("The training queue is full ({n} jobs waiting, max_queue = {cap}). Try again in a "
             "few minutes.").format(n=waiting, cap=limits.max_queue)


def could_not_start(exc: BaseException) -> str:
    return _("Could not start training ({error}); tell your teacher.").format(error=exc)


def time_limit_reached(seconds: float) -> str:
    return _("Stopped at this server's time limit of {seconds} s per job (max_job_seconds); the "
             "last completed epoch was kept.").format(seconds=f"{seconds:g}")
