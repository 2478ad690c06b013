"""The four main journeys by keyboard alone: a finance approver approves a business case, a forum member
comments on a specification out for consultation, a provider submits a bid with a document, and a
provider answers a placement referral.

After the browser is sent to the journey's first page nothing is clicked: only Tab, Shift+Tab, Enter,
Space, arrow keys and typing (and, for the file, the file chooser the keyboard opens). On each page the
first Tab reaches the skip link, which takes focus to the main content; and every element Tab lands on
shows where focus is (an outline, a box shadow or a change of background that focus alone gives it).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS_TO_FIND = 80

# The focused element: its accessible name as a person hears it, and whether focus shows. A radio's or a
# checkbox's visible box is its label's ::before (the input itself is transparent), so that is where
# focus must show; for anything else the element itself. "Shows" means focus gives it an outline or a
# box shadow or background it does not have without focus (compared by blurring it for a moment).
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const boxed = el.matches('.govuk-radios__input, .govuk-checkboxes__input');
  const target = boxed ? el.labels[0] : el;
  const pseudo = boxed ? '::before' : null;
  const look = () => {
    const style = getComputedStyle(target, pseudo);
    const transparent = (colour) => colour === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(colour);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && !transparent(style.outlineColor);
    return {
      outline: outline ? `${style.outlineWidth} ${style.outlineColor}` : '',
      shadow: style.boxShadow,
      background: style.backgroundColor,
    };
  };
  const focused = look();
  el.blur();
  const unfocused = look();
  el.focus({preventScroll: true});
  const changed = ['outline', 'shadow', 'background'].filter((k) => focused[k] !== unfocused[k]);
  const visible = changed.some((k) => k !== 'outline' || focused.outline !== '')
    && (changed.length > 1 || focused.outline !== '' || !/rgba\\(.*,\\s*0\\)$/.test(focused[changed[0]]));
  const labelled = el.labels && el.labels.length ? el.labels[0].textContent : '';
  const name = el.getAttribute('aria-label') || labelled || el.textContent || el.value || '';
  const rect = el.getBoundingClientRect();
  return {
    name: name.replace(/\\s+/g, ' ').trim(),
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type') || '',
    id: el.id,
    visible,
    onScreen: rect.width > 1 && rect.height > 1,
    inMain: !!el.closest('main'),
  };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED_JS)


def press(page, key: str) -> dict | None:
    page.keyboard.press(key)
    here = focused(page)
    if here is not None:
        assert here["visible"], f"focus does not show on {here} at {page.url}"
    return here


def tab_to(page, name: str, *, exact: bool = False, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until an element whose name is, or starts with, `name` has focus;
    every element passed on the way must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(TABS_TO_FIND):
        here = press(page, key)
        if here and (here["name"] == name if exact else here["name"].startswith(name)):
            return here
    raise AssertionError(f"{TABS_TO_FIND} presses of {key} never reached {name!r} on {page.url}")


def activate(page, key: str = "Enter") -> None:
    """Press Enter on a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def toggle(page) -> None:
    """Press Space on a radio or checkbox: it is selected, and focus stays and shows."""
    press(page, "Space")
    assert page.evaluate("document.activeElement.checked"), "Space did not select it"


def skip_to_main(page) -> None:
    """The first Tab on a page reaches the visible skip link; Enter on it moves focus to the main
    content, so the next Tab lands inside it."""
    if "#" in page.url:  # a form sent from an address with #main-content: the page opens at the content
        here = press(page, "Tab")
        assert here["inMain"], f"the first Tab reached {here}, outside the main content"
        return
    page.evaluate("document.activeElement && document.activeElement.blur()")
    here = press(page, "Tab")
    assert here["name"] == "Skip to main content", f"the first Tab reached {here} on {page.url}"
    assert here["onScreen"], "the skip link stays hidden when it has focus"
    page.keyboard.press("Enter")
    # Not wait_for_function: its string would be eval in the page, which the CSP refuses.
    expect(page.locator("#main-content")).to_be_focused()
    here = press(page, "Tab")
    assert here["inMain"], f"after the skip link, Tab reached {here}, outside the main content"


def type_into(page, name: str, text: str, **kwargs) -> None:
    tab_to(page, name, **kwargs)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def type_date(page, day_label: str, value: datetime.date) -> None:
    """A GOV.UK date input: Day, then Tab to Month and Year."""
    type_into(page, day_label, str(value.day), exact=True)
    for part in (str(value.month), str(value.year)):
        press(page, "Tab")
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(part)


def test_a_finance_approver_approves_a_business_case_by_keyboard(
    page, commissioner_northshire, finance_northshire
):
    from commissioning.models import BusinessCase
    from commissioning.services import business_cases
    from commissioning.tests.test_business_cases import case_for

    case = case_for(commissioner_northshire)
    business_cases.business_case_submit(case=case, actor=commissioner_northshire)
    sign_in(page, finance_northshire)
    page.goto("/commissioning/business-cases/waiting/")

    skip_to_main(page)
    tab_to(page, "Autism resource bases", exact=True)
    activate(page)
    assert page.get_by_role("heading", name="Record the Finance decision").is_visible()
    skip_to_main(page)
    tab_to(page, "Approve", exact=True)
    toggle(page)
    tab_to(page, "Record decision", exact=True)
    activate(page)

    assert page.locator("#case-status").inner_text() == "Waiting for Legal"
    case.refresh_from_db()
    assert case.status == "finance_approved"
    assert BusinessCase.objects.get().decisions.get().decided_by == finance_northshire


