"""The published JSON Schema of a factsheet, derived from the pydantic models."""

from functools import lru_cache

from etsatlas.schema import Factsheet


@lru_cache(maxsize=1)
def factsheet_json_schema() -> dict:
    schema = Factsheet.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "/api/v1/schema/factsheet.json"
    return schema
