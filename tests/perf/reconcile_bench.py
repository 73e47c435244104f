"""How long a batch of 100 reconciliation queries takes (issue 7: "well under a second").

    .venv/bin/python tests/perf/reconcile_bench.py [--root DIR] [--repeat 20]

Serves the project's published build (``--root``, default: this repository; run
``kazcinema build`` first) in-process through the Flask test client, the same door as
``tests/test_reconciliation_api.py``, so it times the service and not a network. The batch: 70
entity labels in every script, 15 of them with two letters swapped, 15 invented names; then
the same batch with a ``releaseYear`` and a ``director`` constraint on every query (which reads
the candidates' facts with SPARQL). Prints the median and the worst of ``--repeat`` runs after
one warm-up run (which also loads the name index).

Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from server import create_app  # noqa: E402
from server.search import get_name_index  # noqa: E402
from server.state import get_state  # noqa: E402

LABELS = """SELECT ?l WHERE { GRAPH <https://w3id.org/kazcinema/graph/entities> {
    ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }"""

INVENTED = ["Qorvax Ugglethorpe", "Blimfrod Narnwick", "Xantheo Plotz", "Zebulon Fnord",
            "Vyxx Glorbax", "Quillon Dweezil", "Jabberwock Throgmorton", "Грымзабур Ъхъхъх",
            "Фываолд Прстнк", "Mxyzptlk Ozymandiax", "Kwyjibo Wugwug", "Snarfle Bamboozle",
            "Ыщщъ Джжжж", "Prrrt Vorpal", "Zzzz Yyyy"]


def batch(labels: list[str], rng: random.Random, constrained: bool) -> dict[str, Any]:
    chosen = rng.sample(labels, 85)
    texts = chosen[:70] + [swap(label, rng) for label in chosen[70:]] + INVENTED
    extra = {"properties": [{"pid": "releaseYear", "v": 1988},
                            {"pid": "director", "v": "Rashid Nugmanov"}]} if constrained else {}
    return {f"q{i}": {"query": text, **extra} for i, text in enumerate(texts)}


def swap(label: str, rng: random.Random) -> str:
    if len(label) < 4:
        return label
    i = rng.randrange(1, len(label) - 2)
    return label[:i] + label[i + 1] + label[i] + label[i + 2:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app = create_app({"ROOT": str(args.root), "TESTING": True})
    client = app.test_client()
    with app.test_request_context():
        started = time.perf_counter()
        get_name_index()
        print(f"name index loaded in {time.perf_counter() - started:.2f} s")
        labels = sorted({row["l"].value for row in get_state().store.query(LABELS)})
    rng = random.Random(7)
    for constrained in (False, True):
        queries = json.dumps(batch(labels, rng, constrained))
        times = []
        for run in range(args.repeat + 1):
            started = time.perf_counter()
            response = client.post("/reconcile", data={"queries": queries})
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.get_data(as_text=True)
            if run:
                times.append(elapsed)
        what = "with 2 constraints each" if constrained else "names only"
        print(f"100 queries, {what}: median {statistics.median(times) * 1000:.0f} ms, "
              f"worst {max(times) * 1000:.0f} ms ({args.repeat} runs, {len(labels)} labels)")


if __name__ == "__main__":
    main()
