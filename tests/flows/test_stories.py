"""The two stories (docs/architecture.md), event by event, with the commands the booth gets."""

from __future__ import annotations

import datetime as dt

from kiosk.core.catalog import Catalog
from kiosk.core.rating import Level
from kiosk.flows.messages import (
    AskRating,
    CallClerk,
    CaptureRequested,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    Command,
    ConsultEnded,
    FieldEdited,
    FieldsConfirmed,
    FinishCase,
    IdentityVerified,
    MaterialCaptured,
    OpenSlot,
    QuestionsAnswered,
    Rated,
    RequestCapture,
    RequestIdentity,
    RulesApproved,
    SendField,
    SendRating,
    ShowCertificate,
    ShowField,
    ShowForm,
    ShowScreen,
    SlotClosed,
    SlotOpened,
    StartDialogue,
    Started,
    SubmitCase,
)
from kiosk.flows.workflow import StepStatus, Workflow
from tests.flows.conftest import ID_NUMBER, USCC

TODAY = dt.date(2026, 11, 28)


def only(commands: list[Command], kind: type) -> list[Command]:
    return [c for c in commands if isinstance(c, kind)]


def test_story_b_hpf_withdrawal_for_a_purchase(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-purchase"), "B-1", today=TODAY)
    assert wf.handle(Started()) == [ShowScreen("identify", 0, "hpf"), RequestIdentity()]
    assert wf.handle(IdentityVerified("reader", "李明", ID_NUMBER)) == [
        ShowScreen("questions", 1, "hpf"),
        StartDialogue("hpf-withdrawal-purchase"),
    ]
    # The digital clerk found out the amount; capture starts with the ID card.
    out = wf.handle(QuestionsAnswered((("amount", "80000"),)))
    assert out == [ShowScreen("capture", 2, "hpf"), RequestCapture("id_card", "id_card")]
    out = wf.handle(MaterialCaptured("id_card", "img-1", (("id_number", ID_NUMBER),)))
    assert out == [RequestCapture("purchase_contract", "purchase_contract")]
    contract = (
        ("property_address", "广州市天河区珠江新城华夏路10号1203房"),
        ("purchase_price", "3,200,000.00"),
        ("contract_date", "2026-10-08"),
    )
    assert wf.handle(MaterialCaptured("purchase_contract", "img-2", contract)) == [
        RequestCapture("purchase_invoice", None)
    ]
    assert wf.handle(MaterialCaptured("purchase_invoice", "img-3")) == [
        RequestCapture("bank_card", None)
    ]
    out = wf.handle(MaterialCaptured("bank_card", "img-4"))
    assert out[0] == ShowScreen("form", 3, "hpf")
    form = out[1]
    assert isinstance(form, ShowForm)
    values = dict(form.values)
    assert values["applicant_name"] == "李明" and values["id_number"] == ID_NUMBER
    assert values["purchase_price"] == "3200000.00" and values["amount"] == "80000"
    assert form.problems == ()  # empty required fields are not flagged before confirming

    # Confirming with fields missing shows what is missing, and stays on the form.
    out = wf.handle(FieldsConfirmed())
    assert len(out) == 1 and isinstance(out[0], ShowForm)
    assert {k for k, code in out[0].problems if code == "required"} == {
        "phone",
        "bank_account",
        "bank_name",
    }
    assert wf.current == 3
    # A mistyped phone number is flagged as it is typed; the citizen's edits go to the hub.
    assert wf.handle(FieldEdited("phone", "1380013800")) == [
        ShowField("phone", "1380013800", "phone.format"),
        SendField("phone", "1380013800"),
    ]
    for key, value in [
        ("phone", "13800138000"),
        ("bank_account", "6222 0212 3456 7890 128"),
        ("bank_name", "中国工商银行"),
    ]:
        wf.handle(FieldEdited(key, value))
    out = wf.handle(FieldsConfirmed())
    assert out[0] == ShowScreen("review", 4, "hpf")
    submit = out[1]
    assert isinstance(submit, SubmitCase) and submit.department == "hpf"
    assert dict(submit.values)["bank_account"] == "6222021234567890128"
    assert dict(submit.materials) == {
        "id_card": "img-1",
        "purchase_contract": "img-2",
        "purchase_invoice": "img-3",
        "bank_card": "img-4",
    }
    # The fund's rules approve; the receipt is awaited without holding him up.
    out = wf.handle(RulesApproved("hpf"))
    assert out == [ShowScreen("rating", 6, "hpf"), AskRating("hpf-withdrawal-purchase", None, None)]
    assert wf.steps()[5].status is StepStatus.WAITING
    assert wf.handle(CertificateIssued("hpf", "HPF-2026-000123")) == [
        ShowCertificate("hpf", "HPF-2026-000123")
    ]
    out = wf.handle(Rated(Level.VERY_SATISFIED))
    assert len(only(out, SendRating)) == 1
    assert out[-1] == FinishCase("B-1", "done")
    assert wf.clerks == ()  # no clerk needed


def test_story_a_enterprise_deregistration(catalog: Catalog) -> None:
    service = catalog.service("enterprise-deregistration")
    wf = Workflow(service, "A-1", today=TODAY)
    assert wf.handle(Started()) == [ShowScreen("identify", 0, "general"), RequestIdentity()]
    # She booked: the appointment identifies her; the general cloud-seat clerk answers.
    out = wf.handle(IdentityVerified("appointment", "陈静", ID_NUMBER))
    assert out == [ShowScreen("questions", 1, "general"), CallClerk("general")]
    assert wf.handle(ClerkJoined("general", "gen-7")) == []
    out = wf.handle(QuestionsAnswered())
    assert out == [ShowScreen("capture", 2, "tax"), RequestCapture("legal_rep_id_card", "id_card")]
    assert wf.department_status() == {
        "market": "pending",
        "general": "done",
        "tax": "active",
        "social": "pending",
    }
    # The general clerk invited a tax clerk, who asks for the licence first.
    wf.handle(ClerkJoined("tax", "tax-3"))
    assert wf.handle(CaptureRequested("business_license", "tax-3")) == [
        RequestCapture("business_license", "business_license")
    ]
    licence = (("company_name", "广州晓屋餐饮管理有限公司"), ("uscc", USCC))
    out = wf.handle(MaterialCaptured("business_license", "img-lic", licence))
    assert out == [RequestCapture("legal_rep_id_card", "id_card")]
    for code in [
        "legal_rep_id_card",
        "business_license_duplicate",
        "tax_clearance_form",
        "deregistration_application",
        "dissolution_resolution",
    ]:
        out = wf.handle(MaterialCaptured(code, f"img-{code}"))
    out = wf.handle(MaterialCaptured("liquidation_report", "img-liq"))
    assert out[0] == ShowScreen("form", 3, "tax")
    # The tax clerk fills the clearance form with her; both see the same fields.
    assert wf.handle(FieldEdited("legal_rep_name", "陈静", by="clerk")) == [
        ShowField("legal_rep_name", "陈静", None, "clerk")
    ]
    for key, value in [
        ("phone", "13912345678"),
        ("dissolution_reason", "resolution"),
        ("liquidation_date", "2026-11-20"),
    ]:
        wf.handle(FieldEdited(key, value, by="clerk"))
    out = wf.handle(FieldsConfirmed())
    assert out[0] == ShowScreen("review", 4, "tax")
    assert isinstance(out[1], SubmitCase) and out[1].department == "tax"
    # The tax clerk approves and invites social security; the consultation begins.
    out = wf.handle(ClerkApproved("tax", "tax-3"))
    assert out == [ShowScreen("consult", 6, "social"), CallClerk("social")]
    assert wf.steps()[5].status is StepStatus.WAITING  # the clearance certificate
    wf.handle(ClerkJoined("social", "soc-2"))
    # The clearance certificate reaches her phone while she is still asking about her pension.
    assert wf.handle(CertificateIssued("tax", "QS-44010120260001")) == [
        ShowCertificate("tax", "QS-44010120260001")
    ]
    assert wf.current == 6 and wf.department_status()["tax"] == "done"
    out = wf.handle(ConsultEnded("social"))
    assert out[0] == ShowScreen("form", 7, "market")
    assert dict(out[1].values)["company_name"] == "广州晓屋餐饮管理有限公司"  # type: ignore[union-attr]
    wf.handle(ClerkJoined("market", "mkt-5"))
    out = wf.handle(FieldsConfirmed())
    assert out == [ShowScreen("locker", 8, "market"), OpenSlot("market", "A-1")]
    assert wf.handle(SlotOpened("L-07")) == [ShowScreen("locker_open", 8, "market")]
    out = wf.handle(SlotClosed("L-07", item_present=True))
    assert out[0] == ShowScreen("review", 9, "market")
    assert isinstance(out[1], SubmitCase) and out[1].department == "market"
    out = wf.handle(ClerkApproved("market", "mkt-5"))
    assert out == [
        ShowScreen("rating", 11, "market"),
        AskRating("enterprise-deregistration", None, None),
    ]
    assert wf.handle(CertificateIssued("market", "ZX-2026-0042")) == [
        ShowCertificate("market", "ZX-2026-0042")
    ]
    # One rating for the item, then one per clerk, each department named.
    asked = [AskRating("enterprise-deregistration", None, None)]
    ratings = []
    for clerk in [None, "gen-7", "tax-3", "soc-2", "mkt-5"]:
        out = wf.handle(Rated(Level.SATISFIED, clerk))
        ratings += [c.rating for c in only(out, SendRating)]  # type: ignore[attr-defined]
        asked += only(out, AskRating)  # type: ignore[arg-type]
    assert [a.clerk for a in asked] == [None, "gen-7", "tax-3", "soc-2", "mkt-5"]  # type: ignore[attr-defined]
    assert [a.department for a in asked] == [None, "general", "tax", "social", "market"]  # type: ignore[attr-defined]
    assert [r.clerk for r in ratings] == [None, "gen-7", "tax-3", "soc-2", "mkt-5"]
    assert out[-1] == FinishCase("A-1", "done")
    assert wf.certificates == {"tax": "QS-44010120260001", "market": "ZX-2026-0042"}
    assert wf.department_status() == {
        "market": "done",
        "general": "done",
        "tax": "done",
        "social": "done",
    }
    assert all(s.status is StepStatus.DONE for s in wf.steps())
