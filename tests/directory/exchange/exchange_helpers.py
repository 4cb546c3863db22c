"""Helpers of the HSDS/CSV exchange tests: the official schemas and examples beside the repository."""
import io
import json
import os
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator



def official_hsds_dir() -> Path:
    """The shared HSDS copy (official compiled schemas and examples): `TASKFORCE_HSDS_DIR`, else
    `../shared/hsds` beside the repository (also how CI lays it out). The app itself validates against its own
    copy of the compiled schemas (taskforce/directory/exchange/hsds_schema/)."""
    if os.environ.get("TASKFORCE_HSDS_DIR"):
        return Path(os.environ["TASKFORCE_HSDS_DIR"])
    return Path(__file__).resolve().parents[3].parent / "shared" / "hsds"


HSDS_DIR = official_hsds_dir()
EXAMPLES = HSDS_DIR / "examples"
needs_shared_hsds = pytest.mark.skipif(not (HSDS_DIR / "schema" / "compiled").is_dir(),
                                       reason=f"official HSDS copy not found at {HSDS_DIR} (set TASKFORCE_HSDS_DIR)")


@lru_cache(maxsize=3)
def compiled_validator(kind: str) -> Draft202012Validator:
    """The official compiled schema, Draft 2020-12, with format checks (uuid, email, date)."""
    schema = json.loads((HSDS_DIR / "schema" / "compiled" / f"{kind}.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def compiled_errors(kind: str, objects: list) -> list[str]:
    return [f"{kind}[{i}]{e.json_path[1:]}: {e.message}" for i, obj in enumerate(objects)
            for e in compiled_validator(kind).iter_errors(obj)]


def example_files() -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted(EXAMPLES.glob("*.json"))]


def unzip(content: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist() if name.endswith(".json")}
