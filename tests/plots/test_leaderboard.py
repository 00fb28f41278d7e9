"""The leaderboard figure: the front as a line, the viewer ringed, names escaped."""

from cnnlab.classroom.leaderboard import Entry
from cnnlab.plots.leaderboard import leaderboard_figure

ENTRIES = [Entry(1, 11, "<b>Ada</b>", 0.99, 50_000, 12.0, True, False),
           Entry(2, 12, "Bob", 0.97, 8_000, None, True, True),
           Entry(3, 13, "Cy", 0.95, 60_000, 3.0, False, False)]


def test_front_others_and_you():
    others, front, you = leaderboard_figure(ENTRIES).data
    assert list(front.x) == [8_000, 50_000] and list(front.y) == [0.97, 0.99]  # by size
    assert list(others.x) == [60_000] and list(you.x) == [8_000]


def test_names_are_escaped_in_hover_text():
    _, front, _ = leaderboard_figure(ENTRIES).data
    assert "#1 &lt;b&gt;Ada&lt;/b&gt;<br>50,000 parameters" in front.hovertext[1]
    assert "<b>Ada" not in "".join(front.hovertext)


def test_empty_board_draws_empty_axes():
    figure = leaderboard_figure([])
    assert all(len(t.x) == 0 for t in figure.data)
