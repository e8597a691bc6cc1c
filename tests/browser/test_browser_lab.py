"""The analyst's JupyterLab in a real browser: notebooks run, widgets render and respond.

JupyterLab serves copies of notebooks/ (see the ``lab`` fixture); headless Chromium opens the
ABC-XYZ notebook, runs all cells from the Run menu, drags a cut-off slider and checks that the
matrix redraws; then it opens the annual-meeting notebook for a sample account and checks that
the what-if widget recomputes its numbers. Screenshots: tests/browser/artifacts/lab-*.png.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

#: Cell runs in the kernel load the sample and draw figures: generous, but bounded.
RUN_TIMEOUT_MS = 150_000
WIDGET_TIMEOUT_MS = 30_000

_PROMPTS = (
    "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
    ".map(p => p.textContent.trim())"
)

#: Run All has finished (or stopped at an error): nothing queued or running, something ran.
_RUN_FINISHED = """
() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent);
  return !prompts.some(p => p.includes('*')) && prompts.some(p => /\\[\\d+\\]/.test(p));
}
"""


@pytest.fixture
def lab_page(browser, lab, watch):
    """A page on the lab's origin, with every request outside 127.0.0.1 aborted and recorded."""
    context = browser.new_context(viewport={"width": 1366, "height": 1300})
    seen = watch(context, allowed=(lab.url, "data:", "blob:"))
    page = context.new_page()
    page.set_default_timeout(WIDGET_TIMEOUT_MS)
    try:
        yield page, seen
    finally:
        context.close()


def _open_and_run_all(page, lab, name: str, artifacts, shot: str) -> None:
    """Open notebook `name` alone, wait for an idle kernel, run all cells from the Run menu."""
    page.goto(lab.tree(name, reset=True))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    # the status bar says "Python 3 (ipykernel) | Idle" once the kernel is up and connected
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\| Idle$")).wait_for(
        timeout=90_000
    )
    page.locator(".jp-NotebookPanel .jp-InputPrompt").first.click()  # the notebook is active
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    try:
        page.wait_for_function(_RUN_FINISHED, timeout=RUN_TIMEOUT_MS, polling=500)
    finally:
        page.screenshot(path=artifacts / f"{shot}-after-run-all.png")
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    tracebacks = [
        text[-2000:]
        for text in stderr.all_inner_texts()
        if "Traceback" in text or re.search(r"^\w+(Error|Exception)\b", text, re.M)
    ]
    assert not tracebacks, f"a cell failed in {name}:\n{tracebacks[0]}"
    prompts = page.evaluate(_PROMPTS)
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), f"cells not run: {prompts}"


def _shoot(element, path) -> None:
    """Screenshot `element` scrolled to the top of the notebook, so that all of it shows."""
    element.evaluate("e => e.scrollIntoView({block: 'start'})")
    element.screenshot(path=path)


def _drag(page, handle, dx: float) -> None:
    """Drag a slider handle by `dx` pixels with the mouse, as a person would."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=5)
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()


def test_abc_xyz_cutoff_slider_redraws_the_matrix(lab_page, lab, artifacts):
    page, seen = lab_page
    _open_and_run_all(page, lab, "abc_xyz.ipynb", artifacts, "lab-abc-xyz")

    explorer = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider")).last
    explorer.scroll_into_view_if_needed()
    sliders = explorer.locator(".widget-slider")
    assert sliders.count() == 2, "the explorer has an ABC and an XYZ cut-off slider"
    abc = sliders.filter(has_text="ABC")
    readout = abc.locator(".widget-readout")
    image = explorer.locator("img").first
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    before = {
        "readout": readout.inner_text(),
        "image": image.get_attribute("src"),
        "text": explorer.locator(".widget-html").last.inner_text(),
    }
    _shoot(explorer, artifacts / "lab-abc-xyz-explorer-before.png")

    # the lower handle of the ABC range slider: class A up to a smaller share of the total
    _drag(page, abc.locator(".noUi-handle-lower"), -60)
    # the widget redraws the heatmap, then the table under it: wait for both
    page.wait_for_function(
        "([img, html, oldSrc, oldText]) => img.getAttribute('src') !== oldSrc"
        " && html.innerText !== oldText",
        arg=[
            image.element_handle(),
            explorer.locator(".widget-html").last.element_handle(),
            before["image"],
            before["text"],
        ],
        timeout=WIDGET_TIMEOUT_MS,
    )
    after = {
        "readout": readout.inner_text(),
        "image": image.get_attribute("src"),
        "text": explorer.locator(".widget-html").last.inner_text(),
    }
    _shoot(explorer, artifacts / "lab-abc-xyz-explorer-after.png")

    assert after["readout"] != before["readout"], "the slider's readout moved"
    assert after["image"] != before["image"], "the matrix heatmap was redrawn"
    assert after["text"] != before["text"], "the matrix table under the heatmap changed"
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert not seen.blocked, f"requests left the machine: {seen.blocked[:5]}"
    assert not seen.page_errors, seen.page_errors


def test_annual_meeting_what_if_updates_its_numbers(lab_page, lab, artifacts):
    page, seen = lab_page
    _open_and_run_all(page, lab, "annual_meeting.ipynb", artifacts, "lab-annual-meeting")

    title = page.locator(".jp-OutputArea-output h1").first
    assert re.search(r"\(C\d{4}\)", title.inner_text()), "the brief names a sample account"

    what_if = (
        page.locator(".widget-vbox")
        .filter(has=page.locator(".widget-slider", has_text="Discount"))
        .last
    )
    what_if.scroll_into_view_if_needed()
    discount = what_if.locator(".widget-slider", has_text="Discount")
    result = what_if.locator(".widget-html").last
    page.wait_for_function("el => /\\d/.test(el.innerText)", arg=result.element_handle())
    before = {
        "readout": discount.locator(".widget-readout").inner_text(),
        "numbers": re.findall(r"\d[\d,.]*", result.inner_text()),
    }
    shown = result.inner_text()
    _shoot(what_if, artifacts / "lab-annual-meeting-what-if-before.png")

    _drag(page, discount.locator(".noUi-handle"), 80)
    page.wait_for_function(
        "([el, old]) => el.innerText !== old",
        arg=[result.element_handle(), shown],
        timeout=WIDGET_TIMEOUT_MS,
    )
    after = {
        "readout": discount.locator(".widget-readout").inner_text(),
        "numbers": re.findall(r"\d[\d,.]*", result.inner_text()),
    }
    _shoot(what_if, artifacts / "lab-annual-meeting-what-if-after.png")

    assert after["readout"] != before["readout"], "the discount slider moved"
    assert after["numbers"] != before["numbers"], "the what-if numbers were recomputed"
    assert not seen.blocked, f"requests left the machine: {seen.blocked[:5]}"
    assert not seen.page_errors, seen.page_errors
