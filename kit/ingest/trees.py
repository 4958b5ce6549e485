"""Boosted decision trees read from a JSON table and evaluated with numpy (no sklearn at run time).

``train/train_lines.py`` fits the trees (scikit-learn's histogram gradient boosting) and writes
each one as flat node lists; ``BoostedTrees`` walks all trees at once, level by level, so a
page of a few hundred lines costs a few array lookups per level.

Example:
    >>> stump = {"feature": [0, -1, -1], "threshold": [0.5, 0, 0], "left": [1, 1, 2],
    ...          "right": [2, 1, 2], "value": [0.0, -1.0, 1.0]}
    >>> trees = trees_from_table({"baseline": 0.25, "trees": [stump]})
    >>> trees.raw(np.array([[0.0], [1.0]])).tolist()
    [-0.75, 1.25]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kit.errors import ArgumentError


@dataclass(frozen=True)
class BoostedTrees:
    """A sum of regression trees on a logit scale, all trees' nodes in flat arrays.

    ``roots`` holds each tree's first node; an inner node's left child is the next node (the
    trees are stored depth first, left first). A leaf's ``right`` points to itself and its
    threshold is -inf, so a walk that reaches it stays there. ``value`` is the leaf's
    output; for an inner node, the mean output of the training rows that passed through it
    (what ``contributions`` attributes to each split).
    """

    baseline: float
    roots: np.ndarray
    feature: np.ndarray  # the split's column (0 at a leaf, which ``leaf`` marks)
    threshold: np.ndarray  # go left when the feature is <= threshold
    right: np.ndarray
    value: np.ndarray
    leaf: np.ndarray
    depth: int  # the deepest leaf's depth: the walk's number of levels

    def _walk(self, features: np.ndarray):
        """Yield (node before, node after) of every (row, tree) at each level of the walk."""
        rows, columns = features.shape
        flat = np.ascontiguousarray(features, dtype=float).ravel()
        offset = (np.arange(rows, dtype=np.intp) * columns)[:, None]
        node = np.broadcast_to(self.roots[None, :], (rows, len(self.roots)))
        for level in range(self.depth):
            goes_left = flat[offset + self.feature[node]] <= self.threshold[node]
            following = np.where(goes_left, node + 1, self.right[node])
            yield node, following
            node = following
            if level % 4 == 3 and self.leaf[node].all():
                return

    def raw(self, features: np.ndarray) -> np.ndarray:
        """Return the summed output (a logit) for each row of ``features``."""
        if not len(features):
            return np.zeros(0)
        node = np.broadcast_to(self.roots[None, :], (len(features), len(self.roots)))
        for _, node in self._walk(features):  # noqa: B007 (the last level's nodes are leaves)
            pass
        return self.baseline + self.value[node].sum(axis=1)

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """Return each feature's push on each row's output (rows × features).

        Every split a row passes moves its expected output from the node's value to the child's;
        the move is the split feature's (a row's pushes sum to its output minus the trees' mean).
        """
        rows, width = features.shape
        total = np.zeros(rows * width)
        if not rows:
            return total.reshape(rows, width)
        row = np.arange(rows, dtype=np.intp)[:, None] * width
        for parent, child in self._walk(features):
            # a row that reached a leaf stays there: its push is 0
            push = self.value[child] - self.value[parent]
            cells = row + self.feature[parent]
            total += np.bincount(cells.ravel(), weights=push.ravel(), minlength=rows * width)
        return total.reshape(rows, width)


def trees_from_table(table: dict) -> BoostedTrees:
    """Return the ``BoostedTrees`` of a table ``{"baseline": b, "trees": [{node lists}]}``."""
    trees = table["trees"]
    sizes = np.array([len(tree["feature"]) for tree in trees], dtype=np.intp)
    roots = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)

    def joined(name: str, kind: type, shift: bool = False) -> np.ndarray:
        parts = [np.array(tree[name], dtype=kind) for tree in trees]
        if shift:
            parts = [part + root for part, root in zip(parts, roots, strict=True)]
        return np.concatenate(parts)

    feature = joined("feature", np.intp)
    leaf = feature < 0
    threshold = joined("threshold", float)
    threshold[leaf] = -np.inf
    left = joined("left", np.intp, shift=True)
    if not (left[~leaf] == np.flatnonzero(~leaf) + 1).all():
        raise ArgumentError(
            "a tree's table is not depth first: a left child must follow its parent"
        )
    return BoostedTrees(
        baseline=float(table["baseline"]),
        roots=roots,
        feature=np.where(leaf, 0, feature),
        threshold=threshold,
        right=joined("right", np.intp, shift=True),
        value=joined("value", float),
        leaf=leaf,
        depth=int(table.get("depth", sizes.max())),
    )


def trees_table(trees: BoostedTrees) -> dict:
    """Return the JSON-ready table of ``trees`` (the inverse of ``trees_from_table``)."""
    ends = [*trees.roots[1:].tolist(), len(trees.feature)]
    table = []
    for root, end in zip(trees.roots.tolist(), ends, strict=True):
        leaf = trees.leaf[root:end]
        table.append(
            {
                "feature": np.where(leaf, -1, trees.feature[root:end]).tolist(),
                "threshold": np.where(leaf, 0.0, trees.threshold[root:end]).tolist(),
                "left": np.where(
                    leaf, np.arange(end - root), np.arange(1, end - root + 1)
                ).tolist(),
                "right": (trees.right[root:end] - root).tolist(),
                "value": trees.value[root:end].tolist(),
            }
        )
    return {"baseline": trees.baseline, "depth": trees.depth, "trees": table}
