"""`python -m cnnlab predict RUN_DIR IMAGE.png`: what digit a trained model reads in an image."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.text import percent

HELP = N_("Read a PNG/JPEG of one digit with a trained model and print the ten probabilities.")
BAR_WIDTH = 40  # characters of the bar for probability 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", help=_("a training run's folder (holding model.keras), or a .keras file"))
    parser.add_argument("image", help=_("a PNG or JPEG of one digit (white on black or dark ink on paper)"))
    parser.add_argument("--json", action="store_true",
                        help=_('print {"prediction": d, "probabilities": [p0, ..., p9]} instead'))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the probabilities on stdout; a LabError becomes exit 2 in cnnlab.__main__."""
    probs = _predict(Path(args.run_dir), Path(args.image))
    digit = int(probs.argmax())
    if args.json:
        print(json.dumps({"prediction": digit, "probabilities": [round(float(p), 6) for p in probs]}))
        return 0
    print(_("predicted digit: {digit} ({percent})").format(digit=digit,
                                                          percent=percent(probs[digit], 1)))
    for d, p in enumerate(probs):
        print(f"{d}  {percent(p, 1):>6}  {'#' * round(p * BAR_WIDTH)}")
    return 0


def _predict(run_dir: Path, image_path: Path):
    """Read the image first (cheap, the likelier mistake), then load the model and ask it."""
    from cnnlab.drawing.uploads import read_upload
    from cnnlab.drawing.preprocess import preprocess_digit

    try:
        data = image_path.read_bytes()
    except OSError as exc:
        raise LabError(_("Cannot read the image {path}: {reason}.").format(
            path=repr(str(image_path)), reason=exc.strerror or exc)) from None
    steps = preprocess_digit(read_upload(data, image_path.name))

    from cnnlab.runs.model_file import check_mnist_model, load_model
    from cnnlab.drawing.predict import predict_probabilities

    model_path = run_dir if run_dir.is_file() else run_dir / "model.keras"
    if not model_path.exists():
        raise LabError(_("There is no model.keras in {path}. Give the folder of a finished "
                         "training run (python -m cnnlab train ...) or a .keras file.").format(
                             path=repr(str(run_dir))))
    model = check_mnist_model(load_model(model_path))
    return predict_probabilities(model, steps.model_input)
