"""The digital clerk's conversation for a housing provident fund withdrawal (story B).

Theory of operation: a pure state machine. ``handle(utterance) -> Turn`` takes what the
citizen said (recognised speech or typed text: the same path) and returns the clerk's
reply, the case draft so far, and what answers are expected next (for the recognizer's
grammar). No audio, no IO, no clock.

    PURPOSE --> AMOUNT --> ACCOUNT --> MATERIALS --> CONFIRM --> DONE
       (each step is skipped when the catalog form of the chosen service lacks its field)
    any state --(asks for a person / second unclear answer in a row)--> HANDOFF

The purpose picks the catalog service (rent -> ``hpf-withdrawal-rent`` ...); that
service's form says whether an amount and an account are needed, and its materials make
the checklist. At any point the citizen may correct an earlier answer ("不对，是租房"):
the slot is replaced, the service and checklist follow, and the dialogue asks for what is
still missing. An utterance that fills nothing is answered from the knowledge base when
it is a question the clerk can answer; otherwise it is unclear: the question is asked
again once, and the second unclear answer in a row hands the citizen to a human clerk
with the transcript and the draft.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from kiosk.core.catalog import Catalog, Material, Service
from kiosk.speech.answering import Answer
from kiosk.speech.knowledge import Localized
from kiosk.speech.spoken_values import (
    NO_WORDS,
    YES_WORDS,
    any_sounds_like,
    card_number,
    money,
    yes_or_no,
)


class Purpose(enum.Enum):
    PURCHASE = "purchase"
    RENT = "rent"
    RETIREMENT = "retirement"
    LEAVE_CITY = "leave_city"


PURPOSE_SERVICE = {
    Purpose.PURCHASE: "hpf-withdrawal-purchase",
    Purpose.RENT: "hpf-withdrawal-rent",
    Purpose.RETIREMENT: "hpf-withdrawal-retirement",
    Purpose.LEAVE_CITY: "hpf-account-transfer",
}

# What citizens say for each purpose (matched by sound, so 组房 counts as 租房).
PURPOSE_WORDS = {
    Purpose.RENT: ("租房", "房租", "租金", "租的房", "租住", "交租"),
    Purpose.PURCHASE: ("买房", "购房", "买了房", "买房子", "首付", "新房", "二手房"),
    Purpose.RETIREMENT: ("退休",),
    Purpose.LEAVE_CITY: (
        "离开本市",
        "去外地",
        "回老家",
        "调走",
        "转到外地",
        "异地转移",
        "迁出",
        "离开这",
    ),
}
CLERK_WORDS = ("人工", "工作人员", "真人", "客服", "坐席")
CORRECTION_WORDS = ("不对", "不是", "错了", "改成", "改为", "应该是", "换成", "我说的是")
ALL_WORDS = ("全部", "全取", "都取", "所有", "全都")

# From the HPF withdrawal guide (assets/kb/hpf.yaml, hpf-rent-amount): a year's rent
# withdrawals may not exceed this many yuan.
RENT_YEARLY_LIMIT = Decimal(18000)


class Step(enum.Enum):
    PURPOSE = "purpose"
    AMOUNT = "amount"
    ACCOUNT = "account"
    MATERIALS = "materials"
    CONFIRM = "confirm"
    DONE = "done"
    HANDOFF = "handoff"


@dataclass(frozen=True, slots=True)
class MaterialItem:
    """One line of the checklist: a catalog material, by code and name."""

    code: str
    name: Localized
    doc_type: str | None
    original_required: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": {"zh_CN": self.name.zh_CN, "en": self.name.en, "zh_HK": self.name.zh_HK},
            "doc_type": self.doc_type,
            "original_required": self.original_required,
        }


@dataclass(frozen=True, slots=True)
class CaseDraft:
    """What the conversation found out: plain data for the workflow."""

    purpose: Purpose | None = None
    service: str | None = None
    amount: Decimal | None = None  # yuan; None with withdraw_all or when not asked
    withdraw_all: bool = False
    bank_account: str | None = field(default=None, repr=False)
    materials: tuple[MaterialItem, ...] = ()
    materials_confirmed: bool = False
    confirmed: bool = False

    def answers(self) -> dict[str, str]:
        """The filled form fields, by the catalog's form-field keys."""
        out: dict[str, str] = {}
        if self.amount is not None:
            out["amount"] = f"{self.amount:.2f}"
        if self.bank_account:
            out["bank_account"] = self.bank_account
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "purpose": self.purpose.value if self.purpose else None,
            "answers": self.answers(),
            "withdraw_all": self.withdraw_all,
            "materials": [m.to_json() for m in self.materials],
            "materials_confirmed": self.materials_confirmed,
            "confirmed": self.confirmed,
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """The clerk's reply to one utterance."""

    reply: str
    step: Step
    draft: CaseDraft
    handoff: bool = False
    done: bool = False
    expected: tuple[str, ...] = ()  # phrases the next answer is likely to contain
    answer: Answer | None = None  # a knowledge-base answer given along the way
    transcript: tuple[str, ...] = ()  # on handoff: what the citizen said, for the clerk


