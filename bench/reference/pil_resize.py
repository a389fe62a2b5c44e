"""Reference row of `npm run bench:data`: PIL (Pillow) decoding each JPEG under a folder and
resizing it to SIZE x SIZE, on one thread; the bare decode + resize, no hashing, measuring or
storing. Prints one JSON line: images, seconds (wall) and cpuSeconds per round.
Usage: python3 pil_resize.py FOLDER SIZE ROUNDS"""
import json
import os
import sys
import time

from PIL import Image

folder, size, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
paths = sorted(
    os.path.join(dirpath, name)
    for dirpath, _, names in os.walk(folder)
    for name in names
    if name.lower().endswith((".jpg", ".jpeg"))
)
result = {"pil": Image.__version__, "images": len(paths), "seconds": [], "cpuSeconds": []}
for _ in range(rounds):
    start, cpu_start = time.perf_counter(), time.process_time()
    for path in paths:
        with Image.open(path) as image:
            image.convert("RGB").resize((size, size), Image.BILINEAR)
    result["seconds"].append(time.perf_counter() - start)
    result["cpuSeconds"].append(time.process_time() - cpu_start)
print(json.dumps(result))
