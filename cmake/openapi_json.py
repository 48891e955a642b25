#!/usr/bin/env python3
"""python3 openapi_json.py IN.yaml OUT.json

docs/openapi.yaml as compact JSON for csmsd to embed (GET /openapi.json). PyYAML (Debian's
python3-yaml) parses it; a duplicate mapping key is an error, not a silent overwrite.
"""
import json
import sys

import yaml


class StrictLoader(yaml.SafeLoader):
    pass


def construct_mapping(loader, node, deep=False):
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        keys.add(key)
    return loader.construct_mapping(node, deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)


def main():
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        document = yaml.load(f, Loader=StrictLoader)
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3.1"):
        sys.exit(f"{source}: not an OpenAPI 3.1 document")
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
