"""Grouping face descriptors into people: plain arrays in, labels out (no catalog here).

DBSCAN, chosen by measurement over HDBSCAN and agglomerative (bench/bench_faces.py --compare):
- On the 32 real photos of ../shared/assets (dlib descriptors of the biggest face): DBSCAN
  eps 0.45 gives pairwise F1 0.979 and no person mixing identities; HDBSCAN (min cluster size 2)
  F1 0.950 with one person mixing two identities, because it has no absolute distance scale and
  pairs up strangers; average-linkage agglomerative (threshold 0.6) F1 1.000.
- On 5,000 synthetic dlib-like descriptors (Zipf-sized people, 10% look-alike pairs, 15% one-off
  strangers): DBSCAN 0.45 s, F1 0.98, no mixing; HDBSCAN 2.7 s and 8 people mixing strangers;
  agglomerative 3.1 s, F1 1.00, no mixing, but it needs the full n x n distance matrix: 10,000
  faces take ~12 s and 100,000 would need 40 GB.
- DBSCAN only needs each face's neighbours within eps, which a symmetric HNSW k-NN graph gives
  in O(n k): see radius_graph and bench/bench_faces.py for the figures. Its eps is an absolute dlib distance (same person
  usually < 0.6), and faces near nobody stay noise, which is our "unsorted".
Agglomerative (average linkage) is still used inside one person, where n is small: split_groups.
"""

from __future__ import annotations

from typing import Any

import numpy as np

CLUSTER_EPS = 0.45
"""Neighbour radius for DBSCAN (dlib distance). 0.40 leaves a third of the real faces unsorted."""
MIN_CLUSTER = 2
GRAPH_ABOVE = 15_000
"""Past this many faces DBSCAN runs on a k-NN radius graph instead of brute-force distances
(10,000 faces: brute force 1.5 s, graph 2.4 s; brute force grows with n squared)."""
SPLIT_DISTANCE = 0.5
"""Average-linkage threshold for the sub-groups offered when a person is split."""


def cluster_descriptors(desc: np.ndarray, photos: np.ndarray, eps: float = CLUSTER_EPS,
                        min_samples: int = MIN_CLUSTER) -> np.ndarray:
    """DBSCAN labels (-1 = unsorted), with faces of one photo never in one group: the face
    farther from its group's centre is sent back to unsorted."""
    if len(desc) < min_samples or len(desc) == 0:
        return np.full(len(desc), -1, np.int64)
    from sklearn.cluster import DBSCAN

    if len(desc) <= GRAPH_ABOVE:
        labels = DBSCAN(eps=eps, min_samples=min_samples, metric="euclidean", algorithm="brute").fit_predict(desc)
    else:
        # Past a few thousand faces the n x n distances dominate; DBSCAN only needs each face's
        # neighbours within eps, which an HNSW k-NN graph gives in O(n k).
        labels = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit_predict(radius_graph(desc, eps))
    return one_face_per_photo(labels.astype(np.int64), desc, photos, min_samples)


def one_face_per_photo(labels: np.ndarray, desc: np.ndarray, photos: np.ndarray, min_size: int = 1) -> np.ndarray:
    """Within each group keep one face per photo (the one nearest the group's centre); the others
    become -1. Groups that fall under min_size dissolve."""
    labels = labels.copy()
    order = np.argsort(labels, kind="stable")
    uniq, starts, counts = np.unique(labels[order], return_index=True, return_counts=True)
    for label, start, count in zip(uniq, starts, counts, strict=True):
        if label == -1:
            continue
        members = order[start : start + count]
        if len(np.unique(photos[members])) == len(members):
            continue  # the usual case: no photo twice in this group
        centre = desc[members].mean(axis=0)
        seen: set[int] = set()
        for i in members[np.argsort(np.linalg.norm(desc[members] - centre, axis=1))]:
            if int(photos[i]) in seen:
                labels[i] = -1
            else:
                seen.add(int(photos[i]))
        if int((labels[members] == label).sum()) < min_size:
            labels[members] = -1
    return labels


def radius_graph(desc: np.ndarray, eps: float, k: int = 24) -> Any:
    """Sparse distances to each face's neighbours within eps (at most k), from an HNSW index.

    M 12 / ef_construction 40 / ef 48 / k 24, measured on 100,000 synthetic faces on a busy
    2-core EPYC: build + query 29 s, F1 0.989; M 16 / 60 / 64 / k 32: 41 s, F1 0.991;
    M 8 / 40 / 40 / k 16: 19 s, F1 0.986. Brute-force DBSCAN gives 0.98 at 10,000."""
    import hnswlib
    from scipy.sparse import csr_matrix

    n, dim = desc.shape
    index = hnswlib.Index(space="l2", dim=dim)
    index.init_index(max_elements=n, ef_construction=40, M=12)
    index.add_items(desc, np.arange(n))
    index.set_ef(max(48, k * 2))
    labels, sq = index.knn_query(desc, k=min(k, n))
    dist = np.sqrt(np.maximum(sq, 0))
    keep = dist <= eps
    rows = np.repeat(np.arange(n), labels.shape[1])[keep.ravel()]
    # Explicit zeros would be dropped by the sparse format; a tiny distance keeps the edge.
    graph = csr_matrix((np.maximum(dist[keep], 1e-9), (rows, labels[keep].astype(np.int64))), shape=(n, n))
    # Symmetric, as distances are: a face that lists a well-connected face among its nearest k
    # must also be listed by it, or DBSCAN (which only follows a core point's own row) leaves
    # it out of that face's group and splits one person into many (F1 0.18 instead of 0.98 on
    # 10,000 synthetic faces).
    return graph.maximum(graph.T).tocsr()


def split_groups(desc: np.ndarray, photos: np.ndarray, threshold: float = SPLIT_DISTANCE,
                 max_faces: int = 4000) -> np.ndarray:
    """Sub-groups inside one person: average-linkage agglomerative clustering (exact and cheap at
    the size of one person). When everything sits within the threshold, the best two-way split
    is offered instead, so asking to split always offers something. Labels 0..k-1, biggest
    first; faces of one photo are never in one sub-group."""
    n = len(desc)
    if n < 2:
        return np.zeros(n, np.int64)
    from sklearn.cluster import AgglomerativeClustering

    if n > max_faces:  # a very big person: DBSCAN at a tighter radius keeps it fast
        labels = cluster_descriptors(desc, photos, eps=CLUSTER_EPS * 0.85, min_samples=2)
    else:
        labels = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold,
                                         linkage="average").fit_predict(desc)
        if len(np.unique(labels)) == 1:
            labels = AgglomerativeClustering(n_clusters=2, linkage="average").fit_predict(desc)
    labels = one_face_per_photo(labels.astype(np.int64), desc, photos)
    # Faces left out (duplicates of a photo, DBSCAN noise) join the nearest group they fit.
    groups = [g for g in np.unique(labels) if g != -1]
    if not groups:
        return np.zeros(n, np.int64)
    centres = np.stack([desc[labels == g].mean(axis=0) for g in groups])
    for i in np.flatnonzero(labels == -1):
        for j in np.argsort(np.linalg.norm(centres - desc[i], axis=1)):
            if photos[i] not in photos[labels == groups[j]]:
                labels[i] = groups[j]
                break
        else:
            labels[i] = max(groups) + 1
            groups.append(labels[i])
    # Renumber biggest first.
    uniq, counts = np.unique(labels, return_counts=True)
    rank = {int(u): r for r, u in enumerate(uniq[np.argsort(-counts, kind="stable")])}
    return np.array([rank[int(v)] for v in labels], np.int64)