def _t(zh_cn: str, en: str, zh_hk: str) -> Localized:
    return Localized(zh_cn, en, zh_hk)


PROMPTS: dict[str, Localized] = {
    "greeting": _t(
        "您好，我是数字业务员。请问您提取公积金是用于买房、租房、退休，还是离开本市？",
        "Hello, I am the digital clerk. Is your provident fund withdrawal for buying a home, "
        "paying rent, retirement, or leaving the city?",
        "您好，我是數碼業務員。請問您提取公積金是用於買房、租房、退休，還是離開本市？",
    ),
    "purpose": _t(
        "好的，办理公积金提取。请问是用于买房、租房、退休，还是离开本市？",
        "Fine, a provident fund withdrawal. Is it for buying a home, paying rent, "
        "retirement, or leaving the city?",
        "好的，辦理公積金提取。請問是用於買房、租房、退休，還是離開本市？",
    ),
    "purpose_again": _t(
        "抱歉没听明白。请说“买房”、“租房”、“退休”或“离开本市”，也可以点屏幕上的选项。",
        "Sorry, I did not understand. Please say buying, rent, retirement or leaving, or tap "
        "an option on the screen.",
        "抱歉沒聽明白。請說「買房」、「租房」、「退休」或「離開本市」，也可以點屏幕上的選項。",
    ),
    "amount": _t(
        "好的，办理{service}。请问您要提取多少钱？也可以说“全部”。",
        "Fine: {service}. How much would you like to withdraw? You can also say all of it.",
        "好的，辦理{service}。請問您要提取多少錢？也可以說「全部」。",
    ),
    "amount_again": _t(
        "抱歉没听清金额。请说一个数字，比如“五千元”，或者说“全部”。",
        "Sorry, I did not catch the amount. Please say a number such as 5000 yuan, or all.",
        "抱歉沒聽清金額。請說一個數字，比如「五千元」，或者說「全部」。",
    ),
    "amount_over_limit": _t(
        "租房提取每年最多18000元，请说一个不超过18000元的金额。",
        "Rent withdrawals are limited to 18,000 yuan a year; please say an amount up to 18,000.",
        "租房提取每年最多18000元，請說一個不超過18000元的金額。",
    ),
    "account": _t(
        "请说出或输入您本人银行借记卡的卡号。",
        "Please say or type the number of a debit card in your own name.",
        "請說出或輸入您本人銀行借記卡的卡號。",
    ),
    "account_again": _t(
        "抱歉，卡号应为12到19位数字，请再说一遍，也可以在屏幕上输入。",
        "Sorry, a card number has 12 to 19 digits. Please say it again or type it.",
        "抱歉，卡號應為12到19位數字，請再說一遍，也可以在屏幕上輸入。",
    ),
    "materials": _t(
        "需要准备的材料有：{materials}。这些材料都带齐了吗？",
        "You need: {materials}. Do you have all of them with you?",
        "需要準備的材料有：{materials}。這些材料都帶齊了嗎？",
    ),
    "materials_missing": _t(
        "没关系，可以先填好申请，缺少的材料之后补交或在手机上上传。我们继续。",
        "No problem: we can fill in the application now, and you can hand in what is "
        "missing later or upload it from your phone. Let us go on.",
        "沒關係，可以先填好申請，缺少的材料之後補交或在手機上上傳。我們繼續。",
    ),
    "yes_no_again": _t(
        "请回答“是”或者“不是”。",
        "Please answer yes or no.",
        "請回答「是」或者「不是」。",
    ),
    "confirm": _t(
        "请核对：{summary}。确认无误吗？",
        "Please check: {summary}. Is that right?",
        "請核對：{summary}。確認無誤嗎？",
    ),
    "which_wrong": _t(
        "请告诉我哪一项不对，比如“是租房”或者“金额改成三千”。",
        'Please tell me what is wrong, for example "it is for rent" or "make it 3000".',
        "請告訴我哪一項不對，比如「是租房」或者「金額改成三千」。",
    ),
    "done": _t(
        "好的，申请草稿已经填好。下一步请把身份证放到高拍仪下拍照。",
        "Your application draft is ready. Next, please place your ID card under the "
        "document camera.",
        "好的，申請草稿已經填好。下一步請把身份證放到高拍儀下拍照。",
    ),
    "handoff": _t(
        "我为您转接人工服务，工作人员会看到我们刚才的对话和已填写的内容，请稍候。",
        "I am connecting you to a clerk, who will see our conversation and what we filled "
        "in. Please wait a moment.",
        "我為您轉接人工服務，工作人員會看到我們剛才的對話和已填寫的內容，請稍候。",
    ),
    "changed": _t("好的，已改为{what}。", "All right, changed to {what}.", "好的，已改為{what}。"),
    "all": _t("全部余额", "the whole balance", "全部餘額"),
    "yuan": _t("{amount}元", "{amount} yuan", "{amount}元"),
    "card": _t("尾号{tail}的银行卡", "the card ending {tail}", "尾號{tail}的銀行卡"),
}

