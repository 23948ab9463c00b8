#!/usr/bin/env python3
"""Lists place names that are also common words, as candidates for
data/places-stop.tsv: runs `marsad places` over the ANERcorp text (tokens
joined by spaces) and counts, for each matched name, how often its tokens
are tagged as a location (B-/I-LOC) and how often outside any name (O).
A name matched at least MIN times as O and less than a quarter as often as a
location is printed as "name<TAB>ANERcorp: N other, M location".

usage: tools/places_stop_candidates.py NERDIR [MIN] > candidates.tsv
(review by hand before adding lines to data/places-stop.tsv)
"""
import collections
import os
import subprocess
import sys
import tempfile

ner = sys.argv[1]
minimum = int(sys.argv[2]) if len(sys.argv) > 2 else 2
toks, tags = [], []
for line in open(f'{ner}/ANERcorp_train.txt', encoding='utf-8'):
    p = line.split()
    if len(p) == 2:
        toks.append(p[0])
        tags.append(p[1])
text, starts = [], []
off = 0
for t in toks:
    starts.append(off)
    piece = t + ('\n' if t == '.' else ' ')
    text.append(piece)
    off += len(piece.encode('utf-8'))
data = ''.join(text).encode('utf-8')
with tempfile.NamedTemporaryFile(suffix='.txt', delete=False) as f:
    f.write(data)
    path = f.name
marsad = os.path.join(os.path.dirname(__file__), '..', 'build', 'marsad')
out = subprocess.run([marsad, 'places', path], capture_output=True,
                     check=True).stdout.decode('utf-8')
os.unlink(path)
import bisect
other, loc = collections.Counter(), collections.Counter()
for line in out.splitlines():
    if line.startswith('#'):
        continue
    f = line.split('\t')
    ns, ne = int(f[3]), int(f[4])
    name = data[ns:ne].decode('utf-8')
    i = bisect.bisect_right(starts, ns) - 1
    j = bisect.bisect_right(starts, ne - 1) - 1
    t = tags[i:j + 1]
    if any(x.endswith('LOC') for x in t):
        loc[name] += 1
    elif all(x == 'O' for x in t):
        other[name] += 1
for name, n in sorted(other.items(), key=lambda x: -x[1]):
    if n >= minimum and loc[name] * 4 < n:
        print(f'{name}\tANERcorp: {n} other, {loc[name]} location')
