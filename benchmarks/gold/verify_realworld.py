"""Check benchmarks/gold/realworld.jsonl against the documents in shared/realworld/.

Run: .venv/bin/python benchmarks/gold/verify_realworld.py [REALWORLD_DIR]
Exits non-zero if any check fails. Rules:
  .txt  : quote must be an exact substring of the file (BOM removed)
  .html : quote (whitespace removed) must lie inside one <p> of the div.conTxt article
  .pdf  : quote (whitespace removed) must lie inside the pypdf text with whitespace removed,
          and inside one extracted line (reported separately as "straddles a line break")
"""
import collections
import json
import os
import re
import sys
from pathlib import Path

import lxml.html
import pypdf

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared', 'realworld')
GOLD = os.environ.get('GOLD_FILE', os.path.join(HERE, 'realworld.jsonl'))
WS = re.compile(r'\s+')


def nows(s):
    return WS.sub('', s)


def load(name):
    path = os.path.join(DOCS, name)
    if name.endswith('.txt'):
        text = Path(path).read_text(encoding='utf-8-sig')
        return {'kind': 'txt', 'text': text, 'flat': nows(text), 'units': None}
    if name.endswith('.html'):
        doc = lxml.html.fromstring(Path(path).read_bytes())
        art = doc.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " conTxt ")]')[0]
        paras = [nows(p.text_content()) for p in art.xpath('.//p')]
        return {'kind': 'html', 'text': art.text_content(), 'flat': nows(art.text_content()),
                'units': [p for p in paras if p]}
    if name.endswith('.pdf'):
        pages = [pg.extract_text() for pg in pypdf.PdfReader(path).pages]
        text = '\n'.join(pages)
        return {'kind': 'pdf', 'text': text, 'flat': nows(text),
                'units': [nows(l) for l in text.splitlines() if l.strip()]}
    raise ValueError(name)


def main():
    files = sorted(f for f in os.listdir(DOCS) if f.endswith(('.txt', '.html', '.pdf')))
    docs = {f: load(f) for f in files}
    items = [json.loads(line) for line in Path(GOLD).read_text(encoding='utf-8').splitlines() if line.strip()]
    fails, warns = [], []
    ids = set()
    per_doc = collections.Counter()
    quotes_per_doc = collections.Counter()
    counts = collections.Counter()
    named = 0
    for it in items:
        iid = it['id']
        if iid in ids:
            fails.append(f'{iid}: duplicate id')
        ids.add(iid)
        keys = ['id', 'type', 'question', 'answer', 'evidence', 'notes', 'split']
        if list(it) != keys:
            fails.append(f'{iid}: keys {list(it)}')
        counts[(it['type'], it['split'])] += 1
        if it['type'] in ('fact', 'policy') and 'names the document' in it['notes']:
            named += 1
        for f in {ev['file'] for ev in it['evidence']}:
            per_doc[f] += 1
        if it['type'] == 'unanswerable':
            if it['evidence']:
                fails.append(f'{iid}: unanswerable item has evidence')
            continue
        if not it['evidence']:
            fails.append(f'{iid}: no evidence')
        for ev in it['evidence']:
            f, q = ev['file'], ev['quote']
            if f not in docs:
                fails.append(f'{iid}: unknown file {f}')
                continue
            quotes_per_doc[f] += 1
            d = docs[f]
            if not 10 <= len(q) <= 60:
                fails.append(f'{iid}: quote length {len(q)}: {q}')
            if '\n' in q:
                fails.append(f'{iid}: line break in quote')
            if d['kind'] == 'txt':
                ok = q in d['text']
            else:
                ok = nows(q) in d['flat']
            if not ok:
                fails.append(f'{iid}: NOT FOUND in {f}: {q}')
                continue
            if d['kind'] == 'html' and not any(nows(q) in p for p in d['units']):
                fails.append(f'{iid}: quote spans two paragraphs of {f}: {q}')
            if d['kind'] == 'pdf' and not any(nows(q) in l for l in d['units']):
                warns.append(f'{iid}: quote straddles a PDF line break in {f}: {q}')
        pasted = re.findall(r'「(.*?)」', it['question'])
        if it['type'] in ('quote', 'similar') and len(pasted) != 1:
            fails.append(f'{iid}: expected one 「…」 passage')
            continue
        if it['type'] == 'quote':
            p = nows(pasted[0])
            if any(p in d['flat'] for d in docs.values()):
                fails.append(f'{iid}: pasted sentence occurs verbatim (should be altered)')
        if it['type'] == 'similar':
            src = it['notes'].split('source passage: ')[1].split(' ')[0]
            p = pasted[0]
            if not 60 <= len(p) <= 150:
                fails.append(f'{iid}: pasted passage length {len(p)}')
            if nows(p) not in docs[src]['flat']:
                fails.append(f'{iid}: pasted passage not found in source {src}')
            if any(ev['file'] == src for ev in it['evidence']):
                fails.append(f'{iid}: similar evidence comes from the pasted document')
        if it['type'] == 'cross' and len({ev['file'] for ev in it['evidence']}) < 2:
            fails.append(f'{iid}: cross item needs two documents')
    print(f'{len(items)} items, {sum(len(i["evidence"]) for i in items)} quotes checked')
    for t in ('fact', 'policy', 'cross', 'quote', 'similar', 'unanswerable'):
        print(f'  {t:13s} fit={counts[(t, "fit")]:2d} test={counts[(t, "test")]:2d}')
    print(f'  fact/policy items naming their document: {named}')
    print('items / quotes per document:')
    for f in files:
        print(f'  {per_doc[f]:3d} {quotes_per_doc[f]:3d}  {f}')
        if per_doc[f] < 3:
            fails.append(f'{f}: evidence for fewer than 3 items')
    for w in warns:
        print('WARN', w)
    for x in fails:
        print('FAIL', x)
    print('OK' if not fails else f'{len(fails)} failures')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
