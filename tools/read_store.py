"""Reads a NeuronScribe activation store with pyarrow, pandas and DuckDB only (no NeuronScribe).

Usage: python tools/read_store.py STORE [LAYER INDEX]
Prints the store's metadata, a per-layer summary computed by DuckDB, and one unit's top excerpts.
Needs: pip install pyarrow pandas duckdb numpy
"""
import sys

import duckdb
import numpy as np
import pyarrow.dataset as ds


def main(store: str, layer: int | None, index: int | None) -> None:
    units = ds.dataset(f"{store}/units", format="ipc").to_table().to_pandas()
    meta = ds.dataset(f"{store}/units", format="ipc").schema.metadata
    print({k.decode(): v.decode() for k, v in meta.items()})
    print(f"{len(units)} units; mean of the units' means {units['mean'].mean():.6f}")
    refs = ds.dataset(f"{store}/records", format="ipc").to_table(columns=["layer", "index", "list", "excerpt"])
    print(duckdb.sql("select layer, count(distinct index) as units, count(*) as refs, count(distinct excerpt) as excerpts "
                     "from refs group by layer order by layer"))
    if layer is None:
        layer, index = int(units["layer"].iloc[len(units) // 2]), int(units["index"].iloc[len(units) // 2])
    one = ds.dataset(f"{store}/records", format="ipc").to_table(
        filter=(ds.field("layer") == layer) & (ds.field("index") == index)).to_pandas()
    excerpts = ds.dataset(f"{store}/excerpts", format="ipc").to_table().to_pandas().set_index("excerpt")
    top = one[one["list"] == "top"].sort_values("rank")
    print(f"unit {layer}:{index}: {len(one)} references, {len(top)} top excerpts")
    for _, r in top.head(3).iterrows():
        acts = np.asarray(r["activations"], dtype=np.float32)
        text = "".join(excerpts.loc[r["excerpt"], "tokens"]).replace("\n", " ")
        print(f"  max {acts.max():.4f}  {text[:80]!r}")


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], int(a[1]) if len(a) > 1 else None, int(a[2]) if len(a) > 2 else None)
