#!/usr/bin/env python3
"""Derives data/person-names.tsv: words that start a person's name in Arabic
news, from the ANER resources (Benajiba et al. 2007; CAMeL Lab release,
CC BY-SA 4.0), for the gazetteer's "a place right after a first name is part
of a person's name" rule (فايز السراج: السراج is also a Tripoli quarter).

A word is kept when
  - it begins a person's name (B-PERS) at least twice in ANERcorp and is
    tagged outside any name (O) at most a third as often; or
  - it is in ANERGazet's person list, never tagged O in ANERcorp, and is
    also seen as a B-PERS there (so surnames used as common words drop out);
and it has at least 3 letters and no proclitic-prefixed form of a kept word.
Folding here only approximates marsad_fold (the loader folds again).

usage: tools/derive_person_names.py NERDIR > data/person-names.tsv
"""
import collections
import re
import sys

def fold(s):
    s = re.sub('[\u064B-\u065F\u0670\u0640]', '', s)
    for a, b in (('أ', 'ا'), ('إ', 'ا'), ('آ', 'ا'), ('ٱ', 'ا'), ('ى', 'ي'),
                 ('ة', 'ه'), ('ؤ', 'و'), ('ئ', 'ي')):
        s = s.replace(a, b)
    return s

def main():
    ner = sys.argv[1]
    bp, o = collections.Counter(), collections.Counter()
    first = {}
    for line in open(f'{ner}/ANERcorp_train.txt', encoding='utf-8'):
        p = line.split()
        if len(p) != 2:
            continue
        w = fold(p[0])
        first.setdefault(w, p[0])
        if p[1] == 'B-PERS':
            bp[w] += 1
        elif p[1] == 'O':
            o[w] += 1
    keep = {}
    for w, n in bp.items():
        if n >= 2 and 3 * o[w] <= n:
            keep[w] = f'ANERcorp: {n}x first word of a person name, {o[w]}x other'
    for line in open(f'{ner}/ANERGazet/AlignedPersGazetteer.txt',
                     encoding='utf-8'):
        w = fold(line.strip())
        if w and w not in keep and o[w] == 0 and bp[w] >= 1:
            keep[w] = f'ANERGazet person list; ANERcorp: {bp[w]}x first word'
    out = []
    for w, why in keep.items():
        if len(w) < 3 or not re.search('[\u0600-\u06FF]', w):
            continue
        # و+محمد, ل+محمد ...: the matcher strips proclitics itself
        if any(w.startswith(p) and w[len(p):] in keep
               for p in ('و', 'ف', 'ل', 'ب', 'ك', 'وال', 'لل')):
            continue
        out.append((w, why))
    print('# First words of persons\' names (given names and a few famous '
          'surnames), derived by\n# tools/derive_person_names.py from ANERcorp '
          'and ANERGazet (Benajiba et al. 2007,\n# CC BY-SA 4.0 CAMeL Lab '
          'release), plus hand-added lines marked "curated".\n# A place name '
          'right after one of these is part of a person\'s name.\n'
          '# Columns: word	why')
    for w, why in sorted(out):
        print(f'{w}\t{why}')

main()
