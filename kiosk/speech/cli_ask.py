"""``kiosk ask "问题" [--json]``: ask the digital clerk a question from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kiosk.config import Config

HELP = "ask the digital clerk a question (answers offline from the service guides)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question, in Chinese (or as recognised)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=["zh_CN", "en", "zh_HK"], default=None,
                        help="language of the answer (default: the booth's language)")
    parser.add_argument("--kb", metavar="DIR", help="knowledge base folder (default: assets/kb)")


def main(args: argparse.Namespace, config: Config) -> int:
    from kiosk.speech.answering import Answerer
    from kiosk.speech.knowledge import load_knowledge_base

    kb = load_knowledge_base(Path(args.kb) if args.kb else None)
    answer = Answerer(kb).ask(args.question, args.lang or config.booth.language)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    print(answer.answer)
    if answer.source:
        print(f"—— {answer.source}")
    if answer.handoff:
        print("[handoff to a clerk]")
    return 0