_LIST_SEP = {"zh_CN": "、", "en": ", ", "zh_HK": "、"}


class WithdrawalDialogue:
    """One citizen's withdrawal conversation. Create one per session.

    ``catalog`` gives the services' forms and materials; ``answer`` (optional) answers a
    question asked in the middle of the conversation, e.g. :meth:`Answerer.ask`.
    """

    def __init__(
        self,
        catalog: Catalog,
        lang: str = "zh_CN",
        answer: Callable[[str, str], Answer] | None = None,
        max_unclear: int = 2,
    ) -> None:
        self._catalog = catalog
        self.lang = lang
        self._answer = answer
        self._max_unclear = max_unclear
        self.step = Step.PURPOSE
        self.draft = CaseDraft()
        self._unclear = 0
        self._transcript: list[str] = []

    # -- public -------------------------------------------------------------------------

    def start(self, *, introduce: bool = True) -> Turn:
        """The first question, with the clerk introducing itself or (when the citizen
        already talks to it) without."""
        return self._turn(self._say("greeting" if introduce else "purpose"))

    def start_for(self, service_code: str) -> Turn:
        """Start with the purpose already chosen (the citizen picked the service)."""
        purpose = next((p for p, code in PURPOSE_SERVICE.items() if code == service_code), None)
        if purpose is None:
            raise ValueError(f"{service_code} is not a provident fund withdrawal")
        self._set_purpose(purpose)
        return self._advance("")

    def handle(self, utterance: str) -> Turn:
        """The reply to what the citizen said (recognised or typed)."""
        if self.step in (Step.DONE, Step.HANDOFF):
            raise RuntimeError(f"the dialogue has ended ({self.step.value})")
        self._transcript.append(utterance)
        if any_sounds_like(utterance, CLERK_WORDS):
            return self._hand_off()
        correcting = any(w in utterance for w in CORRECTION_WORDS)
        filled, note = self._fill(utterance, correcting)
        if filled:
            self._unclear = 0
            return self._advance(note)
        if correcting and self.step is Step.CONFIRM:
            self._unclear = 0
            return self._turn(self._say("which_wrong"))
        if self._answer is not None:
            answer = self._answer(utterance, self.lang)
            if answer.topic is not None and not answer.handoff:
                self._unclear = 0
                return self._turn(answer.answer + " " + self._question(), answer=answer)
        self._unclear += 1
        if self._unclear >= self._max_unclear:
            return self._hand_off()
        return self._turn(self._say(self._again_prompt()))

    def expected_phrases(self) -> tuple[str, ...]:
        """What the answer to the current question is likely to contain (for a grammar)."""
        common = (*CLERK_WORDS, *CORRECTION_WORDS)
        purposes = tuple(w for words in PURPOSE_WORDS.values() for w in words)
        if self.step is Step.PURPOSE:
            return (*purposes, *common)
        if self.step is Step.AMOUNT:
            return (*_NUMBER_WORDS, "元", "块", *ALL_WORDS, *purposes, *common)
        if self.step is Step.ACCOUNT:
            return (*_NUMBER_WORDS[:10], *common)
        return (*YES_WORDS, *NO_WORDS, *purposes, *common)

    # -- filling slots ------------------------------------------------------------------

    def _fill(self, text: str, correcting: bool) -> tuple[bool, str]:
        """Put what ``text`` says into the draft; (anything filled?, a note to say)."""
        filled = False
        note = ""
        purpose = purpose_in(text)
        if purpose is not None and (self.step is Step.PURPOSE or purpose != self.draft.purpose):
            changed = self.draft.purpose is not None
            self._set_purpose(purpose)
            filled = True
            if changed:
                note = self._say("changed", what=self._service_name())
        if self.step is Step.AMOUNT or (correcting and self.step is not Step.ACCOUNT):
            if any(w in text for w in ALL_WORDS):
                self.draft = replace(self.draft, amount=None, withdraw_all=True)
                filled = True
            else:
                amount = money(text)
                if amount is not None and amount > 0 and card_number(text) is None:
                    if self.draft.purpose is Purpose.RENT and amount > RENT_YEARLY_LIMIT:
                        return False, ""
                    if correcting and self.draft.amount is not None:
                        note = self._say("changed", what=self._say("yuan", amount=f"{amount:,.0f}"))
                    self.draft = replace(self.draft, amount=amount, withdraw_all=False)
                    filled = True
        if self.step is Step.ACCOUNT or correcting:
            account = card_number(text)
            if account is not None:
                self.draft = replace(self.draft, bank_account=account)
                filled = True
        if not filled and self.step is Step.MATERIALS:
            have = yes_or_no(text)
            if have is not None:
                self.draft = replace(self.draft, materials_confirmed=True)
                note = "" if have else self._say("materials_missing")
                filled = True
        if not filled and self.step is Step.CONFIRM and not correcting and yes_or_no(text):
            self.draft = replace(self.draft, confirmed=True)
            filled = True
        return filled, note

    def _set_purpose(self, purpose: Purpose) -> None:
        service = self._service(purpose)
        materials = tuple(
            MaterialItem(m.code, _localized(m), m.doc_type, m.original_required)
            for m in (service.materials if service else ())
        )
        fields = {f.key for f in service.form} if service else set()
        self.draft = replace(
            self.draft,
            purpose=purpose,
            service=service.code if service else None,
            materials=materials,
            materials_confirmed=False,
            confirmed=False,
            amount=self.draft.amount if "amount" in fields else None,
            withdraw_all=self.draft.withdraw_all and "amount" in fields,
            bank_account=self.draft.bank_account if "bank_account" in fields else None,
        )

    def _service(self, purpose: Purpose) -> Service | None:
        try:
            return self._catalog.service(PURPOSE_SERVICE[purpose])
        except KeyError:
            return None

    # -- moving on ----------------------------------------------------------------------

    def _needs(self, key: str) -> bool:
        service = self._service(self.draft.purpose) if self.draft.purpose else None
        return service is not None and any(f.key == key for f in service.form)

    def _next_step(self) -> Step:
        d = self.draft
        if d.purpose is None:
            return Step.PURPOSE
        if self._service(d.purpose) is None:
            return Step.HANDOFF
        if self._needs("amount") and d.amount is None and not d.withdraw_all:
            return Step.AMOUNT
        if self._needs("bank_account") and not d.bank_account:
            return Step.ACCOUNT
        if not d.materials_confirmed:
            return Step.MATERIALS
        if not d.confirmed:
            return Step.CONFIRM
        return Step.DONE

    def _advance(self, note: str) -> Turn:
        self.step = self._next_step()
        if self.step is Step.HANDOFF:
            return self._hand_off()
        if self.step is Step.DONE:
            return self._turn(self._say("done"), done=True)
        question = self._question()
        return self._turn(f"{note} {question}".strip())

    def _question(self) -> str:
        if self.step is Step.PURPOSE:
            return self._say("greeting")
        if self.step is Step.AMOUNT:
            return self._say("amount", service=self._service_name())
        if self.step is Step.ACCOUNT:
            return self._say("account")
        if self.step is Step.MATERIALS:
            names = _LIST_SEP.get(self.lang, "、").join(
                m.name.get(self.lang) for m in self.draft.materials
            )
            return self._say("materials", materials=names)
        return self._say("confirm", summary=self._summary())

    def _again_prompt(self) -> str:
        return {
            Step.PURPOSE: "purpose_again",
            Step.AMOUNT: "amount_again",
            Step.ACCOUNT: "account_again",
        }.get(self.step, "yes_no_again")

    def _summary(self) -> str:
        parts = [self._service_name()]
        if self.draft.withdraw_all:
            parts.append(self._say("all"))
        elif self.draft.amount is not None:
            parts.append(self._say("yuan", amount=f"{self.draft.amount:,.0f}"))
        if self.draft.bank_account:
            parts.append(self._say("card", tail=self.draft.bank_account[-4:]))
        return _LIST_SEP.get(self.lang, "、").join(parts)

    def _service_name(self) -> str:
        service = self._service(self.draft.purpose) if self.draft.purpose else None
        return service.name.get(self.lang) if service else ""

    def _hand_off(self) -> Turn:
        self.step = Step.HANDOFF
        return self._turn(self._say("handoff"), handoff=True, transcript=tuple(self._transcript))

    def _say(self, key: str, **values: str) -> str:
        return PROMPTS[key].get(self.lang).format(**values)

    def _turn(self, reply: str, **extra: Any) -> Turn:
        over = self.step in (Step.DONE, Step.HANDOFF)
        return Turn(
            reply=reply,
            step=self.step,
            draft=self.draft,
            expected=() if over else self.expected_phrases(),
            **extra,
        )


_NUMBER_WORDS = (
    "零",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "两",
    "幺",
    "十",
    "百",
    "千",
    "万",
)


def purpose_in(text: str) -> Purpose | None:
    """The withdrawal purpose ``text`` names, if it names exactly one (or corrects one)."""
    found = [p for p, words in PURPOSE_WORDS.items() if any_sounds_like(text, words)]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        # "不是买房，是租房": the purpose said last is the one meant.
        return max(found, key=lambda p: max(text.rfind(w) for w in PURPOSE_WORDS[p]))
    return None


def _localized(material: Material) -> Localized:
    name = material.name
    return Localized(name.zh_CN, name.en, name.zh_HK)
