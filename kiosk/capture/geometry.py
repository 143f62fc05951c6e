"""Where the document is in a frame, and the flat page cut out of it.

:func:`find_document` looks for the largest bright four-sided shape (paper on a desk is
brighter and less coloured than the desk) on a downscaled frame; :func:`rectify` maps that
quadrilateral onto an upright rectangle whose aspect snaps to the known paper shapes (ID
card 85.6 x 54 mm, A4 either way round); :func:`deskew` straightens residual tilt from
the text lines when no outline was found (a page filling the whole frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# width / height of the paper shapes the booth handles
ASPECTS = {"id_card": 85.6 / 54.0, "a4_landscape": 297 / 210, "a4_portrait": 210 / 297}
_SNAP_TOLERANCE = 0.10
_WORK_WIDTH = 640
_MIN_CONTRAST = 40.0  # grey levels; measured 90-150 for paper, under 10 for bare desks


@dataclass(frozen=True, slots=True)
class Quad:
    """A document outline in frame pixels: TL, TR, BR, BL as a 4x2 float32 array."""

    corners: np.ndarray
    frame_area_fraction: float

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the outline (longest opposite edges)."""
        tl, tr, br, bl = self.corners
        width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
        height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
        return float(width), float(height)

    def scaled(self, factor: float) -> Quad:
        return Quad(self.corners * factor, self.frame_area_fraction)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points ordered TL, TR, BR, BL (by their sums and differences)."""
    pts = np.asarray(points, np.float32).reshape(4, 2)
    sums = pts.sum(axis=1)
    diffs = pts[:, 1] - pts[:, 0]
    ordered = np.array(
        [pts[np.argmin(sums)], pts[np.argmin(diffs)], pts[np.argmax(sums)], pts[np.argmax(diffs)]]
    )
    if len({tuple(p) for p in ordered.tolist()}) < 4:  # degenerate: fall back on angles
        centre = pts.mean(axis=0)
        angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
        ordered = pts[np.argsort(angles)]
        start = int(np.argmin(ordered.sum(axis=1)))
        ordered = np.roll(ordered, -start, axis=0)
    return ordered.astype(np.float32)


def _gray(frame: np.ndarray) -> np.ndarray:
    return frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def find_document(frame: np.ndarray, min_area_fraction: float = 0.04) -> Quad | None:
    """The outline of the document in ``frame`` (BGR or grey), or None if none is seen."""
    width = frame.shape[1]
    factor = _WORK_WIDTH / width if width > _WORK_WIDTH else 1.0
    small = cv2.resize(frame, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if small.ndim == 3:
        hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
        # paper: bright and unsaturated; subtracting saturation separates it from wood
        score = cv2.subtract(hsv[..., 2], cv2.multiply(hsv[..., 1], np.array([0.6])))
    else:
        score = small
    score = cv2.GaussianBlur(score, (5, 5), 0)
    _, mask = cv2.threshold(score, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    total = small.shape[0] * small.shape[1]
    if area < min_area_fraction * total or area > 0.985 * total:
        return None
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    corners = None
    for epsilon in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            corners = approx.reshape(4, 2).astype(np.float32)
            break
    if corners is None:
        corners = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)
    # a four-sided outline should fill most of its hull; otherwise it is no document
    if cv2.contourArea(corners) < 0.85 * cv2.contourArea(hull):
        return None
    # paper stands out from the desk; two shades of one desk texture do not
    inside = np.zeros(score.shape, np.uint8)
    cv2.fillConvexPoly(inside, corners.astype(np.int32), 1)
    if float(score[inside == 1].mean()) - float(score[inside == 0].mean()) < _MIN_CONTRAST:
        return None
    return Quad(order_corners(corners / factor), float(area / total))


def _snapped_aspect(aspect: float) -> float:
    best = min(ASPECTS.values(), key=lambda a: abs(np.log(aspect / a)))
    return best if abs(np.log(aspect / best)) < _SNAP_TOLERANCE else aspect


def rectify(frame: np.ndarray, quad: Quad, max_long_side: int = 2000) -> np.ndarray:
    """The document cut out of ``frame`` and made upright, at about its pixel resolution."""
    width, height = quad.size
    aspect = _snapped_aspect(width / height)
    long_side = min(max(width, height), max_long_side)
    if aspect >= 1:
        out_w, out_h = long_side, long_side / aspect
    else:
        out_w, out_h = long_side * aspect, long_side
    out_w, out_h = round(out_w), round(out_h)
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.corners.astype(np.float32), target)
    return cv2.warpPerspective(
        frame, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def skew_angle(page: np.ndarray, max_degrees: float = 6.0) -> float:
    """The text-line tilt of ``page`` in degrees (projection profile search)."""
    gray = _gray(page)
    factor = 800 / max(gray.shape)
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15
    )
    centre = (small.shape[1] / 2, small.shape[0] / 2)
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-max_degrees, max_degrees + 0.01, 0.25):
        matrix = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(ink, matrix, (small.shape[1], small.shape[0]))
        profile = rotated.sum(axis=1, dtype=np.float64)
        score = float(np.var(profile))
        if score > best_score:
            best_angle, best_score = float(angle), score
    return best_angle


def deskew(page: np.ndarray, max_degrees: float = 6.0) -> np.ndarray:
    """``page`` rotated so that its text lines are horizontal."""
    angle = skew_angle(page, max_degrees)
    if abs(angle) < 0.3:
        return page
    height, width = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(
        page, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def flatten_page(frame: np.ndarray) -> tuple[np.ndarray, Quad | None]:
    """The upright page in ``frame``: the outline if one is found, else the deskewed frame."""
    quad = find_document(frame)
    if quad is None:
        return deskew(frame), None
    return rectify(frame, quad), quad
