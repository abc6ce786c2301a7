"""The media store: the folder vs an S3-compatible bucket (a local moto server by default).

For each store: `put` of N recordings of SIZE bytes (streamed in 64 KiB chunks, as a
platform download arrives), then `local_path` of each on a second machine with an empty
cache (the S3 store downloads and checks the hash; the folder store has nothing to do).
Against moto the figures are loopback figures: they show the store's own overhead, not a
real bucket's latency.

    .venv/bin/python benchmarks/media_store.py [--count 20] [--size-mb 5]
    MEDIA_S3_ENDPOINT_URL=… MEDIA_URL=s3://bucket/prefix .venv/bin/python benchmarks/media_store.py
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.blobs import MediaStore  # noqa: E402
from storage.s3blobs import S3MediaStore  # noqa: E402

CHUNK = 64 * 1024


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start:start + CHUNK]


async def measure(name: str, writer: MediaStore, reader: MediaStore,
                  blobs: list[bytes]) -> None:
    started = time.perf_counter()
    stored = [await writer.put(chunks(b)) for b in blobs]
    put_s = time.perf_counter() - started
    started = time.perf_counter()
    for blob in stored:
        await reader.local_path(blob.path)
    read_s = time.perf_counter() - started
    mib = sum(len(b) for b in blobs) / 2**20
    print(f"| {name} | {len(blobs)} | {put_s:.2f} | {mib / put_s:.0f} | {read_s:.2f} | "
          f"{mib / read_s if read_s > 0.001 else float('inf'):.0f} |")


async def main(count: int, size_mb: float) -> None:
    blobs = [os.urandom(int(size_mb * 2**20)) for _ in range(count)]
    url, endpoint = os.environ.get("MEDIA_URL"), os.environ.get("MEDIA_S3_ENDPOINT_URL")
    server = None
    if url is None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                          AWS_DEFAULT_REGION="us-east-1")
        url = "s3://bench/media"
    print(f"{count} recordings of {size_mb} MiB; S3 at {endpoint or 'the AWS default'}\n")
    print("| store | blobs | put s | put MiB/s | cold read s | read MiB/s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        await measure("folder", MediaStore(root / "f"), MediaStore(root / "f"), blobs)
        one = S3MediaStore(url, root / "one", endpoint)
        two = S3MediaStore(url, root / "two", endpoint)
        try:
            if server is not None:
                await (await one._s3()).create_bucket(Bucket="bench")
            await measure("s3", one, two, blobs)
        finally:
            await one.close()
            await two.close()
    if server is not None:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--size-mb", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(main(args.count, args.size_mb))
