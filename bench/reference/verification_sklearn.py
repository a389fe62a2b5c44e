"""Reference rows of `npm run bench:eval`: scikit-learn's roc_curve + auc on the benchmark's scores,
(1) all pairs only, (2) all pairs and each pair type, each with the EER and TAR at five FARs read off
the curve (NumPy), as our report's ROC stage does. Sorting is inside roc_curve, so our side of the
comparison includes our sort. Median of ROUNDS rounds, one thread.
Input: a file of N float32 scores, then N uint8 labels (1 = same identity), then N uint8 type codes.
Prints one JSON line: versions, pairs, milliseconds per row, AUC of all pairs (a cross-check).
Usage: python3 verification_sklearn.py FILE N ROUNDS"""
import json
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import auc, roc_curve

path, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
raw = np.fromfile(path, dtype=np.uint8)
scores = raw[: 4 * n].view(np.float32)
labels = raw[4 * n : 5 * n]
codes = raw[5 * n : 6 * n]
fars = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5]


def roc_only(s, l):
    fpr, tpr, _ = roc_curve(l, s)
    return auc(fpr, tpr)


def roc_report(s, l):
    fpr, tpr, _ = roc_curve(l, s)
    area = auc(fpr, tpr)
    fnr = 1 - tpr
    i = np.argmin(np.abs(fnr - fpr))
    eer = (fpr[i] + fnr[i]) / 2
    tars = [tpr[max(0, np.searchsorted(fpr, far, side="right") - 1)] for far in fars]
    return area, eer, tars


def timed(work):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        value = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), value


all_ms, area = timed(lambda: roc_only(scores, labels))
sets = [(scores, labels)] + [(scores[codes == t], labels[codes == t]) for t in np.unique(codes)]
report_ms, _ = timed(lambda: [roc_report(s, l) for s, l in sets])
print(
    json.dumps(
        {
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "pairs": int(n),
            "rocAucAllMs": all_ms,
            "rocReportSetsMs": report_ms,
            "sets": len(sets),
            "auc": float(area),
        }
    )
)
