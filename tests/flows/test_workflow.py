"""The workflow machine's edges: refusals, corrections, rejections, the locker, cancelling."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.core.catalog import Catalog, Service, Step, Text
from kiosk.core.rating import Level
from kiosk.flows.messages import (
    CallClerk,
    Cancelled,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    ConsultEnded,
    FieldEdited,
    FieldsConfirmed,
    FinishCase,
    FormRequested,
    IdentityVerified,
    LockerFaulted,
    MaterialCaptured,
    MaterialSkipped,
    OpenSlot,
    QuestionsAnswered,
    Rated,
    RatingSkipped,
    Refused,
    RequestCapture,
    ReviewDeferred,
    ReviewReferred,
    ReviewRejected,
    RulesApproved,
    SendField,
    SendRating,
    ShowForm,
    ShowScreen,
    SlotClosed,
    SlotOpened,
    SlotRequested,
    Started,
)
from kiosk.flows.workflow import StepStatus, Workflow
from tests.flows.conftest import ID_NUMBER, Driver, good_value


def to_step(wf: Workflow, kind: str) -> None:
    """Drive a workflow with cooperative answers until it stands at a step of ``kind``."""
    driver = Driver(wf)
    pending = list(driver.send(Started()))
    while pending and not (wf.current is not None and wf.service.steps[wf.current].kind == kind):
        for event in driver.reply(pending.pop(0)):
            pending += driver.send(event)
            if wf.current is not None and wf.service.steps[wf.current].kind == kind:
                return
    assert wf.current is not None and wf.service.steps[wf.current].kind == kind


def test_events_before_start_and_after_the_end_are_refused(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    assert wf.handle(FieldsConfirmed()) == [Refused("FieldsConfirmed", "not started")]
    wf.handle(Started())
    assert wf.handle(Started()) == [Refused("Started", "already started")]
    assert wf.handle(Cancelled("idle"))[-1] == FinishCase("c", "cancelled")
    assert wf.handle(FieldsConfirmed()) == [Refused("FieldsConfirmed", "finished")]
    assert {s.status for s in wf.steps()} == {StepStatus.SKIPPED}


def test_events_out_of_place_are_refused_not_applied(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("enterprise-deregistration"), "c")
    wf.handle(Started())
    assert isinstance(wf.handle(ClerkApproved("tax", "t"))[0], Refused)
    assert isinstance(wf.handle(ConsultEnded("social"))[0], Refused)
    assert isinstance(wf.handle(SlotClosed("x", True))[0], Refused)
    assert isinstance(wf.handle(Rated(Level.SATISFIED))[0], Refused)
    assert isinstance(wf.handle(FieldEdited("shoe_size", "42"))[0], Refused)
    assert isinstance(wf.handle(MaterialCaptured("passport", "img"))[0], Refused)
    assert isinstance(wf.handle(CertificateIssued("hpf", "r"))[0], Refused)
    assert wf.current == 0 and wf.values == {}


def test_identity_known_before_the_step_skips_it(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("household-no-criminal-record"), "c")
    wf.handle(Started())
    assert wf.current == 0
    wf2 = Workflow(catalog.service("household-no-criminal-record"), "c2")
    wf2.handle(Started())
    out = wf2.handle(IdentityVerified("reader", "王五", ID_NUMBER))
    assert out[0] == ShowScreen("form", 1, "household")
    assert dict(out[1].values)["id_number"] == ID_NUMBER  # type: ignore[union-attr]


def test_ocr_does_not_overwrite_what_the_reader_verified(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("enterprise-deregistration"), "c")
    wf.handle(Started())
    wf.handle(IdentityVerified("reader", "陈静", ID_NUMBER))
    wf.handle(QuestionsAnswered())
    # Her ID card under the camera, read with one digit wrong: the reader's number stays.
    wf.handle(MaterialCaptured("legal_rep_id_card", "img", (("id_number", "11010519491231003X"),)))
    assert wf.values["id_number"] == ID_NUMBER
    wf.handle(FieldEdited("id_number", "11010519491231003X", by="clerk"))  # a person may
    assert wf.values["id_number"] == "11010519491231003X"


def test_identity_does_not_leak_into_repr() -> None:
    event = IdentityVerified("reader", "王五", ID_NUMBER)
    assert ID_NUMBER not in repr(event) and "王五" not in repr(event)
    assert "13800138000" not in repr(FieldEdited("phone", "13800138000"))


def test_ocr_never_overwrites_what_a_person_typed(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    to_step(wf, "capture")
    wf.handle(FieldEdited("monthly_rent", "3500", by="clerk"))
    wf.handle(MaterialCaptured("rental_contract", "img", (("monthly_rent", "350"),)))
    assert wf.values["monthly_rent"] == "3500"
    # A clerk's edit is shown but not echoed back to the hub; a citizen's is.
    assert not [
        c
        for c in wf.handle(FieldEdited("lease_start", "2026-01-01", by="clerk"))
        if isinstance(c, SendField)
    ]


def test_skipping_a_material_moves_on(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    to_step(wf, "capture")
    assert wf.handle(MaterialSkipped("id_card")) == [
        RequestCapture("rental_contract", "rental_contract")
    ]
    wf.handle(MaterialCaptured("rental_contract", "i1"))
    wf.handle(MaterialSkipped("rent_invoice"))
    out = wf.handle(MaterialCaptured("bank_card", "i2"))
    assert out[0].screen == "form"  # type: ignore[union-attr]
    assert wf.captured == {"rental_contract": "i1", "bank_card": "i2"}


def test_invalid_id_number_blocks_but_bad_credit_code_only_flags(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("tax-clearance"), "c")
    to_step(wf, "form")
    service = wf.service
    for f in service.form:
        wf.handle(FieldEdited(f.key, good_value(f)))
    out = wf.handle(FieldEdited("uscc", "91350100M000100Y44"))  # wrong check character
    assert out[0].problem == "uscc.check_character"  # type: ignore[union-attr]
    out = wf.handle(FieldsConfirmed())
    assert out[0] == ShowScreen("locker", 3, "tax")  # goes on anyway: flagged to the clerk
    wf2 = Workflow(catalog.service("hpf-withdrawal-rent"), "c2")
    to_step(wf2, "form")
    for f in wf2.service.form:
        wf2.handle(FieldEdited(f.key, good_value(f)))
    wf2.handle(FieldEdited("id_number", ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")))
    out = wf2.handle(FieldsConfirmed())
    assert len(out) == 1 and isinstance(out[0], ShowForm)
    assert ("id_number", "id_number.check_digit") in out[0].problems


def test_rejection_goes_back_to_the_form_and_resubmits(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    to_step(wf, "review")
    out = wf.handle(ReviewRejected("hpf", "amount_above_balance"))
    assert out[0] == ShowScreen("correction", 3, "hpf")
    assert out[1] == ShowScreen("form", 3, "hpf")
    assert wf.steps()[4].status is StepStatus.PENDING
    wf.handle(FieldEdited("amount", "1000"))
    out = wf.handle(FieldsConfirmed())
    assert out[0] == ShowScreen("review", 4, "hpf")
    assert wf.handle(RulesApproved("hpf"))[0] == ShowScreen("rating", 6, "hpf")


def test_final_rejection_still_ends_with_a_rating(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("enterprise-deregistration"), "c")
    to_step(wf, "review")
    out = wf.handle(ReviewRejected("tax", "unpaid_taxes", clerk="tax-1", final=True))
    assert out[0] == ShowScreen("rejected", 4, "tax")
    assert out[1] == ShowScreen("rating", 11, "market")
    assert wf.department_status()["tax"] == "rejected"
    assert wf.department_status()["market"] == "done"  # nothing more to do there
    for clerk in [None, *wf.clerks]:
        out = wf.handle(Rated(Level.DISSATISFIED, clerk, reason="等太久"))
    assert out[-1] == FinishCase("c", "rejected")
    sent = [c.rating for c in out if isinstance(c, SendRating)]
    assert sent and sent[0].needs_follow_up


def test_empty_locker_reopens_and_faults_call_a_clerk(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("tax-clearance"), "c")
    to_step(wf, "locker")
    assert wf.handle(SlotOpened("S1")) == [ShowScreen("locker_open", 3, "tax")]
    assert wf.handle(SlotClosed("S9", True))[0] == Refused(
        "SlotClosed", "not the slot of this case"
    )
    assert wf.handle(SlotClosed("S1", False)) == [
        ShowScreen("locker_empty", 3, "tax"),
        OpenSlot("tax", "c"),
    ]
    assert wf.handle(LockerFaulted("jammed")) == [
        ShowScreen("locker_fault", 3, "tax"),
        CallClerk("tax"),
    ]
    assert wf.handle(SlotRequested("tax", "tax-9")) == [OpenSlot("tax", "c")]
    wf.handle(SlotOpened("S2"))
    assert wf.handle(SlotClosed("S2", True))[0] == ShowScreen("review", 4, "tax")
    assert "tax-9" in wf.clerks


def test_late_certificate_turns_awaiting_into_done(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    to_step(wf, "rating")
    out = wf.handle(RatingSkipped())
    assert out[-1] == FinishCase("c", "awaiting_certificates")
    assert wf.outcome == "awaiting_certificates"
    wf.handle(CertificateIssued("hpf", "R-1"))
    assert wf.outcome == "done"
    assert wf.certificates == {"hpf": "R-1"}


def test_each_clerk_rated_once(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("social-pension-consultation"), "c")
    out = wf.handle(Started())
    assert out == [ShowScreen("consult", 0, "social"), CallClerk("social")]
    wf.handle(ClerkApproved("social", "x"))  # refused: nothing to approve
    wf.handle(SlotRequested("social", "x"))  # refused: no locker step
    wf.handle(ClerkJoined("social", "soc-1"))
    wf.handle(ConsultEnded("social"))
    wf.handle(Rated(Level.SATISFIED, "soc-1"))
    assert isinstance(wf.handle(Rated(Level.SATISFIED, "soc-1"))[0], Refused)
    assert wf.handle(Rated(Level.SATISFIED))[-1] == FinishCase("c", "done")


def test_questions_answers_fill_fields_but_only_known_ones(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    to_step(wf, "questions")
    wf.handle(QuestionsAnswered((("withdrawal_cycle", "monthly"), ("favourite", "x"))))
    assert wf.values["withdrawal_cycle"] == "monthly" and "favourite" not in wf.values


def _bare(steps: tuple[Step, ...]) -> Service:
    t = Text("x", "x", "x")
    return Service("x", t, "tax", t, "clerk", (), steps, True, False, None, (), None, ())


def test_unknown_step_kind_is_a_programming_error() -> None:
    wf = Workflow(_bare((Step("dance", None, Text("x", "x", "x")),)), "c")
    with pytest.raises(ValueError, match="dance"):
        wf.handle(Started())


def test_capture_without_materials_completes_on_entry(
    drive: Callable[[Workflow], Driver],
) -> None:
    t = Text("x", "x", "x")
    wf = Workflow(_bare((Step("capture", None, t), Step("rating", None, t))), "c")
    assert wf.handle(Started())[0] == ShowScreen("rating", 1, "tax")


def test_case_status_document_has_steps_and_departments_only(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("enterprise-deregistration"), "A-2")
    wf.handle(Started())
    wf.handle(IdentityVerified("appointment", "陈静", ID_NUMBER))
    doc = wf.status().to_json()
    assert doc["departments"] == {
        "market": "pending",
        "general": "active",
        "tax": "pending",
        "social": "pending",
    }
    steps = doc["steps"]
    assert isinstance(steps, list) and steps[0]["status"] == "done"
    assert steps[1] == {
        "index": 1,
        "kind": "questions",
        "department": "general",
        "status": "active",
    }
    assert ID_NUMBER not in repr(doc) and "陈静" not in repr(doc)


def test_a_clerk_check_raises_a_capture_to_level_b(catalog: Catalog) -> None:
    from kiosk.core.materials import TrustLevel
    from kiosk.flows.messages import MaterialVerified

    wf = Workflow(catalog.service("enterprise-deregistration"), "c")
    to_step(wf, "locker")
    levels = {m.code: m.level for m in wf.materials()}
    assert levels["business_license"] is TrustLevel.C
    assert wf.handle(MaterialVerified("business_license", "mkt-5")) == []
    checked = {m.code: m for m in wf.materials()}["business_license"]
    assert checked.level is TrustLevel.B and checked.checked_by == "mkt-5"
    assert isinstance(wf.handle(MaterialVerified("passport", "mkt-5"))[0], Refused)
    # A new photo of it is a new, unchecked capture.
    wf.handle(MaterialCaptured("business_license", "img-new"))
    assert {m.code: m.level for m in wf.materials()}["business_license"] is TrustLevel.C


def test_a_clerk_brings_the_form_up_at_another_step_and_the_citizen_returns(
    catalog: Catalog,
) -> None:
    wf = Workflow(catalog.service("enterprise-deregistration"), "c")
    to_step(wf, "capture")
    assert wf.form_refusal() is None
    (shown,) = wf.handle(FormRequested("t1"))
    assert isinstance(shown, ShowForm) and {k for k, _ in shown.values} >= {"company_name"}
    wf.handle(FieldEdited("company_name", "晓屋科技有限公司", "citizen"))
    back = wf.handle(FieldsConfirmed())  # back to the photos, the form step still ahead
    assert isinstance(back[0], ShowScreen) and back[0].screen == "capture"
    assert isinstance(back[1], RequestCapture)
    assert wf.service.steps[wf.current or 0].kind == "capture"
    assert wf.values["company_name"] == "晓屋科技有限公司"
    assert wf.handle(FieldsConfirmed()) == [Refused("FieldsConfirmed", "no form shown")]


def test_a_clerk_re_shows_the_form_at_the_form_step(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    to_step(wf, "form")
    (shown,) = wf.handle(FormRequested("h1"))
    assert isinstance(shown, ShowForm)
    at = wf.current
    assert isinstance(wf.handle(FieldsConfirmed())[0], ShowForm)  # still checked: empty fields
    assert wf.current == at


def test_show_form_is_refused_without_a_form_step_or_a_running_item(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("general-consultation"), "c")
    assert wf.form_refusal() == "not started"
    wf.handle(Started())
    assert wf.form_refusal() == "no form step"
    assert wf.handle(FormRequested("g1")) == [Refused("FormRequested", "no form step")]
    wf.handle(Cancelled("idle"))
    assert wf.handle(FormRequested("g1")) == [Refused("FormRequested", "finished")]


def test_a_referred_review_waits_with_its_certificate_and_the_item_ends_referred(
    catalog: Catalog,
) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-purchase"), "c")
    to_step(wf, "review")
    commands = wf.handle(ReviewReferred("hpf", ("over_limit:amount",)))
    assert commands[0] == ShowScreen("referred", 4, "hpf")
    assert wf.service.steps[wf.current or 0].kind == "rating"
    status = {s.kind: s.status for s in wf.steps()}
    assert status["review"] is StepStatus.WAITING and status["certificate"] is StepStatus.WAITING
    assert wf.undecided == {"hpf": "referred"}
    assert wf.handle(RatingSkipped())[-1] == FinishCase("c", "referred")
    # The clerk approves later, the receipt follows: the finished item settles as done.
    assert wf.handle(ClerkApproved("hpf", "h1")) == []
    assert wf.outcome == "awaiting_certificates" and wf.undecided == {}
    wf.handle(CertificateIssued("hpf", "R1"))
    assert wf.outcome == "done" and wf.certificates == {"hpf": "R1"}
    assert {s.kind: s.status for s in wf.steps()}["review"] is StepStatus.DONE


def test_a_deferred_review_ends_pending_and_a_late_decision_settles_it(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-purchase"), "c")
    to_step(wf, "review")
    assert wf.handle(ReviewDeferred("hpf"))[0] == ShowScreen("deferred", 4, "hpf")
    wf.handle(Rated(Level.VERY_SATISFIED))
    assert wf.outcome == "pending_decision"
    restored = Workflow.restore(wf.service, wf.snapshot())
    assert restored.undecided == {"hpf": "deferred"}
    # The receipt's push may come before the hub's answer that approves the review.
    wf.handle(CertificateIssued("hpf", "R2"))
    assert wf.outcome == "pending_decision"
    wf.handle(RulesApproved("hpf"))
    assert wf.outcome == "done"
    # Referred instead, then refused by the clerk.
    other = Workflow(catalog.service("hpf-withdrawal-purchase"), "d")
    to_step(other, "review")
    other.handle(ReviewDeferred("hpf"))
    other.handle(ReviewReferred("hpf", ("no_rules:hpf",)))  # the hub answered: a clerk's
    assert other.undecided == {"hpf": "referred"}
    other.handle(RatingSkipped())
    assert other.outcome == "referred"
    other.handle(ReviewRejected("hpf", "materials_unclear", "h1", final=True))
    assert other.outcome == "rejected"
    status = {s.kind: s.status for s in other.steps()}
    assert status["review"] is StepStatus.REJECTED and status["certificate"] is StepStatus.SKIPPED


def test_a_decision_for_a_review_not_waiting_is_refused(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-purchase"), "c")
    to_step(wf, "form")
    assert isinstance(wf.handle(ReviewReferred("hpf"))[0], Refused)
    assert isinstance(wf.handle(ReviewDeferred("hpf"))[0], Refused)
