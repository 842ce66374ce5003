"""BlazeFace SSD maths: anchor grid, box/keypoint decoding, score sigmoid and weighted NMS.

The anchor layouts are facts from MediaPipe's public graph configs (Apache-2.0,
mediapipe/modules/face_detection/*.pbtxt): short range 128x128 input, strides 8,16,16,16 with two
fixed-size anchors per layer (896 anchors); full range 192x192 input, stride 4 with one anchor per
cell (2304 anchors). Both regress 16 values per anchor: box centre offset, width, height, then six
keypoints (x, y), all in input pixels relative to the anchor centre; raw scores are clipped to
+-100 before the sigmoid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCORE_CLIP = 100.0


@dataclass(frozen=True)
class AnchorLayout:
    """Which anchors one detector model uses.

    Attributes:
        input_size: square input side in pixels.
        strides: one stride per SSD layer; consecutive equal strides share a feature map.
        anchors_per_layer: anchors each layer contributes per feature-map cell.
    """

    input_size: int
    strides: tuple[int, ...]
    anchors_per_layer: int


SHORT_RANGE = AnchorLayout(input_size=128, strides=(8, 16, 16, 16), anchors_per_layer=2)
FULL_RANGE = AnchorLayout(input_size=192, strides=(4,), anchors_per_layer=1)


def anchor_centres(layout: AnchorLayout) -> np.ndarray:
    """Anchor centres in the model's output order.

    Returns:
        ``(N, 2) float32`` x, y normalised to 0..1 of the input (N = 896 short, 2304 full range).
    """
    out = []
    i = 0
    while i < len(layout.strides):
        stride = layout.strides[i]
        layers = 1
        while i + layers < len(layout.strides) and layout.strides[i + layers] == stride:
            layers += 1
        cells = -(-layout.input_size // stride)
        ys, xs = np.meshgrid((np.arange(cells) + 0.5) / cells, (np.arange(cells) + 0.5) / cells, indexing="ij")
        centres = np.stack([xs.ravel(), ys.ravel()], axis=1)
        out.append(np.repeat(centres, layers * layout.anchors_per_layer, axis=0))
        i += layers
    return np.concatenate(out).astype(np.float32)


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, input_size: int,
           min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode raw SSD outputs into boxes, keypoints and scores above ``min_score``.

    Args:
        raw_boxes: ``(N, 16) float32`` regressors.
        raw_scores: ``(N,) float32`` logits.
        anchors: ``(N, 2) float32`` from :func:`anchor_centres`.
        input_size: input side in pixels (offsets are divided by it).
        min_score: keep detections whose sigmoid score is at least this.

    Returns:
        boxes ``(K, 4)`` x0, y0, x1, y1, keypoints ``(K, 6, 2)``, scores ``(K,)``; coordinates
        normalised to 0..1 of the input, all float32.
    """
    scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores.astype(np.float64), -SCORE_CLIP, SCORE_CLIP)))
    keep = scores >= min_score
    raw, anc = raw_boxes[keep] / input_size, anchors[keep]
    centre = anc + raw[:, 0:2]
    half = raw[:, 2:4] / 2.0
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    keypoints = anc[:, None, :] + raw[:, 4:16].reshape(-1, 6, 2)
    return boxes.astype(np.float32), keypoints.astype(np.float32), scores[keep].astype(np.float32)


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one ``(4,)`` box with ``(K, 4)`` boxes (x0, y0, x1, y1)."""
    lo = np.maximum(box[:2], boxes[:, :2])
    hi = np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=1)
    area = lambda b: np.prod(np.clip(b[..., 2:] - b[..., :2], 0, None), axis=-1)  # noqa: E731
    union = area(box) + area(boxes) - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def weighted_nms(boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
                 iou_threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted non-maximum suppression: overlapping detections are averaged, weighted by score.

    The best remaining detection and every other one overlapping it by more than ``iou_threshold``
    form a cluster; the cluster's box and keypoints are the score-weighted mean, its score the best.

    Args:
        boxes: ``(K, 4)``; keypoints: ``(K, P, 2)``; scores: ``(K,)``.

    Returns:
        The merged boxes, keypoints and scores, best first.
    """
    order = np.argsort(-scores)
    boxes, keypoints, scores = boxes[order], keypoints[order], scores[order]
    alive = np.ones(len(scores), dtype=bool)
    out_b, out_k, out_s = [], [], []
    for i in range(len(scores)):
        if not alive[i]:
            continue
        cluster = alive & (iou(boxes[i], boxes) > iou_threshold)
        cluster[i] = True
        w = scores[cluster] / scores[cluster].sum()
        out_b.append((boxes[cluster] * w[:, None]).sum(axis=0))
        out_k.append((keypoints[cluster] * w[:, None, None]).sum(axis=0))
        out_s.append(scores[i])
        alive &= ~cluster
    n_kp = keypoints.shape[1] if keypoints.ndim == 3 else 0
    return (np.array(out_b, dtype=np.float32).reshape(-1, 4),
            np.array(out_k, dtype=np.float32).reshape(-1, n_kp, 2),
            np.array(out_s, dtype=np.float32))
