"""Real Chromium, as patients use the site: on a 375 px phone every page passes
axe-core with no serious or critical violation, scrolls only up and down, and
has targets a finger can hit; the whole wizard can be done with the keyboard
alone, with the focus always visible and moving down the page.

Every page checked is also saved as a screenshot under test-artifacts/.
A page added later (the payment page, a status page) is one more
``checked(...)`` line in the walk or one more entry in PUBLIC_PAGES.
"""

from __future__ import annotations

import pytest

from appeals.intake.steps import STEPS, step_by_slug
from appeals.models import Case
from tests.support.browser_checks import (
    FAILING_IMPACTS,
    PHONE_WIDTH,
    describe_violations,
    faint_edges,
    focused,
    run_axe,
    sideways_scroll,
    small_targets,
)
from tests.support.wizard_answers import answers_for
from tests.test_browser import _browser_page, _phone_page, screenshot

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser

PUBLIC_PAGES = {
    "home": "/",
    "search": "/?q=cigna",
    "landing": "/appeal/anifrolumab/cigna/step-therapy/",
    "drug-hub": "/drugs/anifrolumab/",
    "payer-hub": "/payers/cigna/",
    "denial-hub": "/denials/step-therapy/",
    "start": "/start/?drug=anifrolumab&payer=cigna&denial=step-therapy&promo=SEO25",
    "privacy": "/privacy/",
}
# Between them these denial types ask every step the wizard has: prior
# treatments and formulary alternatives; site of care and authorization
# history; compendia evidence with disease activity; and typed-in reasons
# where the catalog has no criteria.
# Every page must have no serious or critical violation; the site's own
# pages are held to moderate ones too (landmarks, headings), which they pass.
OUR_PAGES_IMPACTS = ("moderate", *FAILING_IMPACTS)
WALKS = {
    "non-formulary": ("nivolumab", "aetna"),
    "site-of-care": ("atezolizumab", "anthem"),
    "not-fda-approved": ("anifrolumab", "cigna"),
}


@pytest.fixture
def phone(chromium_path, monkeypatch):
    yield from _phone_page(chromium_path, monkeypatch, locale="en-US")


@pytest.fixture
def desktop(chromium_path, monkeypatch):
    yield from _browser_page(chromium_path, monkeypatch, viewport={"width": 1280, "height": 900}, locale="en-US")


class PageChecks:
    """Runs every check on a page and keeps what failed, by page, so one run
    reports every page's problems rather than the first page's."""

    def __init__(self, page, *, phone: bool = True, impacts: tuple[str, ...] = OUR_PAGES_IMPACTS):
        self.page = page
        self.phone = phone
        self.impacts = impacts
        self.problems: dict[str, str] = {}
        self.names: list[str] = []

    def checked(self, name: str) -> None:
        self.names.append(name)
        screenshot(self.page, f"a11y-{name}")
        found = []
        violations = run_axe(self.page, self.impacts)
        if violations:
            found.append("axe-core:\n" + describe_violations(violations))
        # The public site and the wizard; Django admin keeps its own styles for staff.
        if "/admin/" not in self.page.url and (faint := faint_edges(self.page)):
            found.append("form controls hard to see:\n    " + "\n    ".join(faint))
        if self.phone:
            if wide := sideways_scroll(self.page):
                found.append("scrolls sideways at 375 px: " + "; ".join(wide))
            if small := small_targets(self.page):
                found.append("targets too small:\n    " + "\n    ".join(small))
        if found:
            self.problems[f"{name} ({self.page.url})"] = "\n".join(found)

    def assert_clean(self) -> None:
        report = "\n\n".join(f"== {name}\n{problem}" for name, problem in self.problems.items())
        assert not self.problems, f"{len(self.problems)} of {len(self.names)} pages fail:\n{report}"


def test_public_pages_pass_axe_and_fit_a_phone(phone, live_site, demo_catalog):
    checks = PageChecks(phone)
    for name, path in PUBLIC_PAGES.items():
        phone.goto(f"{live_site.url}{path}")
        checks.checked(name)
    assert checks.names == list(PUBLIC_PAGES)
    checks.assert_clean()


def test_the_staff_login_passes_axe(desktop, live_site, db):
    desktop.goto(f"{live_site.url}/admin/login/")
    expect(desktop.get_by_label("Username")).to_be_visible()
    # Django's own login page has no <h1> (a moderate finding we leave to Django).
    checks = PageChecks(desktop, phone=False, impacts=FAILING_IMPACTS)
    checks.checked("admin-login")
    checks.assert_clean()


def _case_token(page) -> str:
    return page.url.split("/case/")[1].split("/")[0]


def _step_form(page, step: str):
    """The form the server shows this case on this step, for answers_for()."""
    case = Case.objects.by_token(_case_token(page))
    return step_by_slug(step).build_form(case)


