"""The blind rounds of buyer messages (``tests/answers/data``) and per-script accuracy on them.

``python -m tests.answers.rounds ROUND [--wrong]`` prints the figures (and, for the dev round only, the misses)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).parent / "data"
SCRIPTS = ("zh-Hans", "zh-Hant", "en")


def load(name: str) -> list[dict[str, object]]:
    lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def per_script(rows: list[dict[str, object]], right: Callable[[dict[str, object]], bool]) -> dict[str, tuple[int, int]]:
    """(right, total) per script and ``all``."""
    out: dict[str, tuple[int, int]] = {}
    for script in (*SCRIPTS, "all"):
        mine = [r for r in rows if script in ("all", r["script"])]
        out[script] = (sum(1 for r in mine if right(r)), len(mine))
    return out


def readings(rows: list[dict[str, object]]) -> dict[str, list[str]]:
    """What ``detect_intents`` makes of each message, by text."""
    from tracking_service.usecases.answers import detect_intents

    return {str(r["text"]): [i.value for i in detect_intents(str(r["text"]))] for r in rows}


def wanted(row: dict[str, object]) -> list[str]:
    """The labelled intents of a row: ``intents`` (two-question set) or ``[intent]``."""
    return [str(i) for i in row["intents"]] if "intents" in row else [str(row["intent"])]  # type: ignore[attr-defined]


def main(argv: list[str]) -> None:
    name = argv[0]
    rows = load(name)
    got = readings(rows)
    if "intents" in rows[0]:
        primary = per_script(rows, lambda r: got[str(r["text"])][0] == wanted(r)[0])
        print("primary", {k: f"{a}/{n}" for k, (a, n) in primary.items()})
        scores = per_script(rows, lambda r: got[str(r["text"])] == wanted(r))
    else:
        scores = per_script(rows, lambda r: got[str(r["text"])][0] == wanted(r)[0])
    print(name, {k: f"{a}/{n} {a / n:.1%}" for k, (a, n) in scores.items() if n})
    if "--wrong" in argv and name != "sealed_round":  # the sealed round's misses are not for reading
        for r in rows:
            reading = got[str(r["text"])]
            if (reading if "intents" in r else reading[:1]) != wanted(r):
                print(f"  {r['script']:8} want {wanted(r)} got {reading}: {r['text']}")


if __name__ == "__main__":
    main(sys.argv[1:])
