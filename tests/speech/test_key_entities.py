"""Key entities and named services keep the digital clerk from a confident wrong answer:
opening a business is not closing one, a lost card is not an expiring one, a service named
beside a guide about another service gets the catalog's answer, and words of a matter the
booth has no guide for go to a clerk even beside a service's name."""

from __future__ import annotations

import pytest

from kiosk.speech.answering import CLARIFIED_ASPECTS, Answerer
from kiosk.speech.knowledge import load_knowledge_base


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


@pytest.mark.parametrize(
    "question",
    ["注册公司需要准备哪些材料", "我想开一家公司要带什么", "新开公司要交哪些资料"],
)
def test_opening_a_business_is_never_answered_with_closing_one(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.ask(question)
    offered = {answer.topic, *(c.topic for c in answer.clarify)}
    assert not any(t and t.startswith("dereg-") for t in offered), answer


def test_a_named_opening_gets_the_catalogs_materials(answerer: Answerer) -> None:
    answer = answerer.ask("注册公司需要准备哪些材料")
    assert answer.topic == "service:market-company-establishment:materials"


@pytest.mark.parametrize(
    ("question", "service"),
    [
        ("身份证丢了补办要多久", "household-id-card-replacement"),
        ("身份证快到期了换新的要多久", "household-id-card-renewal"),
    ],
)
def test_a_lost_card_and_an_expiring_one_are_told_apart(
    answerer: Answerer, question: str, service: str
) -> None:
    answer = answerer.ask(question)
    other = {
        "household-id-card-replacement": "household-id-card-renewal",
        "household-id-card-renewal": "household-id-card-replacement",
    }[service]
    assert answer.service != other, answer
    assert answer.topic is not None and not answer.handoff


def test_a_new_home_is_not_registered_as_a_second_hand_one(answerer: Answerer) -> None:
    for question in ("新房交楼了办房产证要什么资料", "开发商交房以后房产证怎么办"):
        answer = answerer.ask(question)
        offered = {answer.topic, *(c.topic for c in answer.clarify)}
        assert "realestate-certificate" not in offered, answer
        assert answer.service != "realestate-transfer-registration", answer
    answer = answerer.ask("新房办证要什么资料")
    assert answer.topic == "service:realestate-new-home-registration:materials"


def test_the_named_service_wins_over_a_guide_on_another(answerer: Answerer) -> None:
    # 发票 names 发票领用; the tax clearance guide also speaks of invoices
    answer = answerer.ask("公司领发票要带什么")
    assert answer.topic == "service:tax-invoice-application:materials"


def test_a_service_named_alone_is_asked_about_what_starting_with_what_it_is(
    answerer: Answerer,
) -> None:
    answer = answerer.ask("我想开个完税证明")
    assert answer.topic is None and not answer.handoff
    offered = [c.topic for c in answer.clarify]
    assert offered[0] == "service:tax-payment-certificate:about"
    assert set(offered) <= {f"service:tax-payment-certificate:{a}" for a in CLARIFIED_ASPECTS}


@pytest.mark.parametrize("question", ["公积金贷款利率现在是多少", "养老保险养老金多少钱一个月"])
def test_a_matter_without_a_guide_goes_to_a_clerk_even_beside_a_service(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.ask(question)
    assert answer.handoff and not answer.clarify, answer


def test_every_facet_names_only_services_of_the_catalog() -> None:
    from kiosk.core.catalog import load_catalog

    codes = {s.code for s in load_catalog().services}
    assert load_knowledge_base().facets.services() <= codes


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("社保卡掉了咋办", "social-card-replace"),  # the card in general scores as high
        ("身份证让小偷偷走了咋补", "id-card-lost"),  # stolen is lost
    ],
)
def test_the_guide_on_the_very_kind_named_answers(
    answerer: Answerer, question: str, topic: str
) -> None:
    """Of two guides almost as close, the one about the kind the question names (a lost
    card) answers, not the one about the card in general nor a clerk."""
    answer = answerer.ask(question)
    assert answer.topic == topic and not answer.handoff
