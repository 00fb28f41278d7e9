"""Shared real-browser helpers: wait for a Streamlit page to settle, keep the lab code, draw, train.

Used by the browser tests and by bench/load_test.py. Plain Playwright (sync API) calls, no
fixtures, and only URLs (never page file paths), so they survive a rename of the pages folder.

Waiting: Streamlit marks its root element with data-test-script-state ("initial", "running",
"notRunning"); a page has settled when that reads notRunning and no running indicator shows.
After an action, first wait for the content the action should produce, then for the settle.
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

# Strokes of a few digits in canvas pixels (the Draw page's canvas is 280 x 280).
DIGIT_STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "7": [[(70, 60), (210, 60), (120, 230)]],
    "1": [[(140, 45), (140, 235)]],
    "0": [[(140, 40), (90, 70), (75, 140), (95, 215), (140, 240), (185, 215), (205, 140),
           (190, 70), (140, 40)]],
}
CANVAS = "canvas.upper-canvas"
NO_JOB_TEXT = "Nothing is training right now"
NO_RUNS_TEXT = "Your finished trainings will be listed here."
TEACHER_PASSWORD = "browser tests' teacher password"  # the test server's, never a real one
_LAB = re.compile(r"^[A-Za-z0-9_-]{12,64}$")
# True once the script (or a fragment) has finished and the running indicator is gone.
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidget"]');
}"""
# What a student can read: the visible text plus input values (a selectbox shows its value
# in an <input>, which innerText leaves out).
PAGE_TEXT_JS = """() => document.body.innerText + '\\n' + Array.from(
    document.querySelectorAll('input, textarea')).map(e => e.value).join('\\n')"""
# The Train page's live panel: its message boxes, the chart's data points, still running?
TRAINING_JS = """() => {
    const alerts = Array.from(document.querySelectorAll('[data-testid="stAlert"]'))
        .map(a => a.innerText.trim());
    const points = Array.from(document.querySelectorAll('.js-plotly-plot')).map(
        p => (p.data || []).reduce((n, t) => n + ((t.x && t.x.length) || 0), 0));
    const running = !!document.querySelector('[data-testid="stProgress"]')
        || Array.from(document.querySelectorAll('button'))
               .some(b => b.innerText.includes('Stop training'));
    return {alerts, points, running};
}"""
JOB_HEADLINES = ("Epoch", "Starting", "Measuring", "Saving", "Waiting", "Done", "1st", "Stopped")
FAILED_JOB = re.compile("stopped unexpectedly|Could not start|failed", re.I)


def stop_process(process: subprocess.Popen, timeout_s: float = 20) -> None:
    """Ask a server process to end; kill it if it has not within timeout_s."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script (or fragment) run is over and Streamlit's running indicator is gone."""
    page.wait_for_function(IDLE_JS, timeout=timeout_ms)


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the page's script finished running and its title shows."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    wait_idle(page, timeout_ms)
    page.wait_for_selector("h1", timeout=timeout_ms)


def lab_code(page) -> str:
    """The student's lab code from the page's address (?lab=...)."""
    values = parse_qs(urlparse(page.url).query).get("lab", [])
    if not values or not _LAB.match(values[0]):
        raise AssertionError(f"no lab code in the address {page.url!r}")
    return values[0]


def open_page(page, base_url: str, path: str = "", lab: str | None = None,
              timeout_ms: int = 60_000) -> str:
    """Go to /path (keeping `lab` when given), wait for it to settle; returns the lab code shown."""
    url = f"{base_url}/{path.strip('/')}"
    if lab is not None:
        url += f"?lab={lab}"
    page.goto(url, timeout=timeout_ms)
    wait_for_app(page, timeout_ms)
    return lab_code(page)


def title(page) -> str:
    return page.locator("h1").first.inner_text()


def page_text(page) -> str:
    """Everything a student can read: the visible text plus the values shown in inputs (a
    selectbox or text input shows its value in an <input>, which innerText leaves out)."""
    return page.evaluate(PAGE_TEXT_JS)


def exceptions(page) -> list[str]:
    """The text of every error box Streamlit shows for an uncaught exception."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def select_options(page, label: str, timeout_ms: int = 10_000) -> list[str]:
    """Open the selectbox labelled `label`, read every option it offers, close it again."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator('[role="combobox"], input').first.click(timeout=timeout_ms)
    listbox = page.locator('[role="listbox"]').first
    listbox.wait_for(timeout=timeout_ms)
    options = [t.strip() for t in listbox.locator('[role="option"]').all_inner_texts()]
    page.keyboard.press("Escape")
    listbox.wait_for(state="detached", timeout=timeout_ms)
    return options


# ---------------------------------------------------------------------------- Draw page
def canvas_box(page, timeout_ms: int = 30_000) -> dict:
    canvas = page.locator(CANVAS).first
    canvas.wait_for(timeout=timeout_ms)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    if box is None:
        raise AssertionError("the drawing canvas is not visible")
    return box


