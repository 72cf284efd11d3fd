"""The rest of issue 14 (a day of real use at 80x24): each test fails on the app as it was."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.app.screens.dialogs import NotApplicable
from mllens_tui.assessment import Answer, NAReason
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


def screen_text(app: MLLensApp) -> str:
    """What the top screen shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def workload(db_url: str) -> Store:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.set_answer("W", Answer("MLOE-01", level=1))
    return store


# -- search by the 2025 ids ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["MLOPS01-BP01", "mlops01-bp01", "mlops01-bp0", "ops01-bp01"])
async def test_search_finds_a_question_by_its_2025_id_and_shows_it(db_url: str, typed: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *typed)
        await settle(pilot)
        results = app.screen.query_one("#search-results", OptionList)
        first = results.get_option_at_index(0)
        assert first.id == "MLOE-01"
        assert "MLOE-01 · MLOPS01-BP01" in str(first.prompt)
        assert "MLOPS01-BP01" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "MLOE-01" in str(app.screen.query_one("#q-head").render())


# -- on the question screen and in its dialogs, 0-4 are levels only ------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("s", NAReason.OUT_OF_SCOPE),
        ("b", NAReason.BUSINESS_PRIORITIES),
        ("a", NAReason.ARCHITECTURE_CONSTRAINTS),
    ],
)
async def test_na_reasons_have_letter_keys_and_digits_pick_none(
    db_url: str, key: str, reason: NAReason
) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-02")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        shown = screen_text(app)
        assert " s  Out of scope" in shown and " o  Other" in shown
        assert "s, b, a, o or enter to choose" in shown
        await pilot.press("1", "2", "3", "4")  # no reason has a digit
        await settle(pilot)
        assert isinstance(app.screen, NotApplicable)
        await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, NotApplicable)
    answer = Store.open(db_url).answers("W")["MLOE-02"]
    assert answer.not_applicable and answer.reason == reason and answer.level is None


@pytest.mark.parametrize("opens", ["n", "t", "c"])
async def test_no_dialog_of_the_question_screen_shows_a_digit_but_for_a_level(
    db_url: str, opens: str
) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(opens)
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        for index in range(options.option_count):
            option = options.get_option_at_index(index)
            key = str(option.prompt).split()[0]
            assert not key.isdigit() or key == option.id, (key, option.id)


# -- long levels and evidence wrap in the level list, whatever is answered -----------------------


# The list's border and scroll bar, which stand between the words of wrapped lines.
FRAME = str.maketrans(dict.fromkeys("▊▎▔▁▂▃▄▅▆▇█", " "))


def _longest_questions(count: int) -> list[str]:
    lens = builtin_lens()
    longest = sorted(
        (q for q in lens.questions if q.evidence),
        key=lambda q: -max(len(t) + len(e) for t, e in zip(q.levels, q.evidence, strict=True)),
    )
    return ["MLOE-01", *(q.id for q in longest[:count] if q.id != "MLOE-01")]


async def _whole_list_text(pilot: object, app: MLLensApp, levels: OptionList) -> str:
    """Every line of the level list as it is drawn, scrolling it a page at a time."""
    body = app.screen.query_one("#question-body")
    body.scroll_to_widget(levels, animate=False, top=True)  # below the fold at 60x20
    levels.highlighted = 0  # else the list scrolls back to the highlighted level
    await settle(pilot)  # type: ignore[arg-type]
    drawn: dict[int, str] = {}
    top = 0
    while True:
        levels.scroll_to(y=top, animate=False)
        await settle(pilot)  # type: ignore[arg-type]
        region = levels.content_region
        lines = screen_text(app).splitlines()[region.y : region.bottom]
        for offset, line in enumerate(lines):
            drawn[int(levels.scroll_y) + offset] = line[region.x : region.right]
        if levels.scroll_y >= levels.max_scroll_y:
            return " ".join(" ".join(drawn[y] for y in sorted(drawn)).translate(FRAME).split())
        top = int(levels.scroll_y) + region.height


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
@pytest.mark.parametrize("qid", _longest_questions(3))
async def test_every_level_and_its_evidence_shows_in_full(
    db_url: str, qid: str, size: tuple[int, int]
) -> None:
    workload(db_url)
    question = builtin_lens().question(qid)
    assert question is not None
    app = make_app(db_url=db_url, workload="W", question=qid)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        levels = app.screen.query_one("#q-levels", OptionList)
        for answered in range(5):
            await pilot.press(str(answered))  # answering refills the list
            await settle(pilot)
            shown = await _whole_list_text(pilot, app, levels)
            for text in (*question.levels, *question.evidence):
                # The end of each text shows: nothing was cut after the first lines.
                tail = " ".join(text.split()[-2:])
                assert tail in shown, (answered, tail)