def _answer(page, data: dict) -> None:
    """Put a step's answers into its form in one go (how they are typed is the
    keyboard test's business; this walk is about what each page looks like)."""
    missing = page.evaluate(
        """data => Object.entries(data).filter(([name, value]) => {
            if (name.endsWith('_FORMS')) return false;  // the formset's management form is on the page
            const fields = [...document.getElementsByName(name)];
            for (const field of fields) {
                if (field.type === 'radio' || field.type === 'checkbox') {
                    field.checked = [].concat(value).includes(field.value);
                } else {
                    field.value = value;
                }
            }
            return !fields.length;
        }).map(([name]) => name)""",
        data,
    )
    assert not missing, f"no field for {missing}"


def test_every_wizard_step_passes_axe_and_fits_a_phone(phone, live_site, demo_catalog):
    # One test walks the three cases: loading the catalog for each test costs
    # more than a walk.
    page = phone
    checks = PageChecks(page)
    seen = set()
    for denial, (drug, payer) in WALKS.items():
        page.goto(f"{live_site.url}/start/?drug={drug}&payer={payer}&denial={denial}")
        page.get_by_role("button", name="Start").click()
        steps = []
        while "/review/" not in page.url:
            step = page.url.rstrip("/").split("/")[-1]
            assert step not in steps, f"the wizard came back to {step}"
            steps.append(step)
            if step == "clinical":  # who fills in the clinical part: checked once, then this person does
                if step not in seen:
                    checks.checked(f"{denial}-{step}")
                seen.add(step)
                page.get_by_role("button", name="I'll fill it in myself").click()
                continue
            expect(page.get_by_role("heading", level=1)).to_have_text(step_by_slug(step).title)
            if step not in seen:
                if not seen:
                    # The first step sent empty: the same page with a message at
                    # each field, which a screen reader must announce with its field.
                    page.get_by_role("button", name="Save and continue").click()
                    expect(page.get_by_role("alert").first).to_be_visible()
                    checks.checked(f"{denial}-{step}-errors")
                    _assert_errors_are_tied_to_their_fields(page)
                checks.checked(f"{denial}-{step}")
            seen.add(step)
            _answer(page, answers_for(step, _step_form(page, step)))
            page.get_by_role("button", name="Save and continue").click()
            page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Review", level=1)).to_be_visible()
        checks.checked(f"{denial}-review")

    assert seen == {step.slug for step in STEPS} | {"clinical"}, "a step of the wizard was never checked"
    checks.assert_clean()


def _assert_errors_are_tied_to_their_fields(page) -> None:
    """Each field marked invalid is described by its error message: on the
    field itself, or for a group of radio buttons on the group's fieldset,
    which a screen reader announces on entering the group."""
    problems = page.evaluate(
        """() => [...document.querySelectorAll('main [aria-invalid=true]')].map(field => {
            const holder = field.closest('[aria-describedby]');
            const ids = holder ? holder.getAttribute('aria-describedby').split(/\\s+/) : [];
            const errors = ids.map(id => document.getElementById(id))
                .filter(el => el && el.matches('.invalid-feedback') && el.innerText.trim() && el.checkVisibility());
            return errors.length ? null : `${field.name}: no visible error message in aria-describedby`;
        })"""
    )
    assert len(problems) >= 2, "fields with an error are not marked aria-invalid"
    assert not [problem for problem in problems if problem], problems


