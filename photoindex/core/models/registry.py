"""Every model file photoindex may download: where it lives on the hub, at which revision, how
big it is and, where known, its sha256.

Revisions are hub commit ids, so a catalog's vectors always come from exactly these weights.
Where no commit id could be checked when this table was written (the hub is unreachable from
the machines that build photoindex), `revision` is None: the first download resolves the
repository's current commit, keeps the files under that commit, and the library records it.

Sizes are estimates (float32 checkpoints: 4 bytes a parameter); the progress bar uses the sizes
the hub reports at download time, so an estimate here only shows before a download.

Recall figures: Crossmodal-3600 text-to-image recall@1 from OpenCLIP's
docs/openclip_multilingual_retrieval_results.csv (see README, "Models").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelFile:
    repo: str
    filename: str
    revision: str | None
    size: int
    """An estimate in bytes (the parameters in float32, rounded), shown before a download; the
    download itself counts the sizes the hub reports."""
    sha256: str | None = None

    @property
    def label(self) -> str:
        return f"{self.repo}/{self.filename}"


@dataclass(frozen=True)
class ClipChoice:
    name: str
    """open_clip architecture name."""
    pretrained: str
    """open_clip pretrained tag."""
    title: str
    weights: tuple[ModelFile, ...]
    """The open_clip checkpoint: the first file that exists is used (safetensors before .bin)."""
    text_files: tuple[ModelFile, ...] = ()
    """A Hugging Face text tower's config and tokenizer (loaded from a folder holding them)."""
    languages: str = ""
    recall_ko: float | None = None
    recall_en: float | None = None
    image_cost: str = ""
    """How the image tower compares with ViT-B-32 (the speed of indexing)."""
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.pretrained)

    @property
    def download_size(self) -> int:
        return self.weights[0].size + sum(f.size for f in self.text_files)


XLMR_BASE = "FacebookAI/xlm-roberta-base"
XLMR_REVISION = "e73636d4f797dec63c3081bb6ed5c7b0bb3f2089"

CLIP_CHOICES: tuple[ClipChoice, ...] = (
    ClipChoice(
        "xlm-roberta-base-ViT-B-32", "laion5b_s13b_b90k",
        "Multilingual (Korean, English and 100 more), ViT-B-32",
        # 366.1 M parameters (ViT-B-32 88.2 M + XLM-R base 278.0 M) in float32.
        (ModelFile("laion/CLIP-ViT-B-32-xlm-roberta-base-laion5B-s13B-b90k", "open_clip_pytorch_model.bin", None,
                   1_464_600_000),),
        (ModelFile(XLMR_BASE, "config.json", XLMR_REVISION, 1_000),
         ModelFile(XLMR_BASE, "tokenizer.json", XLMR_REVISION, 9_100_000)),
        languages="ko, en and 100 more", recall_ko=0.435, recall_en=0.470, image_cost="ViT-B-32 (fast on a CPU)",
    ),
    ClipChoice(
        "ViT-B-16-SigLIP-i18n-256", "webli",
        "Multilingual SigLIP, ViT-B-16 at 256 px (better, slower: for a GPU)",
        (ModelFile("timm/ViT-B-16-SigLIP-i18n-256", "open_clip_model.safetensors", None, 1_480_000_000),),
        (ModelFile("timm/ViT-B-16-SigLIP-i18n-256", "tokenizer.json", None, 17_000_000),
         ModelFile("timm/ViT-B-16-SigLIP-i18n-256", "tokenizer_config.json", None, 2_000)),
        languages="ko, en and 100 more", recall_ko=0.471, recall_en=0.491,
        image_cost="ViT-B-16 at 256 px: about 6x the work of ViT-B-32 per photo",
    ),
    ClipChoice(
        "nllb-clip-base-siglip", "mrl",
        "NLLB-CLIP (best Korean; slowest: for a GPU)",
        (ModelFile("visheratin/nllb-siglip-mrl-base", "model.safetensors", None, 2_010_000_000),),
        (ModelFile("facebook/nllb-200-distilled-600M", "config.json", None, 1_000),
         ModelFile("facebook/nllb-200-distilled-600M", "tokenizer.json", None, 17_300_000),
         ModelFile("facebook/nllb-200-distilled-600M", "tokenizer_config.json", None, 1_000),
         ModelFile("facebook/nllb-200-distilled-600M", "special_tokens_map.json", None, 4_000)),
        languages="ko, en and 200 more", recall_ko=0.541, recall_en=None,
        image_cost="ViT-B-16 at 384 px: about 14x the work of ViT-B-32 per photo",
    ),
    ClipChoice(
        "ViT-B-32", "laion2b_s34b_b79k",
        "English only, ViT-B-32 (the model of photoindex 0.x)",
        (ModelFile("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "open_clip_model.safetensors",
                   "1a25a446712ba5ee05982a381eed697ef9b435cf", 605_000_000),
         ModelFile("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "open_clip_pytorch_model.bin",
                   "1a25a446712ba5ee05982a381eed697ef9b435cf", 605_000_000)),
        languages="en", recall_ko=0.001, recall_en=0.476, image_cost="ViT-B-32 (fast on a CPU)",
    ),
)

DINO_FILES: dict[str, tuple[ModelFile, ...]] = {
    "facebook/dinov2-small": (
        ModelFile("facebook/dinov2-small", "model.safetensors", "150c8e7bb7cef2d30ec31b13a517af14840ee3f7", 88_000_000),
        ModelFile("facebook/dinov2-small", "config.json", "150c8e7bb7cef2d30ec31b13a517af14840ee3f7", 1_000),
    ),
}

YUNET = ModelFile(
    "opencv/face_detection_yunet", "face_detection_yunet_2023mar.onnx", "3cc26e7f1014a5ee5d74a42acee58bafc9d0a310",
    232_589, "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
)


def clip_choice(name: str, pretrained: str) -> ClipChoice | None:
    for choice in CLIP_CHOICES:
        if choice.key == (name, pretrained):
            return choice
    return None