# -- the plan's footer fits 80 columns, the way back first; the rest is in help ------------------


async def test_the_plan_footer_fits_80_columns_and_help_lists_the_rest(db_url: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        await pilot.press("question_mark")
        await settle(pilot)
        helped = screen_text(app)
    assert footer.startswith("esc Back o Owner s Sort")
    assert footer.rstrip().endswith("? Help / Search")  # nothing cut at the edge
    for key, words in (("M", "Export the plan"), ("x", "How the score is computed")):
        assert key not in footer.split() and words in helped


# -- 16 colours: every word readable ----------------------------------------------------------

# The 16 colours as the VGA palette (and rich's downgrade) has them: a terminal's own
# palette differs a little, but bright black on black is hard to read in all of them.
VGA = [
    (0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170),
    (0, 170, 170), (170, 170, 170), (85, 85, 85), (255, 85, 85), (85, 255, 85),
    (255, 255, 85), (85, 85, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255),
]  # fmt: skip
# Borders, scroll bars and bar-chart cells: drawings, not words.
DRAWING = set("█▀▄▔▁▂▃▄▅▆▇▊▎▏▕╸╺━─│┃░ ")


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    def luminance(rgb: tuple[int, int, int]) -> float:
        parts = [v / 255 for v in rgb]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _unreadable_words(app: MLLensApp, sixteen: bool = True) -> list[str]:
    """The words drawn with too little contrast: in 16 colours as the terminal's palette
    shows them, else (NO_COLOR's greys) as drawn."""
    from rich.color import Color, ColorSystem

    def rgb(color: Color | None, default: int) -> tuple[int, int, int]:
        if color is None or color.is_default:
            return VGA[default]
        if sixteen:
            return VGA[color.downgrade(ColorSystem.STANDARD).number or 0]
        return color.get_truecolor()

    found = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if segment.style is None or set(segment.text) <= DRAWING:
                continue
            fg, bg = rgb(segment.style.color, 7), rgb(segment.style.bgcolor, 0)
            if segment.style.reverse:
                fg, bg = bg, fg
            if _contrast(fg, bg) < 3:
                found.append(segment.text.strip())
    return found


@pytest.mark.parametrize(
    ("question", "presses"),
    [
        (None, ()),  # the dashboard's section titles
        (None, ("p",)),  # the pillar tabs
        ("MLOE-01", ()),  # the scope line, the highlighted level and its evidence
        ("MLOE-01", ("question_mark",)),  # help's title and hint
        (None, ("i",)),  # the plan's cursor row and footer keys
        (None, ("h", "space", "down", "down", "down", "c")),  # compare's note
    ],
)
async def test_every_word_is_readable_in_16_colours(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    question: str | None,
    presses: tuple[str, ...],
) -> None:
    from mllens_tui.demo import DEMO_NAME, install_demo

    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "standard")
    install_demo(Store.open(db_url), builtin_lens())
    app = make_app(db_url=db_url, workload=DEMO_NAME, question=question)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
        assert _unreadable_words(app) == []


@pytest.mark.parametrize(
    ("question", "presses"),
    [
        (None, ()),  # the section titles and the matrix's cells
        ("MLOE-01", ("question_mark",)),  # help's title and hint
        (None, ("h", "space", "down", "down", "down", "c")),  # compare's section title
    ],
)
async def test_every_word_is_readable_with_no_color(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    question: str | None,
    presses: tuple[str, ...],
) -> None:
    from mllens_tui.demo import DEMO_NAME, install_demo

    monkeypatch.setenv("NO_COLOR", "1")
    install_demo(Store.open(db_url), builtin_lens())
    app = make_app(db_url=db_url, workload=DEMO_NAME, question=question)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
        assert _unreadable_words(app, sixteen=False) == []