class Keyboard:
    """Drives a page with keys only, checking every stop of the focus: it
    shows, and each Tab moves it further down the page (the reading order)."""

    MAX_TABS = 60

    def __init__(self, page):
        self.page = page
        self.stops: list[str] = []

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        now = focused(self.page)
        self.stops.append(now["element"])
        assert now["visible"], f"{self.page.url}: focus on {now['element']} does not show"
        return now

    def tab_to(self, wanted) -> dict:
        """Tab forward until wanted(focused element) holds."""
        before = focused(self.page)
        for _ in range(self.MAX_TABS):
            now = self.press("Tab")
            if before.get("inMain") and now["inMain"]:
                assert now["top"] >= before["top"] - 1, (
                    f"{self.page.url}: Tab went up the page, from {before['element']} to {now['element']}"
                )
            if wanted(now):
                return now
            before = now
        raise AssertionError(f"{self.page.url}: Tab never reached the field; stops: {self.stops[-self.MAX_TABS :]}")

    def answer(self, data: dict) -> None:
        """Give each answer in data at its field, in the order the fields come on the page."""
        order = self.page.evaluate(
            """names => [...document.querySelector('main form[method=post]').elements]
                .filter(el => names.includes(el.name) && el.type !== 'hidden')
                .map(el => [el.name, el.type, el.value])""",
            list(data),
        )
        done = set()
        for name, kind, value in order:
            wanted = data[name]
            if kind == "checkbox":
                if value in (wanted if isinstance(wanted, list) else [wanted]):
                    self.tab_to(lambda now, name=name, value=value: now["name"] == name and now["value"] == value)
                    self.press("Space")
                continue
            if name in done:
                continue  # the other radio buttons of a group: one Tab stop
            done.add(name)
            now = self.tab_to(lambda now, name=name: now["name"] == name)
            if kind == "radio":
                self._choose_radio(name, wanted)
            elif kind.startswith("select"):
                self._choose_option(wanted)
            elif kind == "date":
                year, month, day = wanted.split("-")
                self.page.keyboard.type(month + day + year)  # Chromium's date field, en-US: mm/dd/yyyy
            else:
                if now["value"]:
                    self.press("Control+A")
                self.page.keyboard.type(wanted)
            assert focused(self.page)["value"] == wanted, f"{name}: the keys gave {focused(self.page)['value']!r}"

    def _choose_radio(self, name: str, wanted: str) -> None:
        values = self.page.evaluate(f"() => [...document.getElementsByName('{name}')].map(el => el.value)")
        for _ in values:
            if focused(self.page)["value"] == wanted:
                break
            self.press("ArrowDown")
        self.press("Space")

    def _choose_option(self, wanted: str) -> None:
        target, current = self.page.evaluate(
            "wanted => [[...document.activeElement.options].findIndex(o => o.value === wanted),"
            " document.activeElement.selectedIndex]",
            wanted,
        )
        assert target >= 0, f"no option {wanted!r}"
        for _ in range(abs(target - current)):
            self.press("ArrowDown" if target > current else "ArrowUp")

    def press_button(self, name: str) -> None:
        self.tab_to(lambda now: now["tag"] == "button" and now["text"] == name)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


def test_the_whole_wizard_with_the_keyboard_alone(desktop, live_site, demo_catalog):
    page = desktop
    keys = Keyboard(page)
    page.goto(f"{live_site.url}/start/")

    # The first Tab stop is the skip link: it shows, and Enter takes the focus
    # past the header's search into the page's own content.
    skip = keys.press("Tab")
    assert skip["text"] == "Skip to content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0  # on screen, not parked off it
    page.keyboard.press("Enter")
    first = keys.press("Tab")
    assert first["inMain"] and first["name"] == "drug", first
    page.keyboard.press("Shift+Tab")  # back to where the skip link left the focus, then on again
    keys.press("Tab")
    assert focused(page)["name"] == "drug"
    page.keyboard.press("Shift+Tab")

    keys.answer({"drug": "JAK inhibitor", "payer": "Cigna", "denial": "step-therapy", "promo": "SEO25"})
    keys.press_button("Start")

    steps = []
    while "/review/" not in page.url:
        step = page.url.rstrip("/").split("/")[-1]
        assert step not in steps, f"the wizard came back to {step}: {page.locator('.invalid-feedback').all_inner_texts()}"
        steps.append(step)
        if step == "clinical":  # the patient part is done: who fills in the clinical part
            keys.press_button("I'll fill it in myself")
            continue
        expect(page.get_by_role("heading", level=1)).to_have_text(step_by_slug(step).title)
        keys.answer(answers_for(step, _step_form(page, step)))
        keys.press_button("Save and continue")
    assert steps == ["plan", "patient", "office", "clinical", "diagnosis", "drug", "treatments", "criteria", "prescriber"]

    # The review: every link and letter choice on the way to
    # the button shows its focus, in reading order.
    expect(page.get_by_role("heading", name="Review", level=1)).to_be_visible()
    keys.tab_to(lambda now: now["tag"] == "button" and now["text"].startswith("Continue to payment"))
    screenshot(page, "keyboard-review")
    assert len(keys.stops) > 60


def test_the_checks_catch_what_they_are_for(desktop):
    """The checks above pass only because the pages are right: on a page made
    wrong on purpose, each one finds the fault."""
    page = desktop
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 600})
    page.set_content(
        """<html><body><main>
        <img src="x.png"><input name="unlabelled">
        <p><a href="/a" style="font-size: 10px">tiny link</a></p>
        <button style="height: 30px; outline: none">Press</button>
        <div style="width: 600px">too wide</div>
        </main></body></html>"""
    )
    assert {"image-alt", "label"} <= {violation["id"] for violation in run_axe(page)}
    assert sideways_scroll(page)
    small = small_targets(page)
    assert any('"tiny link"' in problem for problem in small), small
    assert any('"Press" is 30 px tall' in problem for problem in small), small
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "button"
    assert not focused(page)["visible"]  # outline removed, nothing in its place
