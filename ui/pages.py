"""The pages in the order a student walks them: the one list app.py routes and Home links."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    """One page: its file in views/, its title and icon, and one line on what a student does there."""

    path: str
    title: str
    icon: str
    what: str = ""


HOME = PageInfo("views/home.py", "Home", ":material/home:")
PATH = (
    PageInfo("views/convolution.py", "Convolution explained", ":material/grid_on:",
             "Slide a kernel over a small grid one multiplication at a time, then over a real "
             "digit."),
    PageInfo("views/design.py", "Design", ":material/view_in_ar:",
             "Stack layers and see every layer's output shape and parameter count, with the "
             "arithmetic."),
    PageInfo("views/train.py", "Train", ":material/model_training:",
             "Train exactly that network on MNIST and watch its loss and accuracy live."),
    PageInfo("views/evaluate.py", "Evaluate", ":material/analytics:",
             "Test it on 10,000 unseen digits: accuracy per digit, confusions, its worst "
             "mistakes."),
    PageInfo("views/draw.py", "Draw & predict", ":material/draw:",
             "Draw a digit yourself and see what your network thinks, and why."),
    PageInfo("views/invariance.py", "Invariance lab", ":material/transform:",
             "Shift, turn, resize and restroke a digit and see which networks still read it."),
)
PAGES = (HOME,) + PATH
