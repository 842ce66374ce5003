"""The analysis stage's configuration: one frozen dataclass, passed in, never mutated."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class AnalysisConfig:
    """Every knob of face analysis (detection, mesh, iris, tracking, smoothing, alignment).

    Attributes:
        short_range_score: minimum BlazeFace short-range score (after sigmoid) to keep a detection.
        full_range_score: minimum BlazeFace full-range score to keep a detection.
        nms_iou: IoU above which detections are merged by weighted non-maximum suppression.
        min_face_px: smallest face (box side, image pixels) the detector must find; decides whether
            the full-range detector is tiled over large frames.
        min_face_share: smallest face the detector must find as a share of the frame's longer side, where that is
            more than ``min_face_px`` (0, the default: off): the tiling decision in ``detect``. At 1/30 (64 px at 1920) a UHD
            frame is searched as finely as a 1080p one of the same picture (128 px: 11 detector runs a detection
            instead of 33, 47 ms of CPU instead of 142 on the benchmark's UHD close-up), not twice as finely; frames
            up to 1920 px are unchanged. The faces given up are 64-128 px ones in a UHD frame.
        rotation_search: extra in-plane rotations (degrees, multiples of 90) at which the detector is
            also run, so faces lying sideways or upside down are found with correct eye keypoints.
        mesh_presence: minimum face-presence probability of the mesh model to accept a face
            (measured: real faces >= 0.996 even at 48 px, dark or blurred; false detections on
            clothing, a cat, textures <= 0.81).
        roi_scale: face ROI side as a multiple of the detector box / landmark extent (MediaPipe: 1.5).
        use_iris: run the iris model and return 478 points (else iris points are eye-contour centres).
        num_threads: threads per LiteRT interpreter. 1 by default: the models are small (one 1080p frame runs four
            to six of them, ~1-3 ms each), so a second XNNPACK thread saves little wall time and costs CPU in its
            thread pool's hand-offs (in a 2-core ``ned render``, ~4-6 ms of process CPU per 1080p frame), while the
            decoder, colour and plate-writer threads want that core; results do not depend on it.
        detect_interval: during a shot, re-run the detector at least every this many frames to find
            new faces (between, faces are followed from the previous frame's landmarks); a face found
            this way is also followed backwards through up to this many buffered earlier frames.
        redetect_change: histogram change (0..1) from the previous frame that triggers the detector
            (something entered or left the frame) without being a cut.
        max_faces: most faces analysed per frame (largest first).
        cut_threshold: histogram distance (0..1) between consecutive frames above which faces are not
            followed into the next frame but detected afresh (the shots themselves come from
            ``cuts.ShotDetector``).
        track_iou: minimum box IoU to continue a track from one frame to the next.
        reattach_distance: largest signature distance at which a new face re-attaches to a lost track.
        max_gap: most frames a track may be lost and still re-attach within a shot.
        min_track_frames: tracks shorter than this are dropped as spurious.
        turned_presence: a face turned away (three-quarter, towards profile) that continues a face of the
            previous frame is accepted down to this mesh presence instead of ``mesh_presence``: the mesh scores
            turned heads low (measured 0.19-0.96 on the test footage's 50-degree turns; see
            ``frame.continues_turn`` for what counts as turned).
        redetect_presence: re-run the detector when a followed face's mesh presence falls below this
            (it is still accepted down to ``mesh_presence``): the crop is drifting off the face.
        join_distance: inside a shot, a tracklet continues an earlier one that ended before it when
            it starts within this many face sizes of where the earlier one was heading (plus
            ``tracklets.JOIN_GROWTH`` per frame of gap); see ``tracklets.join_tracklets``.
        bridge_frames: gaps of at most this many frames inside a track are filled with interpolated
            landmarks (flagged ``FaceTrack.interpolated``); 0 disables.
        turned_bridge_frames: a gap whose two ends the mesh reads turned to the same side (``mesh.turned_side``) is
            bridged up to this many frames: the head turned on past what the mesh follows (towards profile, where it
            scores the face 0.02-0.12, as it scores a hand or a wall) and back (the test footage's turns to 90
            degrees: 10-13 frames lost from about 75 degrees on).
        smooth_min_cutoff: One-Euro cut-off (Hz) at rest — lower is smoother at rest.
        smooth_beta: One-Euro cut-off increase per inter-ocular distance per second of speed —
            higher follows fast motion with less lag (defaults: static-face jitter 0.37 -> 0.05 %
            of the inter-ocular distance, lag ~1 % of it at 2.4 inter-ocular distances per second).
        smooth_d_cutoff: One-Euro cut-off for the derivative estimate.
        fps: frame rate used by the smoother.
        crop_size: side of the aligned face crop in pixels (256 default, up to 1024).
        crop_iod_fraction: inter-ocular distance in the aligned crop as a fraction of its side.
        mask_feather: soft-edge width of the masks as a fraction of the inter-ocular distance; the
            edge falls off inside the outline (the mask is 0 on the outline, 1 this far inside).
        max_side: a source whose frames' longer side exceeds this many pixels is analysed from its frames box-averaged
            by the smallest whole factor that brings them within it and divides both sides (:meth:`shrink`; the
            pipeline reads them so, ``analyze_shot``'s ``shrink``): a UHD frame at 1920x1080. The
            models see a face through a crop of at most 192 pixels, which a close-up of a UHD frame gives shrunk
            from either size; the whole-frame work (decode's conversion, the crops' area averaging, the detector's
            views) costs a quarter. Landmarks and boxes come back in the full frame's pixels (on the benchmark's UHD
            close-up within 0.9 px, 0.3 % of the inter-ocular distance, of those of the full frame). ``min_face_px``
            stays in full-frame pixels.
    """

    short_range_score: float = 0.5
    full_range_score: float = 0.6
    nms_iou: float = 0.3
    min_face_px: int = 64
    min_face_share: float = 0.0
    rotation_search: tuple[int, ...] = (90, 270, 180)
    mesh_presence: float = 0.9
    roi_scale: float = 1.5
    use_iris: bool = True
    num_threads: int = 1
    detect_interval: int = 12
    redetect_change: float = 0.08
    max_faces: int = 8
    cut_threshold: float = 0.25
    track_iou: float = 0.3
    reattach_distance: float = 1.0
    max_gap: int = 10_000
    min_track_frames: int = 1
    redetect_presence: float = 0.98
    turned_presence: float = 0.2
    join_distance: float = 0.75
    bridge_frames: int = 8
    turned_bridge_frames: int = 24
    smooth_min_cutoff: float = 0.3
    smooth_beta: float = 10.0
    smooth_d_cutoff: float = 1.0
    fps: float = 24.0
    crop_size: int = 256
    crop_iod_fraction: float = 0.25
    mask_feather: float = 0.12
    max_side: int = 2048

    def __post_init__(self) -> None:
        from ned_core.exceptions import AnalysisConfigError

        if not 64 <= self.crop_size <= 1024:
            raise AnalysisConfigError(f"AnalysisConfig.crop_size must be in 64..1024, got {self.crop_size}")
        if self.min_face_px < 16:
            raise AnalysisConfigError(f"AnalysisConfig.min_face_px must be >= 16, got {self.min_face_px}")
        if not 0.0 <= self.min_face_share < 1.0:
            raise AnalysisConfigError(f"AnalysisConfig.min_face_share must be in [0, 1), got {self.min_face_share}")
        if self.max_side < 256:
            raise AnalysisConfigError(f"AnalysisConfig.max_side must be >= 256, got {self.max_side}")
        if self.num_threads < 1:
            raise AnalysisConfigError(f"AnalysisConfig.num_threads must be >= 1, got {self.num_threads}")
        if self.turned_bridge_frames < self.bridge_frames:
            raise AnalysisConfigError("AnalysisConfig.turned_bridge_frames must be >= bridge_frames, got "
                                      f"{self.turned_bridge_frames} (bridge_frames {self.bridge_frames})")
        if not 0 < self.turned_presence <= self.mesh_presence:
            raise AnalysisConfigError("AnalysisConfig.turned_presence must be in (0, mesh_presence], got "
                                      f"{self.turned_presence} (mesh_presence {self.mesh_presence})")
        if any(r % 90 or not 0 < r < 360 for r in self.rotation_search):
            raise AnalysisConfigError(
                f"AnalysisConfig.rotation_search must hold 90, 180 or 270, got {self.rotation_search}"
            )

    def shrink(self, width: int, height: int) -> int:
        """The whole factor a ``width x height`` frame is box-averaged by for the analysis: 1 when its longer side is
        within ``max_side``, else the smallest factor that brings it within and divides both sides (1 if none does:
        the frame is analysed whole)."""
        factor = -(-max(width, height) // self.max_side)
        if factor <= 1:
            return 1
        return next((k for k in range(factor, min(width, height) + 1) if width % k == 0 and height % k == 0), 1)

    def shrunk(self, factor: int) -> AnalysisConfig:
        """This configuration for frames box-averaged by ``factor``: ``min_face_px`` in their pixels (at least 16)."""
        return self if factor == 1 else replace(self, min_face_px=max(16, round(self.min_face_px / factor)))
