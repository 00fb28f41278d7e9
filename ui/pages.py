"""The pages in the order a student walks them: the one list app.py routes and Home links."""

from __future__ import annotations

from dataclasses import dataclass

from cnnlab.i18n import N_


@dataclass(frozen=True)
class PageInfo:
    """One page: its file in views/, its title and icon, and one line on what a student does there
    (English, marked for translation: show them with _())."""

    path: str
    title: str
    icon: str
    what: str = ""


HOME = PageInfo("views/home.py", N_("Home"), ":material/home:")
PATH = (
    PageInfo("views/convolution.py", N_("Convolution explained"), ":material/grid_on:",
             N_("Slide a kernel over a small grid one multiplication at a time, then over a real "
             "digit.")),
    PageInfo("views/design.py", N_("Design"), ":material/view_in_ar:",
             N_("Stack layers and see every layer's output shape and parameter count, with the "
             "arithmetic.")),
    PageInfo("views/train.py", N_("Train"), ":material/model_training:",
             N_("Train exactly that network on MNIST and watch its loss and accuracy live.")),
    PageInfo("views/evaluate.py", N_("Evaluate"), ":material/analytics:",
             N_("Test it on 10,000 unseen digits: accuracy per digit, confusions, its worst "
             "mistakes.")),
    PageInfo("views/draw.py", N_("Draw & predict"), ":material/draw:",
             N_("Draw a digit yourself and see what your network thinks, and why.")),
    PageInfo("views/invariance.py", N_("Invariance lab"), ":material/transform:",
             N_("Shift, turn, resize and restroke a digit and see which networks still read it.")),
)
GLOSSARY = PageInfo("views/glossary.py", N_("Glossary"), ":material/translate:")
CLASSROOM = (  # not on the student's path: the class's shared pages
    PageInfo("views/challenges.py", N_("Challenges"), ":material/emoji_events:",
             N_("Your teacher's challenges: submit a run and see the class leaderboard.")),
    PageInfo("views/teacher.py", N_("Teacher"), ":material/school:",
             N_("For the teacher, with the teacher's password.")),
)
PAGES = (HOME,) + PATH + (GLOSSARY,) + CLASSROOM