def draw_strokes(page, strokes: list[list[tuple[float, float]]], steps: int = 10) -> None:
    """Draw polylines on the canvas with the mouse (mouse-up sends the drawing to the app)."""
    box = canvas_box(page)
    sx, sy = box["width"] / 280, box["height"] / 280
    for stroke in strokes:
        x0, y0 = stroke[0]
        page.mouse.move(box["x"] + x0 * sx, box["y"] + y0 * sy)
        page.mouse.down()
        for (xa, ya), (xb, yb) in zip(stroke, stroke[1:]):
            for i in range(1, steps + 1):
                page.mouse.move(box["x"] + (xa + (xb - xa) * i / steps) * sx,
                                box["y"] + (ya + (yb - ya) * i / steps) * sy)
        page.mouse.up()


def first_choice(page) -> tuple[str, str]:
    """(digit, probability text) of the model's 1st choice, e.g. ("7", "100.0%")."""
    return parse_choice(page.locator('[data-testid="stMetric"]').first.inner_text())


def parse_choice(text: str) -> tuple[str, str]:
    """'1st choice\\n\\n7\\n\\n100.0%' -> ("7", "100.0%")."""
    lines = [s.strip() for s in text.splitlines() if s.strip()]
    if len(lines) < 3 or lines[0] != "1st choice":
        raise AssertionError(f"unexpected prediction box: {lines!r}")
    return lines[1], lines[2]


def draw_digit(page, digit: str, timeout_ms: int = 60_000) -> tuple[str, str]:
    """Draw `digit` on an empty canvas and return the model's (1st choice, probability)."""
    draw_strokes(page, DIGIT_STROKES[digit])
    page.get_by_text("1st choice").wait_for(timeout=timeout_ms)
    wait_idle(page, timeout_ms)
    return first_choice(page)


def clear_canvas(page, timeout_ms: int = 60_000) -> None:
    """Click Clear and wait for an empty canvas (the prediction disappears)."""
    page.get_by_role("button", name="Clear").click(timeout=timeout_ms)
    page.get_by_text("1st choice").wait_for(state="detached", timeout=timeout_ms)
    wait_idle(page, timeout_ms)
    canvas_box(page, timeout_ms)


# ---------------------------------------------------------------------------- Train page
def fill_input(page, role: str, label: str, value: str) -> None:
    """Type into an input and leave it with Tab (Enter would submit a form)."""
    box = page.get_by_role(role, name=label, exact=True)
    box.fill(value)
    box.press("Tab")


def start_training(page, subset: int, epochs: int, name: str, timeout_ms: int = 60_000) -> None:
    """On the Train page: set the number of images, the epochs and the run name, click Start."""
    page.get_by_role("button", name="Start training").wait_for(timeout=timeout_ms)
    fill_input(page, "spinbutton", "Training images", str(subset))
    fill_input(page, "spinbutton", "Epochs", str(epochs))
    fill_input(page, "textbox", "Run name (optional)", name)
    page.get_by_role("button", name="Start training").click(timeout=timeout_ms)
    page.get_by_role("button", name="Stop training").or_(
        page.get_by_text("Done: test accuracy")).first.wait_for(timeout=timeout_ms)


@dataclass
class Reading:
    """One look at the live training panel."""

    seconds: float
    status: str  # the job's headline ("Epoch 1 of 2 · batch 3/22 · …", "Done: …")
    running: bool  # a progress bar or a Stop button is on show
    points: int  # data points in the learning-curve chart (0 before the first batch)


@dataclass
class Watch:
    readings: list[Reading] = field(default_factory=list)

    @property
    def final(self) -> Reading:
        return self.readings[-1]


def read_training(page, started: float) -> Reading:
    """The job panel now: its headline, whether it still runs, and the chart's point count."""
    return reading_from(page.evaluate(TRAINING_JS), time.monotonic() - started)


def job_headline(alerts: list[str]) -> str:
    """The training panel's headline among a page's alert texts ('' when there is none)."""
    return next((a for a in alerts if a.startswith(JOB_HEADLINES) or " in line" in a), "")


def training_ended(status: str) -> bool:
    """True once the headline says Done; a stopped or failed training raises, naming why."""
    if status.startswith("Done"):
        return True
    if status.startswith("Stopped") or (status and not job_headline([status])):
        raise RuntimeError(f"the training did not finish: {status[:200]}")
    return False


def reading_from(data: dict, seconds: float) -> Reading:
    """A Reading from what TRAINING_JS returned."""
    status = job_headline(data["alerts"]) or (data["alerts"][0] if data["alerts"] else "")
    return Reading(seconds, status, data["running"], max(data["points"], default=0))


def watch_training(page, timeout_s: float = 240, every_s: float = 0.25) -> Watch:
    """Read the live panel until the job is done (or fails); every reading is kept."""
    watch, started = Watch(), time.monotonic()
    while True:
        reading = read_training(page, started)
        watch.readings.append(reading)
        if reading.status.startswith("Done"):
            return watch
        failed = page.locator('[data-testid="stAlert"]').filter(has_text=FAILED_JOB)
        if failed.count():
            raise AssertionError(f"the training failed: {failed.first.inner_text()}")
        if reading.seconds > timeout_s:
            raise AssertionError(f"the training did not finish in {timeout_s:g} s; last: {reading}")
        time.sleep(every_s)