def test_a_forum_member_comments_on_a_specification_by_keyboard(
    page, commissioner_northshire, forum_member, northshire_pcf
):
    from commissioning.services.specifications import specification_create
    from coproduction.models import Comment
    from coproduction.services import consultation_open

    specification = specification_create(
        actor=commissioner_northshire,
        title="Short breaks for disabled children",
        sections={
            "aims": "Give families a break and children a good time.",
            "eligibility": "Children with an EHC plan aged 5 to 18.",
        },
    )
    today = timezone.localdate()
    consultation_open(
        actor=commissioner_northshire,
        specification=specification,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=28),
        forums=[northshire_pcf],
    )
    sign_in(page, forum_member)
    page.goto("/coproduction/")

    skip_to_main(page)
    tab_to(page, "Short breaks for disabled children", exact=True)
    activate(page)
    assert page.get_by_text("Give families a break and children a good time.").is_visible()
    skip_to_main(page)
    type_into(page, "Your comment on aims and objectives", "Please include weekends and holidays.")
    tab_to(page, "Comment on aims and objectives", exact=True)
    activate(page)

    assert page.get_by_text("Your comment on aims and objectives has been added.").is_visible()
    comment = Comment.objects.get()
    assert (comment.section, comment.text) == ("aims", "Please include weekends and holidays.")


def test_a_provider_submits_a_bid_with_a_document_by_keyboard(
    page, commissioner_northshire, provider_oakfield, tmp_path
):
    from core.tests.test_uploads import pdf_bytes
    from procurement.tests.tenders.conftest import publish

    tender = publish(commissioner_northshire)
    schedule = tmp_path / "pricing-schedule.pdf"
    schedule.write_bytes(pdf_bytes())
    sign_in(page, provider_oakfield)
    page.goto(f"/procurement/tenders/{tender.pk}/")

    skip_to_main(page)
    tab_to(page, "Start a bid", exact=True)
    activate(page)
    skip_to_main(page)
    tab_to(page, "Lot 1: North locality", exact=True)
    toggle(page)
    tab_to(page, "Start a bid", exact=True)
    activate(page)

    skip_to_main(page)
    type_into(page, "Your total price, in pounds", "£125,000")
    type_into(page, "How will you deliver therapy?", "Weekly therapy in school, with termly reviews.")
    type_into(page, "Local jobs", "We recruit and train therapy assistants locally.")
    tab_to(page, "Save answers", exact=True)
    activate(page)
    assert page.get_by_text("Your answers have been saved.").is_visible()

    tab_to(page, "Upload a document", exact=True)
    activate(page)
    skip_to_main(page)
    tab_to(page, "Pricing schedule", exact=True)
    toggle(page)
    tab_to(page, "Upload a file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(schedule))
    tab_to(page, "Upload document", exact=True)
    activate(page)
    assert page.get_by_text("has been uploaded to your bid").is_visible()

    tab_to(page, "Submit bid", exact=True)
    activate(page)
    skip_to_main(page)
    tab_to(page, "Submit bid", exact=True)
    activate(page)

    assert page.get_by_text("Your bid has been submitted. Receipt 1 is ready to download.").is_visible()
    submission = tender.submissions.get()
    assert submission.submission_count == 1
    assert submission.documents.get().document.original_name == "pricing-schedule.pdf"


def test_a_provider_answers_a_placement_referral_by_keyboard(
    page, lead_northshire, commissioner_northshire, provider_oakfield
):
    from procurement.models import ReferralResponse
    from procurement.services import fps as fps_services
    from procurement.services import referrals as referral_services
    from procurement.tests.fps.factories import admit, make_referral

    system = fps_services.purchasing_system_create(
        actor=lead_northshire,
        name="North West SEND Flexible Purchasing System",
        overarching_contract_title="Overarching agreement for SEND placements",
        overarching_contract_terms="1. The provider keeps its registration.",
        starts_on=datetime.date(2026, 4, 1),
    )
    lot = fps_services.fps_lot_add(
        system=system, actor=lead_northshire, code="L1", title="0–16 day", age_from=0, age_to=16
    )
    admit(lot, provider_oakfield, lead_northshire)
    referral = make_referral(commissioner_northshire, lot)
    referral_services.referral_send(referral=referral, actor=commissioner_northshire)
    start = timezone.localdate() + datetime.timedelta(days=40)
    sign_in(page, provider_oakfield)
    page.goto("/procurement/fps/received/")

    skip_to_main(page)
    tab_to(page, "NS-2026-0457", exact=True)
    activate(page)
    assert page.get_by_role("heading", name="NS-2026-0457").is_visible()
    skip_to_main(page)
    tab_to(page, "Yes", exact=True)
    toggle(page)
    type_into(page, "Weekly fee, in pounds", "3400")
    type_date(page, "Day", start)
    type_into(page, "Notes", "A place in a class of 7.")
    tab_to(page, "Send answer", exact=True)
    activate(page)

    assert page.get_by_text("Your answer has been sent to the council.").is_visible()
    response = ReferralResponse.objects.get(provider=provider_oakfield.organisation)
    assert (response.can_meet_needs, str(response.weekly_fee), response.start_on) == (True, "3400.00", start)
