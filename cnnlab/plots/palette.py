"""Colours every chart draws with, safe for colour-blind students (no red/green pair carries
meaning): the Okabe-Ito palette (Okabe and Ito, 2008), distinguishable under protanopia,
deuteranopia and tritanopia, and blue/orange sequential scales built from it.

Colour is never the only cue: lines also differ in dash and markers in symbol, and every chart
has a table beside it with the same numbers.
"""

from __future__ import annotations

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"

# Series in order (runs, curves): yellow left out, it is too light on white.
SERIES = (BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION, BLACK, GREY)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "hexagon")
# Right answers light to dark blue; mistakes from none (white) to many (vermillion).
RIGHT_SCALE = [[0.0, "#deebf7"], [1.0, BLUE]]
WRONG_SCALE = [[0.0, "#ffffff"], [0.02, "#fde0c5"], [1.0, VERMILLION]]
