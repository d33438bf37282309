"""The JSON contract of `resv ask --json` and `resv review --json`, generated from the models the code returns.

    python -m assistant.contract          # write contract/*.schema.json from the models
    python -m assistant.contract --check  # exit 1 when the committed files differ from the models

The published contract (`../shared/contract/`) is the floor: ours may add fields, never drop or
rename one. `extends(ours, published)` checks that, and a test runs it on every change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from assistant.models import Answer, Review

CONTRACT_DIR = Path(__file__).resolve().parents[1] / "contract"
SCHEMAS: dict[str, type[BaseModel]] = {"answer.schema.json": Answer, "review.schema.json": Review}


def schema_of(model: type[BaseModel], title: str) -> dict:
    """The JSON Schema of `model`, in the serialisation mode the CLI prints.

    The CLI prints every field, defaults included, so every property of every object is required.
    """
    schema = model.model_json_schema(mode="serialization")
    for node in [schema, *schema.get("$defs", {}).values()]:
        if "properties" in node:
            node["required"] = list(node["properties"])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}


def generated() -> dict[str, str]:
    """File name -> text of every schema, from the models."""
    return {name: json.dumps(schema_of(model, f"resv {name.split('.')[0]}"), ensure_ascii=False, indent=1) + "\n"
            for name, model in SCHEMAS.items()}


def _resolve(node: dict, root: dict) -> dict:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf"):
        options = [o for o in node.get(key, []) if o.get("type") != "null"]
        if len(options) == 1:
            return _resolve(options[0], root)
    return node


def extends(ours: dict, published: dict, path: str = "$", root: dict | None = None) -> list[str]:
    """Where `ours` drops a property or a required field of `published` (empty when it extends it)."""
    root = root or ours
    ours = _resolve(ours, root)
    problems = []
    for field in published.get("required", []):
        if field not in ours.get("required", []):
            problems.append(f"{path}.{field}: no longer required")
    for name, sub in published.get("properties", {}).items():
        if name not in ours.get("properties", {}):
            problems.append(f"{path}.{name}: missing")
            continue
        problems += extends(ours["properties"][name], sub, f"{path}.{name}", root)
    if "items" in published:
        problems += extends(ours.get("items", {}), published["items"], f"{path}[]", root)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in generated().items():
        path = CONTRACT_DIR / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            CONTRACT_DIR.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"Error: contract/{', contract/'.join(stale)} differ from the models: run python -m assistant.contract", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
