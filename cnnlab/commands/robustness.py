"""`python -m cnnlab robustness RUN_DIR`: accuracy under shifts, rotations, scaling, slant, stroke
width, blur, noise and mouse drawing, per strength, for any saved run (cnnlab.evaluation.robustness)."""

from __future__ import annotations

import argparse
import json
import os

from cnnlab.commands import cannot_read
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _

HELP = N_("Robustness of a saved run (its folder, or a .keras file): test accuracy with the digits "
          "shifted, rotated, scaled, slanted, thinned/thickened, blurred, noisy and drawn as with a mouse.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from cnnlab.evaluation.robustness import DRAWN_IMAGES, N_IMAGES

    parser.add_argument("run_dir", help=_("a run folder holding model.keras, or a .keras file"))
    parser.add_argument("--json", action="store_true", help=_("print the results as JSON"))
    parser.add_argument("--images", type=int, default=N_IMAGES, metavar="N",
                        help=_("use the first N test images (default {n}: all)").format(
                            n=f"{N_IMAGES:,}"))
    parser.add_argument("--drawn", type=int, default=DRAWN_IMAGES, metavar="N",
                        help=_("redraw the first N of them per pen width (default {n})").format(
                            n=f"{DRAWN_IMAGES:,}"))
    parser.add_argument("--no-cache", action="store_true",
                        help=_("compute again even if the folder holds cached results"))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the table (or JSON) on stdout; a LabError becomes exit 2 in cnnlab.__main__."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from cnnlab.evaluation.robustness import robustness_run

    try:
        result = robustness_run(args.run_dir, n_images=args.images, drawn_images=args.drawn,
                                use_cache=not args.no_cache)
    except OSError as exc:
        raise LabError(cannot_read(args.run_dir, exc)) from None
    print(json.dumps({"run": str(args.run_dir), **result}, indent=2) if args.json else format_report(result))
    return 0


def format_report(result: dict) -> str:
    """One block per transformation: strength and accuracy, person-level strengths marked with *."""
    from cnnlab.evaluation.robustness import FAMILIES

    timing = (_("cached results") if result["cached"] else
              _("computed in {seconds} s").format(seconds=f"{result['seconds']:.1f}"))
    lines = [_("Test images: {n} ({drawn} redrawn per pen width); {timing}").format(
                 n=f"{result['n_images']:,}", drawn=f"{result['drawn_images']:,}", timing=timing),
             _("Clean accuracy: {accuracy}").format(accuracy=f"{result['clean']:.2%}"), "",
             _("Accuracy per transformation (* = within the range a person's handwriting varies "
               "by)")]
    for fam in FAMILIES:
        if fam.key not in result["curves"]:
            continue
        lines.append(f"{_(fam.title)} ({_(fam.unit)}): {_(fam.why)}")
        for strength, acc in result["curves"][fam.key]:
            inside = fam.person is not None and fam.person[0] - 1e-9 <= strength <= fam.person[1] + 1e-9
            lines.append(f"  {strength:>8g} {'*' if inside else ' '} {acc:7.2%}")
    worst = result.get("person_level", {})
    if worst:
        lines += ["", _("Worst accuracy within person-level strengths: {list}").format(
            list=", ".join(f"{key} {acc:.2%}" for key, acc in worst.items()))]
    return "\n".join(lines)
