"""``kiosk ask "问题" [--json]``: ask the digital clerk a question from the command line.

``kiosk ask --converse`` holds the whole conversation by text, one line per utterance on
standard input: the knowledge base's answers and the withdrawal conversation the booth
runs, by typing, as a citizen does at a booth without a speech model or microphone.
With ``--json`` each reply is one JSON line (with the case draft at the end).

When the clerk is not sure which of two close topics is meant it asks back: the answer is
the clarifying question and ``clarify`` lists the choices (``topic``, ``label`` in the
asked language); in ``--converse`` the next line may be a choice's label.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Config

HELP = "ask the digital clerk a question (answers offline from the service guides)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "question", nargs="?", default="", help="the question, in Chinese (or as recognised)"
    )
    parser.add_argument(
        "--converse",
        action="store_true",
        help="hold a conversation: one utterance per line on standard input",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--lang",
        choices=["zh_CN", "en", "zh_HK"],
        default=None,
        help="language of the answer (default: the booth's language)",
    )
    parser.add_argument("--kb", metavar="DIR", help="knowledge base folder (default: assets/kb)")


if TYPE_CHECKING:
    from kiosk.speech.answering import Answerer


def main(args: argparse.Namespace, config: Config) -> int:
    from kiosk.speech.answering import Answerer
    from kiosk.speech.knowledge import load_knowledge_base

    kb = load_knowledge_base(Path(args.kb) if args.kb else None)
    lang = args.lang or config.booth.language
    if args.converse:
        return _converse(Answerer(kb), lang, as_json=args.json)
    if not args.question.strip():
        print("kiosk ask: give a question, or --converse", file=sys.stderr)
        return 2
    answer = Answerer(kb).ask(args.question, lang)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    print(answer.answer)
    for i, choice in enumerate(answer.clarify, 1):
        print(f"  {i}. {choice.label}  [{choice.topic}]")
    if answer.source:
        print(f"—— {answer.source}")
    if answer.handoff:
        print("[handoff to a clerk]")
    return 0


def _converse(answerer: Answerer, lang: str, *, as_json: bool) -> int:
    from kiosk.core.catalog import load_catalog
    from kiosk.speech.clerk import ClerkReply, DigitalClerk
    from kiosk.speech.withdrawal_dialogue import WithdrawalDialogue

    catalog = load_catalog()
    clerk = DigitalClerk(
        answerer, lambda lang: WithdrawalDialogue(catalog, lang, answer=answerer.ask), lang=lang
    )

    def show(reply: ClerkReply) -> None:
        if as_json:
            print(json.dumps(reply.to_json(), ensure_ascii=False), flush=True)
        else:
            print(f"晓屋: {reply.caption}", flush=True)

    show(clerk.greet())
    for line in sys.stdin:
        if not line.strip():
            continue
        reply = clerk.hear(line.strip())
        show(reply)
        if reply.handoff or reply.draft is not None:
            break
    return 0
