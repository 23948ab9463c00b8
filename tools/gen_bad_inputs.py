#!/usr/bin/env python3
"""gen_bad_inputs.py — writes the bad-input test files, deterministically.

    python3 tools/gen_bad_inputs.py DIR          small files (tests/data/bad/)
    python3 tools/gen_bad_inputs.py --big FILE   the 50 MiB single line

The small files are committed in tests/data/bad/; the table of what each one
must give is tests/data/badinput.tsv (written by hand: the counts there were
worked out from the bytes below, and `--check DIR` recounts them with a
decoder written independently of the C one). The 50 MiB line is generated at
test time into build/ and never committed.
"""
import os
import sys

AR = "قتل ثلاثة أشخاص في اشتباكات بمدينة سرت يوم 24/أبريل/2016، وأصيب ١٢ آخرون."


def xorshift_bytes(n, seed=0x9E3779B9):
    """n pseudo-random bytes from xorshift32: the same on every machine."""
    x, out = seed, bytearray()
    while len(out) < n:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(x & 0xFF)
    return bytes(out)


def files():
    ar = AR.encode()
    diacritics = "ًٌٍَُِّْٰ".encode()  # tashkeel U+064B..U+0652 and U+0670
    return {
        # nothing at all
        "empty.txt": b"",
        # random bytes, NULs included (about 1 in 256)
        "binary.bin": xorshift_bytes(4096),
        # tashkeel and tatweel only, on three lines: no letters at all
        "diacritics.txt": (diacritics * 50 + b"\n") * 2 + "ـــ".encode() + diacritics * 10 + b"\n",
        # UTF-16 surrogates encoded as UTF-8 (invalid): U+D800 alone, U+DFFF
        # alone, and the CESU-8 pair for U+1F600
        "surrogates.txt": ar + b"\n"
                          + "قتل ".encode() + b"\xED\xA0\x80" + " شخص\n".encode()
                          + b"\xED\xBF\xBF\n"
                          + b"\xED\xA0\xBD\xED\xB8\x80" + ar + b"\n",
        # overlong forms of '/', of NUL, of U+007F; 5-byte form; above
        # U+10FFFF; bytes that never occur in UTF-8
        "overlong.txt": ar + b"\n" + ar + b"\n"
                        + b"x\xC0\xAF y\xE0\x80\xAF z\xF0\x80\x80\xAF \xC1\xBF"
                          b" \xC0\x80 \xF8\x88\x80\x80\x80 \xF4\x90\x80\x80 \xFF\xFE\n"
                        + ar + b"\n",
        # sequences cut short: mid-line and at the very end of the file
        "truncated.txt": "قتل ".encode() + b"\xE2\x82" + " شخص\n".encode() + ar + b"\xD8",
        # NUL bytes inside Arabic words, on line 3
        "nul.txt": ar + b"\n\n" + "قتل".encode() + b"\0\0" + "شخص".encode() + b"\0\n" + ar + b"\n",
        # valid but unusual: BOM, CRLF line ends, C0/C1 controls, bidi marks
        "controls.txt": b"\xEF\xBB\xBF" + ar + b"\r\n"
                        + b"\x01\x02\x1b[31m" + "قتل\u200fشخص\u202bسرت\u202c\u009bقتل".encode()
                        + b"\x7f" + "\u0085\u009f".encode() + b"\r\n",
    }


def ref_decode_len(b, i):
    """Length of the well-formed UTF-8 sequence at b[i] (Unicode table 3-7),
    or 0 when none starts there."""
    c = b[i]
    if c < 0x80:
        return 1
    if 0xC2 <= c <= 0xDF:
        need, lo, hi = 1, 0x80, 0xBF
    elif c == 0xE0:
        need, lo, hi = 2, 0xA0, 0xBF
    elif 0xE1 <= c <= 0xEC or 0xEE <= c <= 0xEF:
        need, lo, hi = 2, 0x80, 0xBF
    elif c == 0xED:
        need, lo, hi = 2, 0x80, 0x9F
    elif c == 0xF0:
        need, lo, hi = 3, 0x90, 0xBF
    elif 0xF1 <= c <= 0xF3:
        need, lo, hi = 3, 0x80, 0xBF
    elif c == 0xF4:
        need, lo, hi = 3, 0x80, 0x8F
    else:
        return 0
    if i + need >= len(b):
        return 0
    if not lo <= b[i + 1] <= hi:
        return 0
    for k in range(2, need + 1):
        if not 0x80 <= b[i + k] <= 0xBF:
            return 0
    return need + 1


def count(b):
    """(invalid bytes, NUL bytes, line of the first invalid byte, line of the
    first NUL) of b; a line is '-' when there is none."""
    i = bad = nul = 0
    first_bad = first_nul = None
    while i < len(b):
        n = ref_decode_len(b, i)
        if n == 0:
            bad += 1
            first_bad = i if first_bad is None else first_bad
            n = 1
        elif b[i] == 0:
            nul += 1
            first_nul = i if first_nul is None else first_nul
        i += n

    def line(off):
        return "-" if off is None else b.count(b"\n", 0, off) + 1
    return bad, nul, line(first_bad), line(first_nul)


def big_line(path, size=50 * 1024 * 1024):
    """A single line of exactly `size` bytes of Arabic news text, cut on a
    character boundary and padded with spaces, with no line break."""
    unit = (AR + " ").encode()
    reps = size // len(unit)
    with open(path, "wb") as f:
        f.write(unit * reps)
        f.write(b" " * (size - reps * len(unit)))


def main(argv):
    if len(argv) == 3 and argv[1] == "--big":
        big_line(argv[2])
    elif len(argv) == 3 and argv[1] == "--check":
        for name, data in sorted(files().items()):
            bad, nul, lbad, lnul = count(open(os.path.join(argv[2], name), "rb").read())
            print(f"{name}\t{bad}\t{nul}\t{lbad}\t{lnul}")
    elif len(argv) == 2:
        os.makedirs(argv[1], exist_ok=True)
        for name, data in files().items():
            with open(os.path.join(argv[1], name), "wb") as f:
                f.write(data)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
