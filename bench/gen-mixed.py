#!/usr/bin/env python3
"""gen-mixed.py DIR [MiB] - a deterministic mixed data set of about MiB mebibytes (default 1024).

Half incompressible (random bytes in a few large and several medium files), three eighths
compressible (text-like: random letters from a 16-letter alphabet and newlines, about 2:1 with
zstd), one eighth small files (4-64 KiB, random). No duplicates at chunk granularity, so a first
backup stores everything. Seed: BENCH_SEED (default 1).
"""
import os
import random
import sys

MiB = 1 << 20


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    root = sys.argv[1]
    total = int(sys.argv[2]) * MiB if len(sys.argv) == 3 else 1024 * MiB
    rnd = random.Random(int(os.environ.get("BENCH_SEED", "1")))
    os.makedirs(root, exist_ok=False)

    def write(path, n, kind):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            left = n
            while left:
                k = min(left, 4 * MiB)
                if kind == "random":
                    f.write(rnd.randbytes(k))
                else:
                    b = rnd.randbytes(k).translate(TEXT)
                    f.write(b)
                left -= k

    random_bytes = total // 2
    text_bytes = total * 3 // 8
    small_bytes = total - random_bytes - text_bytes
    # incompressible: large and medium files
    big = min(128 * MiB, random_bytes // 4)
    done = 0
    i = 0
    while done < random_bytes:
        n = min(big if i < 2 else 8 * MiB, random_bytes - done)
        write(os.path.join(root, "random", f"r{i:04d}.bin"), n, "random")
        done += n
        i += 1
    # compressible text-like files of 1-16 MiB
    done = 0
    i = 0
    while done < text_bytes:
        n = min(rnd.randint(1, 16) * MiB, text_bytes - done)
        write(os.path.join(root, "text", f"d{i % 8}", f"t{i:04d}.txt"), n, "text")
        done += n
        i += 1
    # small files in many directories
    done = 0
    i = 0
    while done < small_bytes:
        n = min(rnd.randint(4, 64) * 1024, small_bytes - done)
        write(os.path.join(root, "small", f"s{i // 200:03d}", f"f{i:05d}.dat"), n, "random")
        done += n
        i += 1


# 256 bytes to 15 letters and newline: 4 bits of entropy per byte
TEXT = bytes((b"abcdefghijklmno\n"[b % 16]) for b in range(256))

if __name__ == "__main__":
    main()
